package dev.forge.engine.v8.internal.child;

import com.caoccao.javet.exceptions.JavetException;
import com.caoccao.javet.interop.V8Runtime;
import com.caoccao.javet.values.V8Value;
import com.caoccao.javet.values.reference.V8Script;
import com.caoccao.javet.values.reference.V8ValueFunction;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;

/**
 * The sandbox prelude ({@code prelude.js}): loaded once per process, compiled once, and run from its
 * code cache in every new isolate before tenant code.
 *
 * <p>Thread-safety: thread-safe.
 */
public final class Prelude {

    /** The prelude's name in stack traces; frames under it are cut from what a tenant sees. */
    public static final String RESOURCE_NAME = "forge:prelude";
    /** The resource name prefix of bindings' installers. */
    public static final String BINDINGS_PREFIX = "forge:bindings:";
    private static final String SOURCE = load();
    private static volatile byte[] codeCache;

    private Prelude() {
    }

    /** Runs the prelude in {@code runtime} and returns its setup function. */
    static V8ValueFunction setup(V8Runtime runtime) throws JavetException {
        byte[] cache = codeCache;
        try (V8Script script = runtime.getExecutor(SOURCE, cache).setResourceName(RESOURCE_NAME).compileV8Script(true)) {
            V8ValueFunction setup = script.execute();
            if (cache == null) {
                codeCache = script.getCachedData();
            }
            return setup;
        }
    }

    /** Compiles the prelude once in {@code runtime}, so that the first isolate starts from the code cache. */
    static void warm(V8Runtime runtime) throws JavetException {
        setup(runtime).close();
    }

    /**
     * Evaluates the installer of the script's bindings in {@code runtime}: the function the prelude calls to
     * add them, or undefined when the script has none.
     */
    static V8Value installer(V8Runtime runtime, IsolateSpec spec) throws JavetException {
        if (spec.installer() == null) {
            return runtime.createV8ValueUndefined();
        }
        V8Value installer = runtime.getExecutor("(" + spec.installer() + "\n)")
                .setResourceName(BINDINGS_PREFIX + spec.bindingsName()).execute();
        if (!(installer instanceof V8ValueFunction)) {
            installer.close();
            throw new IllegalStateException("bindings '" + spec.bindingsName() + "': installer() is not a function expression");
        }
        return installer;
    }

    private static String load() {
        try (InputStream in = Prelude.class.getResourceAsStream("prelude.js")) {
            if (in == null) {
                throw new IllegalStateException("prelude.js is missing from forge-engine-v8");
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
