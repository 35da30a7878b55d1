package dev.forge.integrations.internal;

import dev.forge.Limits;
import dev.forge.Script;
import dev.forge.ScriptKind;
import dev.forge.integrations.Integration;

/**
 * How an integration becomes a Forge script: an App with the "integrations" bindings, whose tenant is the
 * integration's identifier (so {@code fetch} egress and the {@code datastore} global are per integration).
 *
 * <p>The backend runs inside a function whose parameter {@code console} shadows Forge's frozen console with
 * one that also has {@code trace}; its hooks are handed to the bindings at the end. The wrapper starts on the
 * backend's first line, so line numbers in errors stay the backend's own (columns on line 1 shift). Top-level
 * {@code var}s and functions are therefore local to the backend, which hooks see as before; a hook assigned to
 * {@code globalThis} is found as well.
 *
 * <p>Thread-safety: stateless.
 */
public final class IntegrationScripts {

    private static final String HEAD = "(function (console) {";
    private static final String TAIL = "\n;__forgeIntegration.hooks({"
            + "ongroup: typeof ongroup === 'function' ? ongroup : undefined, "
            + "onagent: typeof onagent === 'function' ? onagent : undefined, "
            + "oncdr: typeof oncdr === 'function' ? oncdr : undefined, "
            + "onhttp: typeof onhttp === 'function' ? onhttp : undefined});\n"
            + "}).call(globalThis, __forgeIntegration.console);\n";

    private IntegrationScripts() {
    }

    /** The id of the script that runs this integration's backend. */
    public static String scriptId(String identifier) {
        return "integration/" + identifier;
    }

    /** The script for an integration's backend, with its limits (or {@code defaults}). */
    public static Script script(Integration integration, Limits defaults) {
        String id = integration.identifier();
        return Script.of(scriptId(id), id, id, ScriptKind.APP, HEAD + integration.backend() + TAIL)
                .withLimits(integration.limits() != null ? integration.limits() : defaults)
                .withBindings(IntegrationBindings.NAME);
    }
}
