package example;

import dev.forge.ScriptKind;
import dev.forge.testkit.ForgeTest;
import dev.forge.testkit.ScriptRunner;
import org.junit.jupiter.api.Test;

@ForgeTest(timeout = "1s")
class RoutingTest {

    @Test
    void cheapestRouteFirst(ScriptRunner runner) {
        runner.script("function main(data) { data.routing.egress_routing.sort((a, b) => a.rate - b.rate); return data; }")
              .invoke("{\"routing\":{\"egress_routing\":[{\"card_id\":\"b\",\"rate\":0.02},{\"card_id\":\"a\",\"rate\":0.01}]}}")
              .assertOk()
              .assertDataAt("/routing/egress_routing/0/card_id", "a");
    }

    @Test
    void runawayLoopsAreStopped(ScriptRunner runner) {
        runner.script("function main(d) { while (true) {} }")
              .withTimeout("100ms").withTimeoutAction("480 Temporarily Unavailable")
              .invoke().assertTimedOut(480, "Temporarily Unavailable");
    }
}
