package dev.forge;

import dev.forge.spi.ScriptStore;

import java.util.List;
import java.util.Optional;

/**
 * {@link Forge#scripts()}: the store, to read. Writing through it would skip what {@link Forge#load} does (the
 * bindings check, the warm first isolate, closing a replaced version's isolates), so it refuses.
 *
 * <p>Thread-safety: as the store it wraps.
 */
final class ReadOnlyScripts implements ScriptStore {

    private final ScriptStore store;

    ReadOnlyScripts(ScriptStore store) {
        this.store = store;
    }

    @Override
    public Optional<Script> find(String id) {
        return store.find(id);
    }

    @Override
    public void put(Script script) {
        throw new UnsupportedOperationException("scripts(): read only; add '" + (script == null ? null : script.id())
                + "' with forge.load(script)");
    }

    @Override
    public boolean remove(String id) {
        throw new UnsupportedOperationException("scripts(): read only; remove '" + id + "' with forge.unload(id)");
    }

    @Override
    public List<Script> list() {
        return store.list();
    }
}
