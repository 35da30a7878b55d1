package dev.forge.cli;

import dev.forge.testkit.integrations.LocalIntegrationServer;
import com.fasterxml.jackson.databind.JsonNode;
import dev.forge.EgressPolicy;
import dev.forge.integrations.HookOutcome;
import dev.forge.integrations.IntegrationFolder;
import dev.forge.integrations.IntegrationHost;
import dev.forge.integrations.IntegrationRequest;
import dev.forge.integrations.IntegrationResponse;
import dev.forge.integrations.IntegrationSettings;
import dev.forge.integrations.PbxEvent;
import dev.forge.integrations.stand.LoopbackHttp;
import dev.forge.internal.Json;
import dev.forge.redis.RedisEndpoint;
import dev.forge.redis.teleforge.TeleforgeKeys;
import dev.forge.testkit.TestRedisExtension;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import redis.clients.jedis.JedisPooled;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The three samples in samples/integrations, run against stand-in services on loopback. */
class SamplesTest {

    @RegisterExtension
    static final TestRedisExtension REDIS = new TestRedisExtension();

    private static final Path SAMPLES = Path.of("..", "samples", "integrations");
    private final HttpClient client = HttpClient.newHttpClient();
    private LoopbackHttp standIn;
    private LocalIntegrationServer server;

    @BeforeEach
    void start() throws Exception {
        standIn = new LoopbackHttp(200, "{\"ok\":true}");
        server = LocalIntegrationServer.builder(IntegrationFolder.loadAll(SAMPLES))
                .egress(EgressPolicy.builder().allow(EgressPolicy.ALL_TENANTS, standIn.hostPort()).build()).start();
    }

    @AfterEach
    void stop() {
        server.close();
        standIn.close();
    }

    private static String sample(String name) throws Exception {
        return Files.readString(SAMPLES.resolve("events").resolve(name));
    }

    private HttpResponse<String> post(String path, String json) throws Exception {
        return client.send(HttpRequest.newBuilder(URI.create(server.uri() + path)).timeout(Duration.ofSeconds(20))
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(json)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private void save(String identifier, String user, String json) throws Exception {
        HttpResponse<String> r = post("/settings/data/" + identifier + "/tenant1.pbx.com" + (user.isEmpty() ? "" : "/" + user), json);
        assertEquals(200, r.statusCode(), r.body());
    }

    private static Set<String> names(JsonNode node) {
        Set<String> names = new TreeSet<>();
        node.fieldNames().forEachRemaining(names::add);
        return names;
    }

    @Test
    void theCrmLoggerPostsEachCdr() throws Exception {
        save("crmlogger", "", "[{\"url\":\"" + standIn.url("/api/calls") + "\"}, \"key-42\"]");
        save("crmlogger", "41", "{\"crmuser\":\"joe.doe\"}");
        HttpResponse<String> raised = post("/events/cdr", sample("cdr.json"));
        assertEquals(200, raised.statusCode(), raised.body());
        assertTrue(raised.body().contains("{\"identifier\":\"crmlogger\",\"hook\":\"oncdr\",\"present\":true,"
                + "\"outcome\":{\"outcome\":\"ok\""), raised.body());

        LoopbackHttp.Received r = standIn.take();
        assertEquals("POST", r.method());
        assertEquals("/api/calls", r.path());
        assertEquals("Bearer key-42", r.header("Authorization"));
        JsonNode body = Json.parse("body", r.body());
        assertEquals("a84b4c76e66710@tenant1.pbx.com", body.get("callid").asText());
        assertEquals(178, body.get("seconds").asInt());
        assertEquals(Json.parse("agents", "[{\"extension\":\"41\",\"crmuser\":\"joe.doe\"}]"), body.get("agents"));
        assertEquals(4, body.get("legs").size());
        assertEquals(2, body.get("recordings").size());
    }

    @Test
    void theScreenPopPopsEachRingingAgent() throws Exception {
        save("screenpop", "", "[{\"url\":\"" + standIn.url("/pop") + "\"}, {\"token\":\"pop-token\"}]");
        save("screenpop", "42", "{\"url\":\"" + standIn.url("/desk/42") + "\"}");
        HttpResponse<String> raised = post("/events/group", sample("group.json"));
        assertEquals(200, raised.statusCode(), raised.body());

        LoopbackHttp.Received first = standIn.take();
        LoopbackHttp.Received second = standIn.take();
        LoopbackHttp.Received for41 = first.path().equals("/pop") ? first : second;
        LoopbackHttp.Received for42 = first.path().equals("/pop") ? second : first;
        assertEquals("/pop", for41.path());
        assertEquals("/desk/42", for42.path(), "an agent's own pop address wins");
        assertEquals("pop-token", for41.header("X-pop-token"));
        JsonNode pop = Json.parse("pop", for41.body());
        assertEquals(Json.parse("pop", "{\"domain\":\"tenant1.pbx.com\",\"agent\":\"41\",\"agentname\":\"Joe Doe\","
                + "\"caller\":\"+12125550100\",\"callername\":\"Jane Customer\",\"called\":\"700\","
                + "\"callid\":\"a84b4c76e66710@tenant1.pbx.com\",\"source\":\"ringing\"}"), pop);
    }

    @Test
    void theTeleforgeBridgeMakesTheSameScreenPop() throws Exception {
        IntegrationHost host = server.host();
        IntegrationSettings settings = host.settings();
        settings.save("tfbridge", "tenant1.pbx.com", "", Json.parse("s", "[{\"url\":\"" + standIn.url("/pop")
                + "\"}, {\"token\":\"pop-token\"}]")).toCompletableFuture().get(5, TimeUnit.SECONDS);
        LinkedBlockingQueue<TeleforgeBridge.Bridged> answers = new LinkedBlockingQueue<>();
        RedisEndpoint redis = RedisEndpoint.parse(REDIS.server().url());
        try (TeleforgeBridge bridge = TeleforgeBridge.start(REDIS.server().url(), host, "tfbridge", "tenant1.pbx.com",
                answers::add);
             JedisPooled jedis = redis.connect()) {
            assertTrue(bridge.awaitReady(Duration.ofSeconds(10)));
            jedis.lpush(TeleforgeKeys.INBOUND, sample("teleforge-inbound.json"));
            LoopbackHttp.Received r = standIn.take();
            assertEquals("/pop", r.path());
            assertEquals("pop-token", r.header("X-pop-token"));
            JsonNode pop = Json.parse("pop", r.body());
            assertEquals(Json.parse("pop", "{\"domain\":\"tenant1.pbx.com\",\"agent\":\"41\",\"agentname\":\"\","
                    + "\"caller\":\"0821234567\",\"callername\":\"\",\"called\":\"0215550100\",\"callid\":\"c-1\","
                    + "\"source\":\"teleforge\"}"), pop);
            TeleforgeBridge.Bridged bridged = answers.poll(15, TimeUnit.SECONDS);
            assertNotNull(bridged);
            assertEquals(new TeleforgeBridge.Bridged("c-1", "41", "0821234567", new IntegrationResponse(200, "OK",
                    "application/json", "{\"popped\":true,\"code\":200}")), bridged);
        }
        // the same shape as the ringing pop
        settings.save("screenpop", "tenant1.pbx.com", "", Json.parse("s", "[{\"url\":\"" + standIn.url("/pop")
                + "\"}, {\"token\":\"pop-token\"}]")).toCompletableFuture().get(5, TimeUnit.SECONDS);
        List<HookOutcome> outcomes = host.raise(PbxEvent.parse("group", sample("group.json"))).get(20, TimeUnit.SECONDS);
        assertTrue(outcomes.stream().allMatch(HookOutcome::isOk), outcomes::toString);
        assertEquals(names(Json.parse("pop", "{\"domain\":1,\"agent\":1,\"agentname\":1,\"caller\":1,\"callername\":1,"
                + "\"called\":1,\"callid\":1,\"source\":1}")), names(Json.parse("ringing pop", standIn.take().body())));
    }

    @Test
    void theBridgeRefusesWhatIsNotATeleforgeCall() throws Exception {
        IntegrationResponse r = server.host().http(new IntegrationRequest("POST", "http", "{\"type\":\"status\"}",
                "tfbridge", "/integrations/tfbridge/teleforge", "tenant1.pbx.com", List.of())).get(20, TimeUnit.SECONDS);
        assertEquals(422, r.code());
        assertEquals("not a Teleforge call notification", r.body());
        // a tenant named in the request itself is no tenant: only the host names one (here, the Host header)
        HttpResponse<String> noTenant = post("/integrations/tfbridge/teleforge?domain=tenant1.pbx.com",
                sample("teleforge-inbound.json"));
        assertEquals(400, noTenant.statusCode());
        assertEquals("no tenant: post on the tenant's own address", noTenant.body());
    }
}
