package dev.forge.spi;

import dev.forge.Script;

import java.util.List;
import java.util.Optional;

/**
 * Where the host keeps its tenants' scripts. Forge looks a script up on every invocation, so
 * {@link #find} must be fast (an in-memory map, or a cache in front of the host's database).
 * {@link dev.forge.InMemoryScriptStore} is the default.
 *
 * <p>Thread-safety: implementations must be thread-safe.
 *
 * @since 0.1.0
 */
public interface ScriptStore {

    /** The current version of the script with this id. */
    Optional<Script> find(String id);

    /** Adds or replaces the script with {@code script.id()}. */
    void put(Script script);

    /** Removes the script; true if it was there. */
    boolean remove(String id);

    /** Every script, in no particular order. */
    List<Script> list();
}
