package dev.forge.engine.v8;

import dev.forge.EngineOptions;
import dev.forge.Forge;
import dev.forge.InMemoryDatastore;
import dev.forge.Invocation;
import dev.forge.Limits;
import dev.forge.Outcome;
import dev.forge.Script;
import dev.forge.ScriptException;
import dev.forge.ScriptKind;
import dev.forge.engine.v8.logs.CapturedLogs;
import dev.forge.engine.v8.standin.ForgingChild;
import dev.forge.spi.EngineStats;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.slf4j.event.Level;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The host trusts no frame from an isolate process. {@link ForgingChild} stands in for a child that a V8
 * exploit took over: started by the real launcher, speaking the real protocol, it forges one kind of frame per
 * script. Each is refused, kills only that child (its call ends with an error, logged once and counted), a
 * bystander tenant's calls on the same engine all end ok meanwhile, and nothing is written for anyone.
 */
class ForgedFramesTest {

    private static final InMemoryDatastore DATASTORE = new InMemoryDatastore();
    private static Forge forge;

    @BeforeAll
    static void start() {
        System.setProperty("forge.isolate.main", ForgingChild.class.getName());
        try {
            forge = Forge.builder().engine(new V8EngineProvider()).datastore(DATASTORE)
                    .limits(new Limits(Duration.ofSeconds(5), Limits.DEFAULT_HEAP_BYTES))
                    .engineOptions(EngineOptions.builder().spares(2).build()).build();
        } finally {
            System.clearProperty("forge.isolate.main");
        }
    }

    @AfterAll
    static void stop() {
        forge.close();
    }

    private static Script script(String tenant, String mode) {
        return forge.load(Script.of(tenant, mode + ".js", ScriptKind.APP,
                "// standin:" + mode + "\nasync function main(d) { return d; }"));
    }

    private static Outcome call(Script s) {
        return forge.invoke(Invocation.builder(s.id()).data("{\"n\":1}").build());
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"unknown-invocation", "finished-invocation", "tenant-field", "huge-length", "garbage",
            "flood", "answer-ahead"})
    void aForgedFrameKillsOnlyItsChild(String mode) throws Exception {
        Script bystander = script("bystander", "benign");
        AtomicBoolean attacking = new AtomicBoolean(true);
        List<Outcome> bystanderOutcomes = new CopyOnWriteArrayList<>();
        CompletableFuture<Void> alongside = CompletableFuture.runAsync(() -> {
            do {
                bystanderOutcomes.add(call(bystander));
            } while (attacking.get());
        });
        String tenant = "attacker-" + mode;
        Script attacker = script(tenant, mode);
        EngineStats before = forge.stats();
        CapturedLogs.clear();
        Outcome outcome = call(attacker);
        if (mode.equals("finished-invocation") || mode.equals("answer-ahead")) {
            // the first call goes as asked: the forgery comes with the second
            assertTrue(outcome.isOk(), outcome.toJson());
            outcome = call(attacker);
        }
        attacking.set(false);
        alongside.get(30, TimeUnit.SECONDS);

        ScriptException error = assertInstanceOf(Outcome.Failed.class, outcome, outcome.toJson()).error();
        assertEquals(ScriptException.Kind.HOST, error.kind(), outcome.toJson());
        assertTrue(error.getMessage().contains("broke the protocol"), error.getMessage());
        assertEquals(before.protocolKills() + 1, forge.stats().protocolKills(), forge.stats().toString());
        List<CapturedLogs.Event> forged = CapturedLogs.from("forge.v8").stream()
                .filter(e -> e.level() == Level.WARN && e.message().startsWith("forged:")).toList();
        assertEquals(1, forged.size(), CapturedLogs.events()::toString);
        assertTrue(forged.get(0).message().contains("tenant=" + tenant), forged.get(0).message());
        assertTrue(forged.get(0).message().contains("script=" + attacker.id()), forged.get(0).message());

        assertTrue(bystanderOutcomes.size() >= 1);
        for (Outcome o : bystanderOutcomes) {
            assertTrue(o.isOk(), "the bystander: " + o.toJson());
        }
        for (String t : List.of(tenant, "bystander")) {
            assertEquals(List.of(), DATASTORE.keys(t, "").toCompletableFuture().get(), "nothing written for " + t);
        }
    }
}
