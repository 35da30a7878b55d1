package dev.forge.cli;

import com.fasterxml.jackson.databind.JsonNode;
import dev.forge.internal.Json;
import dev.forge.redis.RedisEndpoint;
import dev.forge.redis.teleforge.TeleforgeKeys;
import dev.forge.testkit.TestRedisExtension;


import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import redis.clients.jedis.JedisPooled;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code forge teleforge listen} in-process against a real Redis: both inbound payload versions and a malformed
 * one; and its usage errors.
 */
class TeleforgeCommandTest {

    @RegisterExtension
    static final TestRedisExtension REDIS = new TestRedisExtension();



    @Test
    void bothInboundVersionsAndAMalformedOne() {
        try (JedisPooled jedis = RedisEndpoint.parse(REDIS.server().url()).connect()) {
            jedis.del(TeleforgeKeys.INBOUND);
            jedis.lpush(TeleforgeKeys.INBOUND,
                    "{\"type\":\"call\",\"payload\":{\"number\":\"0821234567\",\"dial_number\":\"0215550100\",\"hold_time\":12,"
                            + "\"call_ref\":\"c-1\",\"contact_ref\":\"\",\"call_dir\":\"inbound\",\"ref\":\"1001\"}}",
                    "{\"type\":\"call\",\"payload\":{\"number\":\"0821\"",
                    "{\"type\":\"call\",\"payload\":{\"number\":\"0821234567\",\"dial_number\":\"0215550100\",\"hold_time\":\"12\","
                            + "\"call_ref\":\"c-1\",\"contact_ref\":\"\",\"campaign_ref\":\"inbound\",\"ref\":\"1001\",\"queue\":\"q1\"}}");
        }
        CliRun run = CliRun.of("teleforge", "listen", "--redis", REDIS.server().hostPortDb(), "--max", "2");
        assertEquals(ExitCode.OK, run.exit(), run::toString);
        List<String> lines = run.out().lines().toList();
        assertEquals(2, lines.size(), run::toString);
        String expected = "{\"key\":\"enigma:notifications:inbound\",\"type\":\"call\",\"record\":\"InboundCall\","
                + "\"number\":\"0821234567\",\"dialNumber\":\"0215550100\",\"holdTime\":12,\"callRef\":\"c-1\",\"contactRef\":\"\","
                + "\"direction\":\"inbound\",\"ref\":\"1001\",\"extra\":{}}";
        assertEquals(expected, lines.get(0));
        JsonNode older = Json.parse("line 2", lines.get(1));
        assertEquals("q1", older.get("extra").get("queue").asText());
        ((com.fasterxml.jackson.databind.node.ObjectNode) older).set("extra", Json.object());
        assertEquals(expected, Json.write(older), "the older payload gives the same record");
        assertTrue(run.err().contains("WARN forge teleforge: skipped a malformed notification on enigma:notifications:inbound: "
                + "not valid JSON"), run::toString);
        assertTrue(run.err().contains("raw: {\"type\":\"call\",\"payload\":{\"number\":\"0821\""), run::toString);
    }

    @Test
    void aRedisUriIsAcceptedToo() {
        try (JedisPooled jedis = RedisEndpoint.parse(REDIS.server().url()).connect()) {
            jedis.del(TeleforgeKeys.CLICK2DIAL_CDRS);
            jedis.lpush(TeleforgeKeys.CLICK2DIAL_CDRS, "{\"type\":\"cdr\",\"payload\":{\"call_ref\":\"c-9\",\"ref\":\"0821\"}}");
        }
        CliRun run = CliRun.of("teleforge", "listen", "--redis=" + REDIS.server().url(), "--max=1");
        assertEquals(ExitCode.OK, run.exit(), run::toString);
        JsonNode line = run.json();
        assertEquals("ClickToDialCdr", line.get("record").asText());
        assertEquals("0821", line.get("number").asText());
    }

    @Test
    void usageErrors() {
        // ForgeCliUsageTest.usageError: exit 64, nothing on stdout, the message on stderr
        ForgeCliUsageTest.usageError("forge teleforge: --redis: missing; give the PBX's Redis as host:port/db", "teleforge", "listen");
        ForgeCliUsageTest.usageError("--redis: redis: 'http://x' is not a Redis address", "teleforge", "listen", "--redis", "http://x");
        ForgeCliUsageTest.usageError("--redis: redis: 'host:port/db' is not a Redis address", "teleforge", "listen", "--redis", "host:port/db");
        ForgeCliUsageTest.usageError("missing listen", "teleforge", "--redis", "localhost:6379/0");
        ForgeCliUsageTest.usageError("unknown subcommand 'tail'", "teleforge", "tail", "--redis", "localhost:6379/0");
        ForgeCliUsageTest.usageError("--max: must be a positive whole number, got '0'", "teleforge", "listen", "--redis", "x:1/0", "--max", "0");
        assertTrue(CliRun.of("help").out().contains("forge teleforge listen --redis <host:port/db | redis://...> [--max N]"));
    }

    @Test
    void anUnreachableRedisIsReportedAtOnce() throws IOException {
        int port;
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = s.getLocalPort();
        }
        CliRun run = CliRun.of("teleforge", "listen", "--redis", "127.0.0.1:" + port + "/0", "--max", "1");
        assertEquals(ExitCode.INTERNAL, run.exit(), run::toString);
        assertTrue(run.err().contains("cannot reach Redis at redis://127.0.0.1:" + port + "/0"), run::toString);
    }
}
