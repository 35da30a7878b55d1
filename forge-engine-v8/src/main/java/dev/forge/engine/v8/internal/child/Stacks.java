package dev.forge.engine.v8.internal.child;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reading JavaScript stack traces: Forge's own frames cut out, and the first frame in the tenant's code.
 *
 * <p>Thread-safety: stateless.
 */
public final class Stacks {

    private Stacks() {
    }

    /**
     * The stack without Forge's own frames (the prelude's and every bindings installer's, such as the
     * integrations framework): a tenant sees only its code.
     */
    public static String withoutForgeFrames(String stack) {
        if (stack.indexOf(Prelude.RESOURCE_NAME) < 0 && stack.indexOf(Prelude.BINDINGS_PREFIX) < 0) {
            return stack;
        }
        StringBuilder out = new StringBuilder(stack.length());
        for (String line : stack.split("\n", -1)) {
            if (!line.contains(Prelude.RESOURCE_NAME) && !line.contains(Prelude.BINDINGS_PREFIX)) {
                if (out.length() > 0) {
                    out.append('\n');
                }
                out.append(line);
            }
        }
        return out.toString();
    }

    /** Line and column of the first stack frame in the tenant's source; zeros when there is none. */
    public static int[] position(String stack, String resourceName) {
        if (stack != null && !stack.isEmpty()) {
            Matcher m = Pattern.compile(Pattern.quote(resourceName) + ":(\\d+):(\\d+)").matcher(stack);
            if (m.find()) {
                return new int[] {Integer.parseInt(m.group(1)), Integer.parseInt(m.group(2))};
            }
        }
        return new int[] {0, 0};
    }
}
