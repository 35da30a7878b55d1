package dev.forge.driver;

import com.fasterxml.jackson.databind.JsonNode;

import java.util.List;

/**
 * A DID driver, as ScriptForge defines it: a Driver script exporting {@code search}, {@code allocate},
 * {@code release} and {@code list}. Get one from {@link dev.forge.Forge#didDriver(String)}; each method calls the
 * script's function of the same name and checks what it returns.
 *
 * <p>Every method throws {@link DriverException} when the function fails, times out or returns the wrong
 * shape; the message names the function and the shape expected.
 *
 * <p>Thread-safety: thread-safe.
 *
 * @since 0.1.0
 */
public interface DidDriver {

    /** {@code search({number})}: DIDs on offer, each an object with a string {@code did}. */
    List<JsonNode> search(String number);

    /** {@code allocate({did})}: the provider's record of the allocation, an object. */
    JsonNode allocate(String did);

    /** {@code release({did})}: whether the DID was released. */
    boolean release(String did);

    /** {@code list()}: the DIDs held, each an object with a string {@code did}. */
    List<JsonNode> list();
}
