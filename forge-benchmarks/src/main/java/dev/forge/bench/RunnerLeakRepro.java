package dev.forge.bench;

import dev.forge.EngineOptions;
import dev.forge.Forge;
import dev.forge.Script;
import dev.forge.ScriptKind;

import java.lang.reflect.Field;
import java.util.Map;

/**
 * Not a benchmark: evidence for unbounded engine memory found while writing {@link ColdStartBenchmark}.
 * With {@code maxIsolates} 32, {@value #SCRIPTS} distinct scripts are loaded, invoked once and removed from
 * the store; isolates stay at 32, but the pool's per-version {@code ScriptRunner} map (read here by
 * reflection, as there is no public view of it) keeps one entry per script ever run, with its source and
 * code cache.
 *
 * <p>Run: {@code java -cp forge-benchmarks/target/benchmarks.jar dev.forge.bench.RunnerLeakRepro}
 */
public final class RunnerLeakRepro {

    static final int SCRIPTS = 5000;

    private RunnerLeakRepro() {
    }

    public static void main(String[] args) throws Exception {
        try (Forge forge = Forge.builder().engineOptions(EngineOptions.builder().maxIsolates(32).build()).build()) {
            Object pool = field(field(forge, "engine"), "pool");
            Map<?, ?> runners = (Map<?, ?>) field(pool, "runners");
            for (int i = 1; i <= SCRIPTS; i++) {
                String id = "leak/s" + i;
                forge.load(Script.of(id, "leak", "route", ScriptKind.SCRIPT, "// " + i + "\n" + Routing.SCRIPT));
                forge.invoke(id, Routing.DATA);
                forge.scripts().remove(id);
                if (i % 1000 == 0) {
                    long cache = 0;
                    int size;
                    synchronized (field(pool, "lock")) {
                        size = runners.size();
                        for (Object r : runners.values()) {
                            byte[] c = (byte[]) field(r, "codeCache");
                            cache += c == null ? 0 : c.length;
                        }
                    }
                    System.out.printf("after %d scripts: runners kept %d, code cache bytes kept %d; %s%n",
                            i, size, cache, forge.stats());
                }
            }
        }
    }

    private static Object field(Object o, String name) throws ReflectiveOperationException {
        Field f = o.getClass().getDeclaredField(name);
        f.setAccessible(true);
        return f.get(o);
    }
}
