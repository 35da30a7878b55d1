package dev.forge.engine.v8.internal;

import com.caoccao.javet.exceptions.JavetException;
import com.caoccao.javet.interop.V8Runtime;
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
