package dev.forge.engine.v8.internal;

import com.caoccao.javet.exceptions.JavetException;
import com.caoccao.javet.interop.V8Runtime;
import com.caoccao.javet.values.V8Value;
import com.caoccao.javet.values.reference.IV8ValuePromise;
import com.caoccao.javet.values.reference.V8Module;
import com.caoccao.javet.values.reference.V8Script;
import com.caoccao.javet.values.reference.V8ValueFunction;
import com.caoccao.javet.values.reference.V8ValueObject;
import com.caoccao.javet.values.reference.V8ValuePromise;
import dev.forge.ScriptException;
import dev.forge.internal.Json;
import dev.forge.spi.ModuleRegistry;

import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Loads a tenant's code into an isolate: a classic script (with the code cache), or an ES module when
 * the source uses {@code import} or {@code export}, whose imports resolve through the
 * {@link ModuleRegistry} (a CommonJS module is imported as its default export). Also answers
 * {@code require(name)} for the prelude.
 *
 * <p>Thread-safety: stateless; called by the thread that owns the isolate.
 */
final class TenantCode {

    /** Static import or export at the start of a line: the source is an ES module. */
    static final Pattern ES_MODULE = Pattern.compile("(?m)^\\s*(?:import\\s*[\\w{*'\"]|export\\s)");

    private TenantCode() {
    }

    /** Runs the tenant's code; returns its entry point ({@code main}, or the default export), or undefined. */
    static V8Value load(V8Runtime runtime, ScriptRunner runner) throws JavetException {
        if (runner.esModule) {
            return loadModule(runtime, runner);
        }
        byte[] cache = runner.codeCache;
        try (V8Script script = runtime.getExecutor(runner.script.source(), cache)
                .setResourceName(runner.resourceName).compileV8Script(true)) {
            try (V8Value ignored = script.execute()) {
                if (cache == null) {
                    runner.codeCache = script.getCachedData();
                }
            }
        }
        return runtime.getExecutor("typeof main === 'function' ? main : undefined").setResourceName("forge:bind").execute();
    }

    private static V8Value loadModule(V8Runtime runtime, ScriptRunner runner) throws JavetException {
        runtime.setV8ModuleResolver((rt, name, referrer) -> rt.getExecutor("const m = require("
                + Json.MAPPER.valueToTree(name) + ");\nexport default m;\n").setResourceName("import:" + name)
                .setModule(true).compileV8Module());
        try (V8Module module = runtime.getExecutor(runner.script.source()).setResourceName(runner.resourceName)
                .setModule(true).compileV8Module()) {
            module.instantiate();
            try (V8Value evaluated = module.evaluate(true)) {
                if (evaluated instanceof V8ValuePromise promise && promise.getState() == IV8ValuePromise.STATE_REJECTED) {
                    try (V8Value reason = promise.getResult()) {
                        throw new ScriptException(ScriptException.Kind.RUNTIME, describe(reason));
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
                return Results.withoutPrelude(stack);
            }
        }
        return reason.toString();
    }

    /** What the prelude's {@code require(name)} gets: 'S' + CommonJS source, or 'E' + why not. */
    static String moduleSource(ScriptRunner runner, String name) {
        ModuleRegistry modules = runner.services.modules();
        String tenant = runner.script.tenant();
        Optional<ModuleRegistry.ModuleSource> found;
        try {
            found = modules.find(tenant, name);
        } catch (RuntimeException e) {
            return "Emodule '" + name + "' could not be loaded: " + e.getMessage();
        }
        if (found.isEmpty()) {
            return "Emodule '" + name + "' is not available to this script; allowed modules: "
                    + String.join(", ", modules.names(tenant));
        }
        return "S" + found.get().source();
    }
}
