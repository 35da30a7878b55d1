package dev.forge.testkit;

import dev.forge.Forge;
import dev.forge.Script;
import dev.forge.ScriptKind;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** One way to add a script, load, and one to remove it, unload: scripts() is there to read. */
@ForgeTest
class ForgeScriptsTest {

    @Test
    void scriptsIsReadOnlyAndLoadAndUnloadChangeIt(Forge forge) {
        Script script = forge.load(Script.of("acme", "one.js", ScriptKind.SCRIPT, "function main(d) { return d; }"));
        assertEquals(script, forge.scripts().find("acme/one.js").orElseThrow());
        assertTrue(forge.scripts().list().contains(script));

        UnsupportedOperationException put = assertThrows(UnsupportedOperationException.class,
                () -> forge.scripts().put(Script.of("acme", "two.js", ScriptKind.SCRIPT, "function main(d) { return d; }")));
        assertEquals("scripts(): read only; add 'acme/two.js' with forge.load(script)", put.getMessage());
        UnsupportedOperationException remove = assertThrows(UnsupportedOperationException.class,
                () -> forge.scripts().remove("acme/one.js"));
        assertEquals("scripts(): read only; remove 'acme/one.js' with forge.unload(id)", remove.getMessage());
        assertTrue(forge.scripts().find("acme/two.js").isEmpty(), "nothing was written");

        assertTrue(forge.unload("acme/one.js"));
        assertEquals(List.of(), forge.scripts().list().stream().filter(s -> s.id().equals("acme/one.js")).toList());
    }
}
