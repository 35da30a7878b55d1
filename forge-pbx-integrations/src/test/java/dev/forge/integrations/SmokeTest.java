package dev.forge.integrations;

import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.concurrent.TimeUnit;

class SmokeTest {
    @Test
    void smoke() throws Exception {
        IntegrationRegistry registry = new IntegrationRegistry();
        registry.register(Integration.builder().name("A").identifier("a").backend("""
                function ongroup(data) { console.trace('SCRIPT', 5, data.domain, system.format('call %s is %s %05.1f', data.callid, data.state, 3.14159)); return data.callid; }
                function onhttp(data, callback) { setTimeout(function () { callback(200, 'Ok', 'application/json', JSON.stringify({url: data.url})); }, 1); }
                """).build());
        registry.enable("t1.pbx.com", "a");
        try (IntegrationHost host = IntegrationHost.builder(registry).secretKey(new byte[16]).build()) {
            String json = "{\"domain\":{\"address\":\"t1.pbx.com\"},\"state\":\"ringing\",\"timestamps\":{\"start\":1},"
                    + "\"inbound\":true,\"caller\":{\"number\":\"1\"},\"callee\":{\"number\":\"2\"},\"group\":{\"number\":\"700\"},\"callid\":\"c-1\"}";
            List<HookOutcome> outcomes = host.raise(GroupEvent.fromJson(json)).get(20, TimeUnit.SECONDS);
            System.out.println(outcomes);
            IntegrationResponse r = host.http(new IntegrationRequest("GET", "http", "", "a", "/integrations/a/x", "t1.pbx.com", List.of()))
                    .get(20, TimeUnit.SECONDS);
            System.out.println(r);
        }
    }
}
