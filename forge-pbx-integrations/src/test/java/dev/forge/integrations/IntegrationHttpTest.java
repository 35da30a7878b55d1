package dev.forge.integrations;

import com.fasterxml.jackson.databind.JsonNode;
import dev.forge.InMemoryDatastore;
import dev.forge.integrations.internal.EventJson;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The dispatcher on Jetty, reached over loopback with the JDK's HTTP client. */
class IntegrationHttpTest {

    private static final String TENANT_HTML = """
            <div class="row"><label>[[dom_actionurl#user]]</label><input type="text" name="token"></div>
            <div class="row"><label>[[dom_actionurl#pass1]]</label><input type="password" name="password"></div>
            """;
    private static final String TENANT_JS = """
            export const load = (form, data) => { form.querySelector('[name="token"]').value = data.token || ''; };
            export const save = (form) => [{token: form.querySelector('[name="token"]').value},
                                           form.querySelector('[name="password"]').value];
            """;

    private final InMemoryDatastore datastore = new InMemoryDatastore();
    private final IntegrationRegistry registry = new IntegrationRegistry();
    private final HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private IntegrationHost host;
    private IntegrationHttpServer server;

    @BeforeEach
    void start() throws Exception {
        registry.register(Integration.builder().name("Our CRM System").identifier("ourcrmsys")
                .backend("""
                        function onhttp(data, callback) {
                          callback(201, 'Created', 'application/json', JSON.stringify(data));
                        }
                        """)
                .tenant(new FrontEnd(TENANT_HTML, ".ourcrmsys-token { color: blue; }", TENANT_JS))
                .user(new FrontEnd("<pbx-input name=\"username\"></pbx-input>", "", "export const load = () => {};"))
                .build());
        registry.register(Integration.builder().name("Tickets").identifier("tickets")
                .user(new FrontEnd("<input name=\"queue\">", "", "export const load = () => {};")).build());
        registry.enable("tenant1.pbx.com", "ourcrmsys", "tickets");
        registry.useForUser("tenant1.pbx.com", "41", "tickets");
        host = IntegrationHost.builder(registry).datastore(datastore).secretKey(new byte[16]).build();
        server = IntegrationHttpServer.start(IntegrationHttp.builder(host).build(), 0);
    }

    @AfterEach
    void stop() {
        server.close();
        host.close();
    }

    private HttpResponse<String> send(HttpRequest.Builder request) throws Exception {
        return client.send(request.timeout(Duration.ofSeconds(20)).build(), HttpResponse.BodyHandlers.ofString());
    }

    private HttpRequest.Builder at(String path) {
        return HttpRequest.newBuilder(URI.create(server.uri() + path));
    }

    @Test
    void theServerListensOnLoopbackOnly() {
        assertTrue(server.address().getAddress().isLoopbackAddress());
        assertTrue(server.uri().toString().startsWith("http://127.0.0.1:"), server.uri().toString());
    }

    @Test
    void requestsUnderThePrefixReachOnhttp() throws Exception {
        HttpResponse<String> r = send(at("/integrations/ourcrmsys/contacts/7?full=1")
                .header("X-Trace", "abc").POST(HttpRequest.BodyPublishers.ofString("{\"name\":\"Jane\"}")));
        assertEquals(201, r.statusCode());
        assertEquals("application/json", r.headers().firstValue("Content-Type").orElse(""));
        JsonNode data = EventJson.MAPPER.readTree(r.body());
        assertEquals("POST", data.get("method").asText());
        assertEquals("http", data.get("scheme").asText());
        assertEquals("{\"name\":\"Jane\"}", data.get("body").asText());
        assertEquals("ourcrmsys", data.get("identifier").asText());
        assertEquals("/integrations/ourcrmsys/contacts/7?full=1", data.get("url").asText());
        assertFalse(data.has("domain"), "127.0.0.1 names no tenant");
        assertTrue(r.body().contains("{\"name\":\"X-Trace\",\"value\":\"abc\"}"), r.body());
    }

    @Test
    void theHostHeaderNamesTheTenant() {
        WebRequest request = new WebRequest("GET", "https", "/integrations/ourcrmsys", List.of(new Header("Host",
                "Tenant1.PBX.com:443")), "");
        assertEquals("tenant1.pbx.com", IntegrationHttp.hostDomain(request));
        assertEquals(null, IntegrationHttp.hostDomain(new WebRequest("GET", null, "/", List.of(new Header("Host",
                "localhost:8080")), "")));
    }

    @Test
    void unknownPathsAndIntegrationsAre404() throws Exception {
        assertEquals(404, send(at("/integrations/")).statusCode());
        assertEquals(404, send(at("/integrations/OurCRM/x")).statusCode());
        HttpResponse<String> none = send(at("/integrations/nothere/x"));
        assertEquals(404, none.statusCode());
        assertEquals("no integration 'nothere'\n", none.body());
        assertEquals(404, send(at("/other")).statusCode());
        HttpResponse<String> noHttp = send(at("/integrations/tickets/x"));
        assertEquals(404, noHttp.statusCode());
    }

    @Test
    void theTenantPageHoldsTheEnabledFrontEnds() throws Exception {
        HttpResponse<String> page = send(at("/settings/tenant/tenant1.pbx.com"));
        assertEquals(200, page.statusCode());
        assertTrue(page.headers().firstValue("Content-Type").orElse("").startsWith("text/html"));
        String html = page.body();
        assertTrue(html.contains("<h2>Our CRM System</h2>"), html);
        assertTrue(html.contains("<label>user</label>"), "language items show their last part: " + html);
        assertTrue(html.contains("data-settings=\"/settings/data/ourcrmsys/tenant1.pbx.com\""), html);
        assertTrue(html.contains("data-module=\"/settings/assets/ourcrmsys/tenant.js\""), html);
        assertTrue(html.contains(".ourcrmsys-token { color: blue; }"), html);
        assertFalse(html.contains("<h2>Tickets</h2>"), "tickets has no tenant front end");

        HttpResponse<String> js = send(at("/settings/assets/ourcrmsys/tenant.js"));
        assertEquals(TENANT_JS, js.body());
        assertTrue(js.headers().firstValue("Content-Type").orElse("").startsWith("text/javascript"));
        assertTrue(send(at("/settings/assets/forge-settings.js")).body().contains("customElements.define('pbx-input'"));
    }

    @Test
    void theUserPageHoldsTheUsersSubset() throws Exception {
        String joe = send(at("/settings/user/tenant1.pbx.com/41")).body();
        assertTrue(joe.contains("<h2>Tickets</h2>") && !joe.contains("Our CRM System"), joe);
        String ann = send(at("/settings/user/tenant1.pbx.com/42")).body();
        assertTrue(ann.contains("<h2>Tickets</h2>") && ann.contains("<h2>Our CRM System</h2>"), ann);
        assertEquals(404, send(at("/settings/data/ourcrmsys/tenant1.pbx.com/41")).statusCode(), "not in 41's subset");
    }

    @Test
    void settingsAreLoadedPublicOnlyAndSavedSplit() throws Exception {
        String data = "/settings/data/ourcrmsys/tenant1.pbx.com";
        assertEquals("{}", send(at(data)).body());
        HttpResponse<String> saved = send(at(data).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("[{\"token\":\"abc\"},\"hunter2\"]")));
        assertEquals(200, saved.statusCode(), saved.body());
        assertEquals("{\"token\":\"abc\"}", send(at(data)).body());
        assertFalse(datastore.get("tenant1.pbx.com", "intr:ourcrmsys:secret:tenant").toCompletableFuture().join()
                .orElseThrow().contains("hunter2"));

        HttpResponse<String> plain = send(at(data).header("Content-Type", "text/plain")
                .POST(HttpRequest.BodyPublishers.ofString("{}")));
        assertEquals(415, plain.statusCode(), "a cross-site form cannot post JSON");
        HttpResponse<String> bad = send(at(data).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("[\"abc\", \"x\"]")));
        assertEquals(400, bad.statusCode());
        assertEquals("save: the public part must be an object, got a string\n", bad.body());
        assertEquals(404, send(at("/settings/data/ourcrmsys/tenant2.pbx.com")).statusCode(), "not enabled there");
    }

    @Test
    void prefixesAreConfigurableAndMustNotOverlap() throws Exception {
        IntegrationHttp custom = IntegrationHttp.builder(host).prefix("/pbx/hooks").settingsPrefix(null).build();
        WebResponse r = custom.handle(new WebRequest("GET", null, "/pbx/hooks/ourcrmsys/a", List.of(), "")).get();
        assertEquals(201, r.status());
        assertEquals(404, custom.handle(new WebRequest("GET", null, "/settings/tenant/tenant1.pbx.com", List.of(), ""))
                .get().status());
        var overlap = assertThrows(IllegalArgumentException.class,
                () -> IntegrationHttp.builder(host).prefix("/x").settingsPrefix("/x/settings").build());
        assertEquals("settingsPrefix: '/x/settings' overlaps the prefix '/x'; give them different paths", overlap.getMessage());
        var bad = assertThrows(IllegalArgumentException.class, () -> IntegrationHttp.builder(host).prefix("hooks"));
        assertEquals("prefix: 'hooks' is not a path prefix such as /integrations", bad.getMessage());
    }
}
