package dev.forge.testkit;

import dev.forge.Confinement;
import dev.forge.EngineOptions;
import dev.forge.Forge;
import dev.forge.Isolation;
import dev.forge.Script;
import dev.forge.ScriptKind;
import dev.forge.spi.EngineStats;
import org.junit.jupiter.api.Test;

import java.time.Duration;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Keeps site/isolation.md's example honest: the Forge it builds starts, runs a script in an isolate process,
 * and holds the settings the comments describe.
 */
class IsolationDocTest {

    private static final DocExamples DOC = DocExamples.page("isolation.md");

    @Test
    void theConfiguredForgeRunsScriptsInIsolateProcesses() {
        Forge forge = Forge.builder()
                .engineOptions(EngineOptions.builder()
                        .isolation(Isolation.PROCESS)        // the default
                        .processes(16)                       // tenants that keep an isolate process of their own
                        .spares(2)                           // started ahead: a new tenant or a crash costs no call its deadline
                        .confinement(Confinement.BEST_EFFORT) // namespaces, a view of its own, no privileges (security.md)
                        .processMemoryBytes(512L << 20)      // each process's resident-memory ceiling
                        .threads(8).tenantShare(2)           // invocations at once, and one tenant's share of them
                        .killGrace(Duration.ofMillis(200))   // how long V8 may ignore termination
                        .build())
                .build();
        try (forge) {
            EngineOptions o = forge.engineOptions();
            assertEquals(EngineOptions.DEFAULT.isolation(), o.isolation(), "PROCESS is the default");
            assertEquals(EngineOptions.DEFAULT_PROCESS_MEMORY_BYTES, o.processMemoryBytes());
            assertEquals(EngineOptions.DEFAULT_KILL_GRACE, o.killGrace());
            forge.load(Script.of("acme", "route", ScriptKind.SCRIPT, "function main(d) { d.seen = true; return d; }"));
            assertEquals("{\"seen\":true}", ((dev.forge.Outcome.Ok) forge.invoke("acme/route", "{}")).dataJson());
            EngineStats stats = forge.stats();
            assertEquals("process", stats.isolation());
            assertTrue(stats.processes() >= 1, stats::toString);
            assertTrue(!stats.confinement().isBlank(), stats::toString);
        }
    }

    @Test
    void everyJavaExampleRuns() {
        DOC.assertEveryJavaExampleIsIn(IsolationDocTest.class, 1);
    }
}
