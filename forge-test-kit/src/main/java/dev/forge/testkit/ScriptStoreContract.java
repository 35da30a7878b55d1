package dev.forge.testkit;

import dev.forge.Limits;
import dev.forge.Script;
import dev.forge.ScriptKind;
import dev.forge.spi.ScriptStore;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * What every {@link ScriptStore} must do. Extend it in the implementation's tests and return a fresh,
 * empty store from {@link #newStore()}:
 *
 * <pre>{@code
 * class RedisScriptStoreTest extends ScriptStoreContract {
 *     protected ScriptStore newStore() { return new RedisScriptStore(redis.uri(), "test-" + UUID.randomUUID()); }
 * }
 * }</pre>
 *
 * <p>Thread-safety: JUnit runs each test on one thread; the concurrency test starts its own platform threads.
 *
 * @since 0.1.0
 */
public abstract class ScriptStoreContract {

    private ScriptStore store;

    /** A new, empty store; called before each test. */
    protected abstract ScriptStore newStore();

    @BeforeEach
    void createStore() {
        store = newStore();
    }

    private static Script script(String name, String body) {
        return Script.of("acme", name, ScriptKind.SCRIPT, "function main(data) { " + body + " return data; }");
    }

    @Test
    void findsNothingInANewStore() {
        assertEquals(Optional.empty(), store.find("acme/route"));
        assertEquals(List.of(), store.list());
    }

    @Test
    void findsWhatWasPut() {
        Script s = script("route", "");
        store.put(s);
        assertEquals(Optional.of(s), store.find("acme/route"));
    }

    @Test
    void putReplacesTheScriptWithTheSameId() {
        store.put(script("route", "data.a = 1;"));
        Script newer = script("route", "data.a = 2;");
        store.put(newer);
        assertEquals(newer.version(), store.find("acme/route").orElseThrow().version());
        assertEquals(1, store.list().size());
    }

    @Test
    void removeSaysWhetherTheScriptWasThere() {
        store.put(script("route", ""));
        assertTrue(store.remove("acme/route"));
        assertFalse(store.remove("acme/route"));
        assertEquals(Optional.empty(), store.find("acme/route"));
    }

    @Test
    void listsEveryScript() {
        store.put(script("a", ""));
        store.put(script("b", ""));
        store.put(script("c", ""));
        assertEquals(Set.of("acme/a", "acme/b", "acme/c"),
                store.list().stream().map(Script::id).collect(Collectors.toSet()));
    }

    @Test
    void keepsLimitsAndKind() {
        Script app = Script.of("acme", "app", ScriptKind.APP, "async function main(d) { return d; }")
                .withLimits(Limits.DEFAULT.withTimeout(Duration.ofMillis(250)));
        store.put(app);
        assertEquals(app, store.find("acme/app").orElseThrow());
    }

    @Test
    void rejectsNullArguments() {
        assertThrows(NullPointerException.class, () -> store.find(null));
        assertThrows(NullPointerException.class, () -> store.put(null));
        assertThrows(NullPointerException.class, () -> store.remove(null));
    }

    @Test
    void concurrentPutsAreAllKept() throws InterruptedException {
        int threads = 4;
        int perThread = 50;
        CountDownLatch go = new CountDownLatch(1);
        List<Thread> started = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            int id = t;
            Thread thread = new Thread(() -> {
                try {
                    go.await();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return;
                }
                for (int i = 0; i < perThread; i++) {
                    store.put(script("s" + id + "-" + i, ""));
                }
            });
            started.add(thread);
            thread.start();
        }
        go.countDown();
        for (Thread thread : started) {
            thread.join();
        }
        assertEquals(threads * perThread, store.list().size());
    }
}
