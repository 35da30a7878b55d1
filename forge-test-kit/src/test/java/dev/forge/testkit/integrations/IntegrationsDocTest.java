package dev.forge.testkit.integrations;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.forge.EgressPolicy;
import dev.forge.InMemoryDatastore;
import dev.forge.integrations.CallControl;
import dev.forge.integrations.GroupEvent;
import dev.forge.integrations.HookOutcome;
import dev.forge.integrations.Integration;
import dev.forge.integrations.IntegrationHost;
import dev.forge.integrations.IntegrationHttp;
import dev.forge.integrations.IntegrationHttpServer;
import dev.forge.integrations.IntegrationRegistry;
import dev.forge.integrations.stand.LoopbackHttp;
import dev.forge.internal.Json;
import dev.forge.spi.Datastore;
import org.junit.jupiter.api.Test;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Keeps site/integrations.md honest: its backend example runs as written there, and its Java example is the
 * code of {@link #theEmbeddingExampleOpensATicket()}.
 */
class IntegrationsDocTest {

    private static final Path DOC = Path.of("..", "site", "integrations.md");
    private static final Logger log = LoggerFactory.getLogger(IntegrationsDocTest.class);

    private String health;

    private static String block(String language) throws IOException {
        List<String> blocks = blocks(language);
        assertTrue(!blocks.isEmpty(), "site/integrations.md has no ```" + language + " block");
        return blocks.get(0);
    }

    private static List<String> blocks(String language) throws IOException {
        Matcher m = Pattern.compile("```" + language + "\\n(.*?)```", Pattern.DOTALL).matcher(Files.readString(DOC));
        List<String> blocks = new java.util.ArrayList<>();
        while (m.find()) {
            blocks.add(m.group(1));
        }
        return blocks;
    }

    @Test
    void theEmbeddingExampleOpensATicket() throws Exception {
        String backendJs = block("js");
        byte[] aesKey = new byte[32];
        new SecureRandom().nextBytes(aesKey);
        Datastore datastore = new InMemoryDatastore();
        CallControl callControl = new FakeCallControl();
        ObjectMapper mapper = Json.MAPPER;
        HttpClient http = HttpClient.newHttpClient();
        String missedCallJson = Files.readString(Path.of("..", "samples", "integrations", "events", "group.json"))
                .replace("\"state\": \"ringing\"", "\"state\": \"disconnected\"");
        try (LoopbackHttp tickets = new LoopbackHttp(200, "{\"ok\":true}")) {
            String ticketsHostPort = tickets.hostPort();
            String ticketsUrl = tickets.url("/api");

            IntegrationRegistry registry = new IntegrationRegistry();
            registry.register(Integration.builder()
                    .name("Tickets for missed calls")
                    .identifier("tickets")
                    .backend(backendJs)
                    .build());
            registry.enable("tenant1.pbx.com", "tickets");

            try (IntegrationHost host = IntegrationHost.builder(registry)
                    .secretKey(aesKey)                          // from the PBX's key store: 16, 24 or 32 bytes
                    .datastore(datastore)                       // the PBX's Datastore (in memory by default)
                    .callControl(callControl)                   // behind startCall and endCall
                    .egress(EgressPolicy.builder().allow(EgressPolicy.ALL_TENANTS, ticketsHostPort).build())
                    .build();
                 IntegrationHttpServer web = IntegrationHttpServer.start(IntegrationHttp.builder(host).build(), 0)) {
                host.settings().save("tickets", "tenant1.pbx.com", "",
                        mapper.readTree("[{\"url\": \"" + ticketsUrl + "\"}, {\"token\": \"t0k3n\"}]"));
                List<HookOutcome> outcomes = host.raise(GroupEvent.fromJson(missedCallJson)).get(10, TimeUnit.SECONDS);
                for (HookOutcome o : outcomes) {
                    if (!o.isOk()) {
                        log.warn("integration {} failed on {}: {}", o.identifier(), o.hook(), o.outcome().toJson());
                    }
                }
                health = http.send(HttpRequest.newBuilder(URI.create(web.uri() + "/integrations/tickets/health")).build(),
                        HttpResponse.BodyHandlers.ofString()).body();
            }

            LoopbackHttp.Received ticket = tickets.take();
            assertEquals("/api/tickets", ticket.path());
            assertEquals("Token t0k3n", ticket.header("Authorization"));
            JsonNode body = Json.parse("ticket", ticket.body());
            assertEquals("Missed call from +12125550100", body.get("subject").asText());
            assertEquals("{\"ok\":true,\"url\":\"/integrations/tickets/health\"}", health);
        }
    }

    @Test
    void theJavaExampleIsTheCodeOfThisTest() throws IOException {
        String snippet = normalise(block("java"));
        String source = normalise(Files.readString(Path.of("src", "test", "java", "dev", "forge", "testkit",
                "integrations", "IntegrationsDocTest.java")));
        assertTrue(snippet.lines().count() > 15, snippet);
        assertTrue(source.contains(snippet), () -> "site/integrations.md's Java example differs from IntegrationsDocTest:\n"
                + snippet);
    }

    /** The host's own record of which API token belongs to which tenant, as the resolver example uses it. */
    private static final class Tenants {
        private final Map<String, String> byToken = Map.of("Token t1-key", "tenant1.pbx.com", "Token t2-key", "tenant2.pbx.com");

        String byApiToken(String authorization) {
            return authorization == null ? null : byToken.get(authorization);
        }
    }

    @Test
    void theResolverExampleNamesTheTenant() throws Exception {
        Tenants tenants = new Tenants();
        IntegrationRegistry registry = new IntegrationRegistry();
        registry.register(Integration.builder().name("Who asks").identifier("whoasks")
                .backend("function onhttp(data, callback) { callback(200, 'OK', 'text/plain', String(data.domain)); }")
                .build());
        registry.enable("tenant1.pbx.com", "whoasks");
        byte[] aesKey = new byte[32];
        new SecureRandom().nextBytes(aesKey);
        HttpClient client = HttpClient.newHttpClient();
        try (IntegrationHost host = IntegrationHost.builder(registry).secretKey(aesKey).build()) {
            IntegrationHttp http = IntegrationHttp.builder(host)
                    .domainResolver(request -> tenants.byApiToken(request.header("Authorization")))   // the host's own check
                    .build();
            try (IntegrationHttpServer web = IntegrationHttpServer.start(http, 0)) {
                Map<String, HttpResponse<String>> answers = new java.util.TreeMap<>();
                for (String token : List.of("Token t1-key", "Token t2-key")) {
                    answers.put(token, client.send(HttpRequest.newBuilder(URI.create(web.uri() + "/integrations/whoasks/x"))
                            .header("Authorization", token).build(), HttpResponse.BodyHandlers.ofString()));
                }
                HttpResponse<String> anonymous = client.send(HttpRequest.newBuilder(
                        URI.create(web.uri() + "/integrations/whoasks/x")).build(), HttpResponse.BodyHandlers.ofString());
                assertEquals("tenant1.pbx.com", answers.get("Token t1-key").body(), "the resolver's tenant");
                assertEquals(404, answers.get("Token t2-key").statusCode(), "a tenant that has not enabled it");
                assertEquals("undefined", anonymous.body(), "no tenant: the hook runs for none");
            }
        }
        List<String> java = blocks("java");
        assertEquals(2, java.size(), "site/integrations.md's Java examples");
        String source = normalise(Files.readString(Path.of("src", "test", "java", "dev", "forge", "testkit",
                "integrations", "IntegrationsDocTest.java")));
        assertTrue(source.contains(normalise(java.get(1))), () -> "site/integrations.md's resolver example differs "
                + "from IntegrationsDocTest:\n" + java.get(1));
    }

    /** Lines without their indentation, blank lines dropped. */
    private static String normalise(String text) {
        return text.lines().map(String::strip).filter(l -> !l.isEmpty()).collect(Collectors.joining("\n"));
    }
}
