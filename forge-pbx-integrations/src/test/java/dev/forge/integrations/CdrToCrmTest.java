package dev.forge.integrations;

import com.fasterxml.jackson.databind.JsonNode;
import dev.forge.integrations.internal.EventJson;
import dev.forge.integrations.internal.SystemHttp;
import dev.forge.engine.v8.logs.CapturedLogs;
import dev.forge.integrations.stand.LoopbackHttp;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A CDR with several legs and recordings reaches a local HTTP server through system.http; the log masks the secret. */
class CdrToCrmTest {

    private static final String API_KEY = "crm-api-key-7f3a9c";

    @Test
    void aCdrIsPostedWithItsLegsAndTheSecretHeaderIsMaskedInTheLog() throws Exception {
        try (LoopbackHttp crm = new LoopbackHttp()) {
            IntegrationRegistry registry = new IntegrationRegistry();
            registry.register(Integration.builder().name("CRM call logger").identifier("crmlog").backend("""
                    function oncdr(data) {
                      var url = loadIntr(data.domain, '', 'url', false);
                      var key = loadIntr(data.domain, '', 'apikey', true);
                      system.http({
                        method: 'POST',
                        url: url + '/calls?key=' + encodeURIComponent(key),
                        logurl: url + '/calls?key=...',
                        domain: data.domain,
                        header: [
                          {name: 'Content-Type', value: 'application/json'},
                          {name: 'Authorization', value: 'Bearer ' + key, secret: true}
                        ],
                        body: JSON.stringify({
                          callid: data.callid, from: data.from, to: data.to, start: data.start, end: data.end,
                          legs: data.trunklegs.map(function (l) { return {trunk: l.trunk, direction: l.direction, mos: l.mos}; })
                            .concat(data.extensionlegs.map(function (l) { return {extension: l.extension, type: l.type}; })),
                          recordings: data.recordings.map(function (r) { return r.file; })
                        }),
                        callback: function (code, body, headers) {
                          var crmHeader = headers.filter(function (h) { return h.name.toLowerCase() === 'x-crm'; })[0];
                          saveIntr(data.domain, '', 'last', {code: code, body: JSON.parse(body), header: crmHeader.value}, false);
                        }
                      });
                    }
                    """).build());
            registry.enable("tenant1.pbx.com", "crmlog");
            try (IntegrationHost host = IntegrationHost.builder(registry).secretKey(new byte[32])
                    .egress(HooksTest.loopback(crm.hostPort())).build()) {
                host.settings().save("crmlog", "tenant1.pbx.com", "", EventJson.MAPPER.readTree(
                        "[{\"url\":\"" + crm.url("") + "\"}, {\"apikey\":\"" + API_KEY + "\"}]"))
                        .toCompletableFuture().get(5, TimeUnit.SECONDS);

                List<HookOutcome> outcomes = host.raise(Fixtures.cdr()).get(20, TimeUnit.SECONDS);
                assertTrue(outcomes.get(0).isOk(), outcomes::toString);

                LoopbackHttp.Received posted = crm.take();
                assertEquals("POST", posted.method());
                assertEquals("/calls?key=" + API_KEY, posted.path());
                assertEquals(List.of("Bearer " + API_KEY), posted.headers().get("Authorization"));
                JsonNode body = EventJson.MAPPER.readTree(posted.body());
                assertEquals(4, body.get("legs").size());
                assertEquals("SIP carrier B", body.get("legs").get(1).get("trunk").asText());
                assertEquals("missed", body.get("legs").get(3).get("type").asText());
                assertEquals(EventJson.MAPPER.readTree("[\"recordings/2024/11/a84b4c76-1.wav\",\"recordings/2024/11/a84b4c76-2.wav\"]"),
                        body.get("recordings"));

                JsonNode last = host.settings().get("crmlog", "tenant1.pbx.com", "", "last", false)
                        .toCompletableFuture().get(5, TimeUnit.SECONDS).orElseThrow();
                assertEquals(EventJson.MAPPER.readTree("{\"code\":201,\"body\":{\"id\":\"crm-1\"},\"header\":\"yes\"}"), last);

                String log = CapturedLogs.text();
                String line = "INFO " + SystemHttp.class.getName() + " crmlog: system.http POST " + crm.url("/calls?key=...")
                        + " (tenant1.pbx.com) headers [Content-Type: application/json, Authorization: ********] -> 201 in ";
                assertTrue(log.contains(line), log);
                assertFalse(log.contains(API_KEY), "the secret is in no log line");
            }
        }
    }
}
