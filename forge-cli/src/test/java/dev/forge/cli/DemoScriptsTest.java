package dev.forge.cli;

import com.fasterxml.jackson.databind.JsonNode;
import dev.forge.ScriptKind;
import dev.forge.testkit.ForgeTest;
import dev.forge.testkit.LoadedScript;
import dev.forge.testkit.ScriptRunner;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The demo's routing scripts do what the demo says, tested the way a script author would test them. */
@ForgeTest
class DemoScriptsTest {

    private static final String DEMO = "dev/forge/demo/";

    private static final String CALL = """
            {"routing":{"cli":"447700912345","dest_number":"12125550143","account_id":1005,
              "received_at":"2025-03-14T12:30:00Z",
              "egress_routing":[
                {"card_id":"b","rate":0.02,"headers":[{"key":"X-Customer-ID","value":"1005"},
                                                   {"key":"X-Internal-Trace","value":"ab"}],"gw":{"gw-1":{"cli":"x"}}},
                {"card_id":"a","rate":0.01,"headers":[],"gw":{"gw-2":{"cli":"x"},"gw-3":{"cli":"x"}}}]},
             "schedule":{"open":8,"close":20,"offset":0},
             "cli":{"range":["447700900000",500]}}""";

    @Test
    void dncRejectsListedNumbersOnly(ScriptRunner runner) {
        LoadedScript dnc = runner.load(DEMO + "dnc-check.js", ScriptKind.APP);
        dnc.invoke("{\"routing\":{\"dest_number\":\"12125550111\"}}").assertRejected(604, "Number on DNC List");
        dnc.invoke(CALL).assertDataAt("/routing/dest_number", "12125550143");
    }

    @Test
    void timeOfDayRejectsOutsideTheWindow(ScriptRunner runner) {
        LoadedScript tod = runner.load(DEMO + "time-of-day.js");
        tod.invoke(CALL).assertDataAt("/routing/window", "8-20");
        tod.invoke(CALL.replace("12:30:00Z", "21:05:00Z")).assertRejected(480, "Disallowed by Date/Time Restriction");
    }

    @Test
    void leastCostPutsTheCheapestFirst(ScriptRunner runner) {
        runner.load(DEMO + "least-cost.js").invoke(CALL)
                .assertDataAt("/routing/egress_routing/0/card_id", "a")
                .assertDataAt("/routing/egress_routing/1/card_id", "b");
    }

    @Test
    void headerRewriteReplacesTheCustomerHeader(ScriptRunner runner) {
        JsonNode out = runner.load(DEMO + "header-rewrite.js").invoke(CALL)
                .assertDataAt("/remove_headers/0/key", "X-Internal-Trace")
                .assertDataAt("/headers/0/key", "X-Forge-Policy")
                .assertDataAt("/routing/egress_routing/0/remove_headers/0/key", "X-Customer-ID")
                .data();
        assertEquals("[{\"key\":\"X-Customer-ID\",\"value\":\"acct-1005\"}]",
                out.at("/routing/egress_routing/0/headers").toString());
    }

    @Test
    void randomCliRewritesTheCallAndEveryGateway(ScriptRunner runner) {
        JsonNode out = runner.load(DEMO + "random-cli.js").invoke(CALL).data();
        String cli = out.at("/routing/cli").asText();
        long offset = Long.parseLong(cli) - 447700900000L;
        assertTrue(offset >= 0 && offset < 500, cli);
        assertEquals(cli, out.at("/routing/egress_routing/0/gw/gw-1/cli").asText());
        assertEquals(cli, out.at("/routing/egress_routing/1/gw/gw-2/cli").asText());
        assertEquals(cli, out.at("/routing/egress_routing/1/gw/gw-3/cli").asText());
    }
}
