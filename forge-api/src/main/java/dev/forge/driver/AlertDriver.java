package dev.forge.driver;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * An alert driver: a Driver script exporting {@code send(alert)}, which returns whether the alert went out.
 * Get one from {@link dev.forge.Forge#alertDriver(String)}.
 *
 * <p>Thread-safety: thread-safe.
 *
 * @since 0.1.0
 */
public interface AlertDriver {

    /**
     * Calls {@code send(alert)}.
     *
     * @throws DriverException when it fails, times out or does not return a boolean
     */
    boolean send(JsonNode alert);
}
