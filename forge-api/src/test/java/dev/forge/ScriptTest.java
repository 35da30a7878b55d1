package dev.forge;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class ScriptTest {

    @Test
    void versionIsAContentHash() {
        Script a = Script.of("acme", "r.js", ScriptKind.SCRIPT, "function main(d) { return d; }");
        Script b = Script.of("other", "x.js", ScriptKind.SCRIPT, "function main(d) { return d; }");
        Script c = Script.of("acme", "r.js", ScriptKind.SCRIPT, "function main(d) { return 1; }");
        Script app = Script.of("acme", "r.js", ScriptKind.APP, "function main(d) { return d; }");
        assertEquals(a.version(), b.version());
        assertNotEquals(a.version(), c.version());
        assertNotEquals(a.version(), app.version());
        assertEquals("acme/r.js", a.id());
    }

    @Test
    void missingSourceIsNamed() {
        assertEquals("source: missing for script 'acme/r.js'; give the JavaScript text",
                assertThrows(IllegalArgumentException.class, () -> Script.of("acme", "r.js", ScriptKind.SCRIPT, null)).getMessage());
        assertEquals("source: empty for script 'acme/r.js'; a script needs a main function",
                assertThrows(IllegalArgumentException.class, () -> Script.of("acme", "r.js", ScriptKind.SCRIPT, " ")).getMessage());
        assertEquals("tenant: required, got ''",
                assertThrows(IllegalArgumentException.class, () -> Script.of("x", "", "r.js", ScriptKind.SCRIPT, "1")).getMessage());
    }

    @Test
    void kindsParseWithAClearError() {
        assertEquals(ScriptKind.APP, ScriptKind.parse("App"));
        assertEquals("type: unknown script type 'lambda'; use one of script, app, driver",
                assertThrows(IllegalArgumentException.class, () -> ScriptKind.parse("lambda")).getMessage());
    }

    @Test
    void aHostFailureKeepsItsCause() {
        IllegalStateException cause = new IllegalStateException("isolate lost");
        ScriptException e = new ScriptException(ScriptException.Kind.HOST, "V8 failed", cause);
        assertEquals(cause, e.getCause());
        assertEquals(ScriptException.Kind.HOST, e.kind());
    }
}
