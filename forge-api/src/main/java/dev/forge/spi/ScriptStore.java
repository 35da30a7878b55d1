package dev.forge.spi;

import dev.forge.Script;

import java.util.List;
import java.util.Optional;

/**
 * Where the host keeps its tenants' scripts. Forge looks a script up on every invocation, so
 * {@link #find} must be fast (an in-memory map, or a cache in front of the host's database).
 * {@link dev.forge.InMemoryScriptStore} is the default.
 *
 * <h2>The contract</h2>
 * What {@code ScriptStoreContract} in forge-test-kit checks:
 * <ul>
 *   <li>A new store is empty: {@link #find} gives {@link Optional#empty()} and {@link #list} an empty list.</li>
 *   <li>{@link #find} returns a script equal to the one {@link #put} stored, every field kept: id, tenant,
 *       name, kind, source, version, limits, {@code env} and bindings. Forge compares versions to decide
 *       whether a script changed, so a store must never recompute or drop them.</li>
 *   <li>{@link #put} replaces the script with the same id: {@link #find} then gives the new version and
 *       {@link #list} holds the id once.</li>
 *   <li>{@link #remove} returns whether the script was there; afterwards {@link #find} is empty.</li>
 *   <li>{@link #list} returns every script once, in no particular order.</li>
 *   <li>A {@code null} id or script is refused with a {@link NullPointerException}.</li>
 *   <li>Concurrent {@link #put}s from several threads are all kept.</li>
 * </ul>
 * A store that reads from a database can fail: throw an unchecked exception, which reaches the host from
 * {@code Forge.invoke} (a script cannot cause it).
 *
 * <p>Thread-safety: implementations must be thread-safe.
 *
 * @since 0.1.0
 */
public interface ScriptStore {

    /** The current version of the script with this id; empty if there is none. */
    Optional<Script> find(String id);

    /** Adds the script, or replaces the one with the same {@code script.id()}. */
    void put(Script script);

    /** Removes the script with this id; true if it was there. */
    boolean remove(String id);

    /** Every script, each once, in no particular order; empty for an empty store. */
    List<Script> list();
}
