package dev.forge;

import dev.forge.spi.ScriptStore;

import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The default {@link ScriptStore}: a concurrent map in this JVM.
 *
 * <p>Thread-safety: thread-safe.
 *
 * @since 0.1.0
 */
public final class InMemoryScriptStore implements ScriptStore {

    private final ConcurrentHashMap<String, Script> scripts = new ConcurrentHashMap<>();

    @Override
    public Optional<Script> find(String id) {
        return Optional.ofNullable(scripts.get(Objects.requireNonNull(id, "id")));
    }

    @Override
    public void put(Script script) {
        Objects.requireNonNull(script, "script");
        scripts.put(script.id(), script);
    }

    @Override
    public boolean remove(String id) {
        return scripts.remove(Objects.requireNonNull(id, "id")) != null;
    }

    @Override
    public List<Script> list() {
        return List.copyOf(scripts.values());
    }
}
