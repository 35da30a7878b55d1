package dev.forge.engine.v8;

import dev.forge.engine.v8.internal.host.V8Engine;
import dev.forge.spi.EngineConfig;
import dev.forge.spi.ScriptEngine;
import dev.forge.spi.ScriptEngineProvider;

/**
 * Provides Forge's V8 engine (Javet in V8 mode). Found by {@link java.util.ServiceLoader}; a host may also
 * pass {@code new V8EngineProvider()} to {@code Forge.builder().engine(...)}.
 *
 * <p>V8's heap ceiling is process-wide: the first engine built in a JVM fixes it from its default
 * heap limit, and a later script with a larger limit is refused with a message that says so.
 *
 * <p>Thread-safety: thread-safe.
 *
 * @since 0.1.0
 */
public final class V8EngineProvider implements ScriptEngineProvider {

    @Override
    public String name() {
        return "v8";
    }

    @Override
    public ScriptEngine create(EngineConfig config) {
        return new V8Engine(config);
    }
}
