package dev.forge.engine.v8;

import com.fasterxml.jackson.databind.JsonNode;
import dev.forge.Forge;
import dev.forge.Invocation;
import dev.forge.Outcome;
import dev.forge.Script;
import dev.forge.ScriptKind;
import dev.forge.driver.AlertDriver;
import dev.forge.driver.DidDriver;
import dev.forge.driver.DriverException;
import dev.forge.internal.Json;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class DriverTest {

    private static Forge forge;

    @BeforeAll
    static void start() {
        forge = Forge.builder().engine(new V8EngineProvider()).build();
        // the seed spells it module.export
        forge.load(Script.of("acme", "did.js", ScriptKind.DRIVER, "module.export = {\n"
                + "  search: async function ({number}) { return [{did: number + '01'}, {did: number + '02', region: 'LDN'}]; },\n"
                + "  allocate: async function ({did}) { await datastore.set('held:' + did, true); return {did, provider: 'acme'}; },\n"
                + "  release: async function ({did}) { return (await datastore.delete('held:' + did)); },\n"
                + "  list: async function () { return (await datastore.keys('held:')).map(k => ({did: k.slice(5)})); }\n"
                + "};"));
        forge.load(Script.of("acme", "alert.js", ScriptKind.DRIVER,
                "module.exports = { send: async (alert) => alert.level === 'critical' };"));
        forge.load(Script.of("acme", "broken.js", ScriptKind.DRIVER, "module.exports = {\n"
                + "  search: async () => 'not a list', allocate: async () => 7, release: async () => 'yes',\n"
                + "  list: async () => [{number: '1'}] };"));
    }

    @AfterAll
    static void stop() {
        forge.close();
    }

    @Test
    void aDidDriverThroughItsTypedView() {
        DidDriver did = forge.didDriver("acme/did.js");
        List<JsonNode> found = did.search("4420");
        assertEquals(2, found.size());
        assertEquals("442002", found.get(1).get("did").asText());
        assertEquals("LDN", found.get(1).get("region").asText());
        assertEquals("acme", did.allocate("442001").get("provider").asText());
        assertEquals("[{\"did\":\"442001\"}]", Json.write(Json.MAPPER.valueToTree(did.list())));
        assertTrue(did.release("442001"));
        assertFalse(did.release("442001"));
        assertTrue(did.list().isEmpty());
    }

    @Test
    void anAlertDriverThroughItsTypedView() {
        AlertDriver alert = forge.alertDriver("acme/alert.js");
        assertTrue(alert.send(Json.parse("alert", "{\"level\":\"critical\",\"text\":\"trunk down\"}")));
        assertFalse(alert.send(Json.parse("alert", "{\"level\":\"info\"}")));
    }

    @Test
    void theWrongShapeIsNamed() {
        DidDriver did = forge.didDriver("acme/broken.js");
        DriverException search = assertThrows(DriverException.class, () -> did.search("1"));
        assertEquals("driver acme/broken.js: search() must return an array of objects with a string 'did', "
                + "e.g. [{\"did\":\"1234\"}]; it returned \"not a list\"", search.getMessage());
        assertTrue(assertThrows(DriverException.class, () -> did.allocate("1")).getMessage()
                .startsWith("driver acme/broken.js: allocate() must return an object"));
        assertTrue(assertThrows(DriverException.class, () -> did.release("1")).getMessage()
                .startsWith("driver acme/broken.js: release() must return true or false; it returned \"yes\""));
        assertTrue(assertThrows(DriverException.class, did::list).getMessage()
                .contains("list() must return an array of objects with a string 'did'"));
    }

    @Test
    void aMissingFunctionOrWrongKindIsClear() {
        Outcome o = forge.invoke(Invocation.builder("acme/alert.js").call("page", "[]").build());
        assertTrue(assertInstanceOf(Outcome.Failed.class, o).error().getMessage()
                .contains("the driver exports no function page; it exports: send"));
        forge.load(Script.of("acme", "app.js", ScriptKind.APP, "async function main(d) { return d; }"));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> forge.didDriver("acme/app.js"));
        assertEquals("scriptId: 'acme/app.js' is of type app, not driver; load it with ScriptKind.DRIVER", e.getMessage());
    }
}
