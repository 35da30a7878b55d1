package dev.forge.integrations;

import dev.forge.Limits;
import dev.forge.Outcome;
import dev.forge.integrations.stand.LoopbackHttp;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Three integrations on one tenant: one throws, one loops forever, and the third still gets every event. */
class ContainmentTest {

    @Test
    void aThrowingAndALoopingIntegrationDoNotStarveTheThird() throws Exception {
        try (LoopbackHttp crm = new LoopbackHttp()) {
            IntegrationRegistry registry = new IntegrationRegistry();
            Limits tight = new Limits(Duration.ofMillis(200), Limits.DEFAULT_HEAP_BYTES);
            registry.register(Integration.builder().name("Thrower").identifier("thrower").limits(tight)
                    .backend("function ongroup(data) { throw new Error('boom ' + data.callid); }").build());
            registry.register(Integration.builder().name("Looper").identifier("looper").limits(tight)
                    .backend("function ongroup(data) { for (;;) {} }").build());
            registry.register(Integration.builder().name("Logger").identifier("logger").limits(tight)
                    .backend("""
                            function ongroup(data) {
                              system.http({method: 'POST', url: loadIntr(data.domain, '', 'url', false),
                                           body: JSON.stringify({callid: data.callid}),
                                           callback: function (code) { if (code !== 201) throw new Error('CRM said ' + code); }});
                            }
                            """).build());
            registry.enable("tenant1.pbx.com", "thrower", "looper", "logger");
            try (IntegrationHost host = IntegrationHost.builder(registry).secretKey(new byte[16])
                    .egress(HooksTest.loopback(crm.hostPort())).build()) {
                host.settings().set("logger", "tenant1.pbx.com", "", "url",
                        dev.forge.integrations.internal.EventJson.MAPPER.getNodeFactory().textNode(crm.url("/calls")), false)
                        .toCompletableFuture().get(5, TimeUnit.SECONDS);

                int events = 6;
                List<CompletableFuture<List<HookOutcome>>> raised = new ArrayList<>();
                GroupEvent template = Fixtures.ringing();
                for (int i = 0; i < events; i++) {
                    raised.add(host.raise(new GroupEvent(template.domain(), template.state(), template.timestamps(),
                            template.inbound(), template.ringing(), template.missed(), template.agent(), template.caller(),
                            template.callee(), template.group(), template.reason(), "call-" + i)));
                }
                TreeSet<String> seen = new TreeSet<>();
                for (int i = 0; i < events; i++) {
                    LoopbackHttp.Received r = crm.take();
                    assertEquals("POST", r.method());
                    seen.add(r.body());
                }
                TreeSet<String> expected = new TreeSet<>();
                for (int i = 0; i < events; i++) {
                    expected.add("{\"callid\":\"call-" + i + "\"}");
                }
                assertEquals(expected, seen, "the third integration got every event");

                for (CompletableFuture<List<HookOutcome>> f : raised) {
                    Map<String, Outcome> byId = f.get(30, TimeUnit.SECONDS).stream()
                            .collect(Collectors.toMap(HookOutcome::identifier, HookOutcome::outcome));
                    assertTrue(byId.get("logger").isOk(), byId::toString);
                    Outcome.Failed thrown = assertInstanceOf(Outcome.Failed.class, byId.get("thrower"));
                    assertTrue(thrown.error().getMessage().startsWith("Error: boom call-"), thrown.error().getMessage());
                    assertInstanceOf(Outcome.TimedOut.class, byId.get("looper"));
                }
            }
        }
    }
}
