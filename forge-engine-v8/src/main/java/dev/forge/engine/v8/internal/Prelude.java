package dev.forge.engine.v8.internal;

import com.caoccao.javet.exceptions.JavetException;
import com.caoccao.javet.interop.V8Runtime;
import com.caoccao.javet.values.reference.V8Script;
import com.caoccao.javet.values.V8Value;
import com.caoccao.javet.values.reference.V8ValueFunction;
import dev.forge.spi.Bindings;

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
final class Prelude {

    static final String RESOURCE_NAME = "forge:prelude";
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

    /**
     * Evaluates the installer of {@code bindings} in {@code runtime}: the function the prelude calls to add
     * them, or undefined when the script has none.
     */
    static V8Value installer(V8Runtime runtime, Bindings bindings) throws JavetException {
        if (bindings == null) {
            return runtime.createV8ValueUndefined();
        }
        V8Value installer = runtime.getExecutor("(" + bindings.installer() + "\n)")
                .setResourceName("forge:bindings:" + bindings.name()).execute();
        if (!(installer instanceof V8ValueFunction)) {
            installer.close();
            throw new IllegalStateException("bindings '" + bindings.name() + "': installer() is not a function expression");
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
