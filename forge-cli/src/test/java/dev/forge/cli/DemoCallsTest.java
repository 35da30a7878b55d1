package dev.forge.cli;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The demo's call stream is repeatable, realistic in shape, and reaches every script. */
class DemoCallsTest {

    @Test
    void theSameSeedGivesTheSameCalls() {
        assertEquals(new DemoCalls(42).next(50).toString(), new DemoCalls(42).next(50).toString());
        assertNotEquals(new DemoCalls(42).next(50).toString(), new DemoCalls(43).next(50).toString());
    }

    @Test
    void everyCallCarriesClass4RoutingData() {
        for (DemoCalls.Call call : new DemoCalls(7).next(100)) {
            JsonNode routing = call.data().path("routing");
            assertTrue(routing.path("cli").asText().matches("4477009\\d{5}"), routing::toString);
            assertTrue(routing.path("dest_number").asText().matches("\\d{11,12}"), routing::toString);
            assertEquals(call.script().accountId(), routing.path("account_id").asInt());
            JsonNode routes = routing.path("egress_routing");
            assertTrue(routes.size() >= 2 && routes.size() <= 4, routing::toString);
            for (JsonNode route : routes) {
                assertTrue(route.path("rate").asDouble() > 0, route::toString);
                assertTrue(route.path("gw").size() >= 1, route::toString);
                assertEquals("X-Customer-ID", route.path("headers").path(0).path("key").asText());
            }
        }
    }

    @Test
    void theStreamReachesEveryScriptAndTheDncList() {
        List<DemoCalls.Call> calls = new DemoCalls(42).next(300);
        Set<String> scripts = calls.stream().map(c -> c.script().name()).collect(Collectors.toSet());
        assertEquals(DemoScript.ALL.size(), scripts.size(), scripts::toString);
        assertTrue(calls.stream().anyMatch(c -> DemoCalls.LISTED.contains(c.data().at("/routing/dest_number").asText())));
        long hostile = calls.stream().filter(c -> c.script().hostile()).count();
        assertTrue(hostile > 3 && hostile < 30, "hostile calls: " + hostile);
    }
}
