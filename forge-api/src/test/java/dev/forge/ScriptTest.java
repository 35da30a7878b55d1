package dev.forge;

import org.junit.jupiter.api.Test;

import java.util.Map;

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

    private static String refused(Runnable make) {
        return assertThrows(IllegalArgumentException.class, make::run).getMessage();
    }

    @Test
    void aTenantWithTheIdSeparatorIsRefusedSoIdsStayUnique() {
        assertEquals("a/b/c", Script.of("a", "b/c", ScriptKind.SCRIPT, "1").id(), "a name may hold '/'");
        assertEquals("tenant: 'a/b' contains '/', which separates tenant and name in a script id (tenant/name); "
                + "choose a tenant without it", refused(() -> Script.of("a/b", "c", ScriptKind.SCRIPT, "1")));
        assertEquals("tenant: 'x/' contains '/', which separates tenant and name in a script id (tenant/name); "
                + "choose a tenant without it", refused(() -> Script.of("id", "x/", "n", ScriptKind.SCRIPT, "1")));
    }

    @Test
    void idsTenantsAndNamesArePrintableAndTrimmed() {
        assertEquals("tenant: required, got ''", refused(() -> Script.of("", "n", ScriptKind.SCRIPT, "1")));
        assertEquals("tenant: required, got null", refused(() -> Script.of(null, "n", ScriptKind.SCRIPT, "1")));
        assertEquals("name: required, got ' '", refused(() -> Script.of("acme", " ", ScriptKind.SCRIPT, "1")));
        assertEquals("tenant: 'ac\\u000ame' contains the control character U+000A at 2; use printable characters",
                refused(() -> Script.of("ac\nme", "n", ScriptKind.SCRIPT, "1")));
        assertEquals("name: 'r\\u0000.js' contains the control character U+0000 at 1; use printable characters",
                refused(() -> Script.of("acme", "r\u0000.js", ScriptKind.SCRIPT, "1")));
        assertEquals("name: 'a\\u2028b' contains the control character U+2028 at 1; use printable characters",
                refused(() -> Script.of("acme", "a\u2028b", ScriptKind.SCRIPT, "1")));
        assertEquals("tenant: 'acme ' starts or ends with white space; remove it",
                refused(() -> Script.of("acme ", "n", ScriptKind.SCRIPT, "1")));
        assertEquals("name: ' r.js' starts or ends with white space; remove it",
                refused(() -> Script.of("acme", " r.js", ScriptKind.SCRIPT, "1")));
        assertEquals("id: 'x\\u0009' contains the control character U+0009 at 1; use printable characters",
                refused(() -> Script.of("x\t", "acme", "n", ScriptKind.SCRIPT, "1")));
        assertEquals("acme corp/route one.js", Script.of("acme corp", "route one.js", ScriptKind.SCRIPT, "1").id(),
                "inner spaces are fine");
    }

    @Test
    void theVariablesForgeSetsCannotBeOverridden() {
        Script s = Script.of("acme", "r.js", ScriptKind.APP, "async function main() {}");
        for (String key : Script.RESERVED_ENV) {
            assertEquals("env: '" + key + "' is set by Forge for every script (reserved: SCRIPTFORGE_ID, SCRIPTFORGE_NAME, "
                    + "name, scriptId, tenant); choose another name", refused(() -> s.withEnv(Map.of(key, "globex"))));
        }
        assertEquals(Map.of("TENANT_COLOR", "red", "Tenant", "x"), s.withEnv(Map.of("TENANT_COLOR", "red", "Tenant", "x")).env());
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
