package dev.forge.testkit;

import dev.forge.Forge;
import dev.forge.ScriptException.Kind;
import dev.forge.ScriptKind;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

import java.time.Duration;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The extension injects one Forge per test class, loads scripts and fixtures from the class path. */
@ForgeTest(timeout = "1s", tenant = "acme")
class ForgeExtensionTest {

    private final ScriptRunner fromConstructor;

    ForgeExtensionTest(ScriptRunner runner) {
        this.fromConstructor = runner;
    }

    @Test
    void injectsTheRunnerAndItsForge(ScriptRunner runner, Forge forge) {
        assertSame(fromConstructor.forge(), forge);
        assertSame(forge, runner.forge());
        assertEquals(Duration.ofSeconds(1), forge.limits().timeout());
    }

    @Test
    void loadsAScriptAndFixtureFromTheClassPath(ScriptRunner runner) {
        LoadedScript dnc = runner.load("scripts/dnc.js", ScriptKind.APP);
        assertEquals("acme/scripts/dnc.js", dnc.id());
        dnc.invoke("@calls/listed.json").assertRejected(604, "Number on DNC List");
        dnc.invoke("@calls/clean.json").assertDataAt("/routing/dest_number", "12125550143");
    }

    @Test
    void inlineScriptsAndTimeouts(ScriptRunner runner) {
        runner.script("function main(d) { d.routing.seen = 1; return d; }").invoke()
                .assertData("{\"routing\":{\"seen\":1}}");
        runner.script("function main(d) { while (true) {} }").withTimeout("100ms")
                .withTimeoutAction("480 Temporarily Unavailable").invoke()
                .assertTimedOut(480, "Temporarily Unavailable");
        runner.script("function main(d) { return nope(); }").invoke().assertFailed(Kind.RUNTIME)
                .assertMessageContains("nope");
    }

    @Test
    void badFixturesFailWithTheirName(ScriptRunner runner) {
        LoadedScript identity = runner.script("function main(d) { return d; }");
        IllegalArgumentException missing = assertThrows(IllegalArgumentException.class,
                () -> identity.invoke("@calls/none.json"));
        assertEquals("data: no resource 'calls/none.json' on the class path; put it under src/test/resources "
                + "or src/main/resources", missing.getMessage());
        IllegalArgumentException notJson = assertThrows(IllegalArgumentException.class, () -> identity.invoke("{routing"));
        assertTrue(notJson.getMessage().startsWith("data: not valid JSON"), notJson.getMessage());
    }

    @Nested
    class NestedClasses {
        @Test
        void getTheirOwnForgeWithTheOuterSettings(Forge forge) {
            assertEquals(Duration.ofSeconds(1), forge.limits().timeout());
        }
    }
}
