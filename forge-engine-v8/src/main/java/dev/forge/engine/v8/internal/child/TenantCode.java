package dev.forge.engine.v8.internal.child;

import com.caoccao.javet.exceptions.JavetException;
import com.caoccao.javet.interop.V8Runtime;
import com.caoccao.javet.values.V8Value;
import com.caoccao.javet.values.reference.IV8ValuePromise;
import com.caoccao.javet.values.reference.V8Module;
import com.caoccao.javet.values.reference.V8Script;
import com.caoccao.javet.values.reference.V8ValueFunction;
import com.caoccao.javet.values.reference.V8ValueObject;
import com.caoccao.javet.values.reference.V8ValuePromise;

/**
 * Loads a tenant's code into an isolate: a classic script (with the process's code cache), or an ES module,
 * whose imports resolve through the prelude's {@code require} (and so through the host's module registry;
 * a CommonJS module is imported as its default export).
 *
 * <p>Thread-safety: stateless; called by the thread that runs the isolate.
 */
final class TenantCode {

    /** The top level of an ES module rejected: its message and stack, for a runtime error. */
    static final class ModuleRejected extends Exception {
        private static final long serialVersionUID = 1L;

        ModuleRejected(String message) {
            super(message, null, false, false);
        }
    }

    private TenantCode() {
    }

    /** Runs the tenant's code; returns its entry point ({@code main}, or the default export), or undefined. */
    static V8Value load(V8Runtime runtime, IsolateSpec spec, CodeCaches caches) throws JavetException, ModuleRejected {
        if (spec.esModule()) {
            return loadModule(runtime, spec);
        }
        byte[] cache = caches.get(spec.source());
        try (V8Script script = runtime.getExecutor(spec.source(), cache)
                .setResourceName(spec.resourceName()).compileV8Script(true)) {
            try (V8Value ignored = script.execute()) {
                if (cache == null) {
                    caches.put(spec.source(), script.getCachedData());
                }
            }
        }
        return runtime.getExecutor("typeof main === 'function' ? main : undefined").setResourceName("forge:bind").execute();
    }

    private static V8Value loadModule(V8Runtime runtime, IsolateSpec spec) throws JavetException, ModuleRejected {
        runtime.setV8ModuleResolver((rt, name, referrer) -> rt.getExecutor("const m = require(" + quote(name)
                + ");\nexport default m;\n").setResourceName("import:" + name).setModule(true).compileV8Module());
        try (V8Module module = runtime.getExecutor(spec.source()).setResourceName(spec.resourceName())
                .setModule(true).compileV8Module()) {
            module.instantiate();
            try (V8Value evaluated = module.evaluate(true)) {
                if (evaluated instanceof V8ValuePromise promise && promise.getState() == IV8ValuePromise.STATE_REJECTED) {
                    try (V8Value reason = promise.getResult()) {
                        throw new ModuleRejected(describe(reason));
                    }
                }
            }
            try (V8ValueObject namespace = (V8ValueObject) module.getNamespace()) {
                V8Value main = namespace.get("main");
                if (main instanceof V8ValueFunction) {
                    return main;
                }
                main.close();
                return namespace.get("default");
            }
        }
    }

    private static String describe(V8Value reason) throws JavetException {
        if (reason instanceof V8ValueObject error) {
            String stack = error.getString("stack");
            if (stack != null) {
                return Stacks.withoutForgeFrames(stack);
            }
        }
        return reason.toString();
    }

    /** {@code text} as a JavaScript string literal. */
    static String quote(String text) {
        StringBuilder sb = new StringBuilder(text.length() + 2).append('"');
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c == '"' || c == '\\') {
                sb.append('\\').append(c);
            } else if (c < 0x20 || c == 0x2028 || c == 0x2029) {
                sb.append(String.format("\\u%04x", (int) c));
            } else {
                sb.append(c);
            }
        }
        return sb.append('"').toString();
    }
}
