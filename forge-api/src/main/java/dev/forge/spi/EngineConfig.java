package dev.forge.spi;

import dev.forge.EngineOptions;
import dev.forge.InvocationListener;
import dev.forge.Limits;

import java.util.Objects;

/**
 * What a {@link ScriptEngineProvider} needs to make an engine.
 *
 * @param defaultLimits limits for scripts that carry none of their own
 * @param options       threads, isolates, queues and console caps
 * @param listener      told of every outcome
 * @param services      the datastore, modules and network policy that Apps use
 *
 * @since 0.1.0
 */
public record EngineConfig(Limits defaultLimits, EngineOptions options, InvocationListener listener,
                           HostServices services) {
    public EngineConfig {
        Objects.requireNonNull(defaultLimits, "defaultLimits");
        Objects.requireNonNull(options, "options");
        Objects.requireNonNull(listener, "listener");
        Objects.requireNonNull(services, "services");
    }
}
