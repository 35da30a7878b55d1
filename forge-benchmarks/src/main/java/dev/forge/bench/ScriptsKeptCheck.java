package dev.forge.bench;

import dev.forge.EngineOptions;
import dev.forge.Forge;
import dev.forge.InMemoryScriptStore;
import dev.forge.Isolation;
import dev.forge.Script;
import dev.forge.ScriptKind;

/**
 * Not a benchmark: checks that the engine's memory is bounded by {@code maxIsolates}, not by the number of
 * scripts ever run. With {@code maxIsolates} 32, {@value #SCRIPTS} distinct scripts are loaded, invoked once
 * and removed from the store; {@code EngineStats.scriptsKept} (script versions the engine keeps isolates,
 * queues and code caches for) must stay at 32 or below.
 *
 * <p>Run: {@code java -cp forge-benchmarks/target/benchmarks.jar dev.forge.bench.ScriptsKeptCheck}
 */
public final class ScriptsKeptCheck {

    static final int SCRIPTS = 5000;

    private ScriptsKeptCheck() {
    }

    public static void main(String[] args) {
        InMemoryScriptStore store = new InMemoryScriptStore();
        try (Forge forge = Forge.builder().scriptStore(store).engineOptions(EngineOptions.builder().maxIsolates(32)
                .isolation(Isolation.IN_PROCESS).build()).build()) {
            for (int i = 1; i <= SCRIPTS; i++) {
                String id = "kept/s" + i;
                forge.load(Script.of(id, "kept", "route", ScriptKind.SCRIPT, "// " + i + "\n" + Routing.SCRIPT));
                forge.invoke(id, Routing.DATA);
                store.remove(id); // the engine is not told: it must bound what it keeps by itself
                if (i % 1000 == 0) {
                    System.out.printf("after %d scripts: %s%n", i, forge.stats());
                }
            }
            int kept = forge.stats().scriptsKept();
            System.out.printf("RESULT scripts kept after %d: %d (bound 32: %s)%n", SCRIPTS, kept, kept <= 32 ? "PASS" : "FAIL");
        }
    }
}
