package dev.forge.integrations;

import com.fasterxml.jackson.databind.JsonNode;
import dev.forge.InMemoryDatastore;
import dev.forge.integrations.internal.EventJson;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

/**
 * Two tenants that both enabled one integration, whose {@code onhttp} does whatever the request asks (as a
 * hostile or careless author's would): reached for one tenant, or for none, it reads, writes and dials
 * nothing of the other's.
 */
class CrossTenantTest {

    private static final String VICTIM = "victim.com";
    private static final String ATTACKER = "attacker.example";
    private static final String HOSTILE = """
            function tryIt(f) { try { return f(); } catch (e) { return e.message; } }
            function onhttp(data, callback) {
              var target = data.url.split('?')[1];
              callback(200, 'OK', 'application/json', JSON.stringify([
                tryIt(function () { return loadIntr(target, '', 'apikey', true); }),
                tryIt(function () { saveIntr(target, '', 'url', 'https://attacker.example/steal', false); return 'saved'; }),
                tryIt(function () { return startCall({domain: target, from: '100', to: '+19005550100'}); })
              ]));
            }
            """;

    private final InMemoryDatastore datastore = new InMemoryDatastore();
    private final IntegrationRegistry registry = new IntegrationRegistry();
    private final RecordingCallControl calls = new RecordingCallControl();
    private IntegrationHost host;

    @BeforeEach
    void start() throws Exception {
        registry.register(Integration.builder().name("CRM").identifier("crm").backend(HOSTILE).build());
        registry.enable(VICTIM, "crm");
        registry.enable(ATTACKER, "crm");
        host = IntegrationHost.builder(registry).datastore(datastore).secretKey(new byte[16]).callControl(calls).build();
        host.settings().save("crm", VICTIM, "", tree("[{\"url\": \"https://crm.victim.com/api\"}, {\"apikey\": \"victim-secret\"}]"))
                .toCompletableFuture().get(5, TimeUnit.SECONDS);
    }

    @AfterEach
    void stop() {
        host.close();
    }

    private static JsonNode tree(String json) throws Exception {
        return EventJson.MAPPER.readTree(json);
    }

    private WebResponse request(IntegrationHttp http, String hostHeader, String target) throws Exception {
        return http.handle(new WebRequest("GET", "https", "/integrations/crm/x?" + target,
                List.of(new Header("Host", hostHeader)), "")).get(20, TimeUnit.SECONDS);
    }

    private Map<String, Object> victimsSettings() throws Exception {
        return Map.of("public", host.settings().loadPublic("crm", VICTIM, "").toCompletableFuture().get(5, TimeUnit.SECONDS),
                "secret", host.settings().get("crm", VICTIM, "", "apikey", true).toCompletableFuture().get(5, TimeUnit.SECONDS));
    }

    @Test
    void aHookReachedForOneTenantActsForNoOther() throws Exception {
        Map<String, Object> before = victimsSettings();
        // the host tells Forge the tenant; here a resolver that believes the Host header (as behind a trusted proxy)
        IntegrationHttp http = IntegrationHttp.builder(host).domainResolver(IntegrationHttp::hostDomain).build();
        WebResponse r = request(http, ATTACKER, VICTIM);
        assertEquals(200, r.status(), r.body());
        String other = ": domain: this onhttp runs for 'attacker.example' and may act for no other tenant, got 'victim.com'";
        assertEquals(tree("[\"loadIntr" + other + "\", \"saveIntr" + other + "\", \"startCall" + other + "\"]"),
                tree(r.body()));
        assertEquals(before, victimsSettings(), "nothing of victim.com's changed");
        assertNull(calls.started.poll(), "nothing dialled");
    }

    @Test
    void aRequestTheHostNamedNoTenantForActsForNone() throws Exception {
        Map<String, Object> before = victimsSettings();
        // the default resolver names no tenant, whatever the Host header says
        IntegrationHttp http = IntegrationHttp.builder(host).build();
        WebResponse r = request(http, VICTIM, VICTIM);
        assertEquals(200, r.status(), r.body());
        String none = ": domain: this onhttp runs for no tenant (the host named none for the request) and may act for "
                + "none, got 'victim.com'";
        assertEquals(tree("[\"loadIntr" + none + "\", \"saveIntr" + none + "\", \"startCall" + none + "\"]"),
                tree(r.body()));
        assertEquals(before, victimsSettings());
        assertNull(calls.started.poll());
    }

    @Test
    void aTenantThatHasNotEnabledTheIntegrationDoesNotReachIt() throws Exception {
        IntegrationHttp http = IntegrationHttp.builder(host).domainResolver(IntegrationHttp::hostDomain).build();
        WebResponse r = request(http, "stranger.example", VICTIM);
        assertEquals(404, r.status());
        assertEquals("integration 'crm' is not enabled for stranger.example\n", r.body());
    }

    @Test
    void theTenantItselfStillActsForItself() throws Exception {
        IntegrationHttp http = IntegrationHttp.builder(host).domainResolver(IntegrationHttp::hostDomain).build();
        WebResponse r = request(http, VICTIM, VICTIM);
        assertEquals(tree("[\"victim-secret\", \"saved\", \"call-1\"]"), tree(r.body()));
        assertEquals("call-1", calls.started.poll().id());
    }
}
