package dev.forge.cli;

import com.fasterxml.jackson.databind.JsonNode;
import dev.forge.internal.Json;
import dev.forge.redis.RedisEndpoint;
import dev.forge.redis.teleforge.TeleforgeKeys;
import dev.forge.testkit.TestRedisExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import redis.clients.jedis.JedisPooled;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code forge integrations serve} in-process: events, onhttp, pages, startCall/endCall lines, usage errors. */
class IntegrationsCommandTest {

    @RegisterExtension
    static final TestRedisExtension REDIS = new TestRedisExtension();

    private static final Path SAMPLES = Path.of("..", "samples", "integrations");

    /** Collects what the command prints, line by line, as it prints it. */
    private static final class Lines extends OutputStream {
        final LinkedBlockingQueue<String> lines = new LinkedBlockingQueue<>();
        private final StringBuilder current = new StringBuilder();

        @Override
        public synchronized void write(int b) {
            if (b == '\n') {
                lines.add(current.toString());
                current.setLength(0);
            } else {
                current.append((char) b);
            }
        }

        @Override
        public synchronized void write(byte[] b, int off, int len) {
            String s = new String(b, off, len, StandardCharsets.UTF_8);
            for (int i = 0; i < s.length(); i++) {
                write(s.charAt(i));
            }
        }

        JsonNode next() throws InterruptedException {
            String line = lines.poll(20, TimeUnit.SECONDS);
            assertNotNull(line, "the command printed no further line within 20 s");
            return Json.parse("stdout line", line);
        }
    }

    private static void copy(Path from, Path to) throws IOException {
        try (var files = Files.walk(from)) {
            for (Path p : files.toList()) {
                Path target = to.resolve(from.relativize(p).toString());
                if (Files.isDirectory(p)) {
                    Files.createDirectories(target);
                } else {
                    Files.copy(p, target);
                }
            }
        }
    }

    @Test
    void servesEventsHttpPagesAndPrintsCalls(@TempDir Path dir) throws Exception {
        copy(SAMPLES, dir);
        Path dialer = Files.createDirectories(dir.resolve("dialer"));
        Files.writeString(dialer.resolve("integration.json"), "{\"name\": \"Click to dial\", \"identifier\": \"dialer\"}");
        Files.writeString(dialer.resolve("backend.js"), """
                function onhttp(data, callback) {
                  var id = startCall({domain: 'tenant1.pbx.com', user: '41', to: '+12125550100'});
                  endCall(id);
                  callback(200, 'OK', 'application/json', JSON.stringify({id: id}));
                }
                """);

        Lines out = new Lines();
        AtomicInteger exit = new AtomicInteger(-1);
        Thread cli = new Thread(() -> exit.set(ForgeCli.run(new String[]{"integrations", "serve", "--dir", dir.toString(),
                "--port", "0"}, new PrintStream(out, true, StandardCharsets.UTF_8), System.err)), "forge-integrations-serve");
        cli.start();
        try {
            JsonNode ready = out.next();
            String base = ready.get("serving").asText();
            assertTrue(base.startsWith("http://127.0.0.1:"), ready.toString());
            assertEquals(Json.parse("ids", "[\"crmlogger\",\"dialer\",\"screenpop\",\"tfbridge\"]"), ready.get("integrations"));
            HttpClient client = HttpClient.newHttpClient();

            HttpResponse<String> cdr = client.send(HttpRequest.newBuilder(URI.create(base + "/events/cdr"))
                    .timeout(Duration.ofSeconds(20)).POST(HttpRequest.BodyPublishers.ofString(
                            Files.readString(SAMPLES.resolve("events/cdr.json")))).build(), HttpResponse.BodyHandlers.ofString());
            assertEquals(200, cdr.statusCode(), cdr.body());
            JsonNode outcomes = Json.parse("outcomes", cdr.body());
            assertEquals(4, outcomes.size(), cdr.body());
            assertEquals("oncdr", outcomes.get(0).get("hook").asText());
            assertTrue(outcomes.get(0).get("present").asBoolean(), "crmlogger has oncdr");
            assertEquals("ok", outcomes.get(0).get("outcome").get("outcome").asText(), cdr.body());

            HttpResponse<String> bad = client.send(HttpRequest.newBuilder(URI.create(base + "/events/group"))
                    .POST(HttpRequest.BodyPublishers.ofString(Files.readString(SAMPLES.resolve("events/group.json"))
                            .replace("\"callid\"", "\"call_id\""))).build(), HttpResponse.BodyHandlers.ofString());
            assertEquals(400, bad.statusCode());
            assertEquals("{\"error\":\"group event: callid: required; the call-ID of the call\"}", bad.body());

            HttpResponse<String> agent = client.send(HttpRequest.newBuilder(URI.create(base + "/events/agent"))
                    .POST(HttpRequest.BodyPublishers.ofString(Files.readString(SAMPLES.resolve("events/agent.json")))).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertEquals(200, agent.statusCode(), agent.body());

            // the development server takes the tenant from the Host header (which the JDK's client will not set)
            String call = postWithHost(base, "/integrations/dialer/call", "tenant1.pbx.com");
            assertTrue(call.startsWith("HTTP/1.1 200 "), call);
            assertTrue(call.endsWith("\r\n\r\n{\"id\":\"call-1\"}"), call);
            assertEquals(Json.parse("line", "{\"startCall\":{\"id\":\"call-1\",\"origin\":\"integration dialer\","
                    + "\"domain\":\"tenant1.pbx.com\",\"user\":\"41\",\"to\":\"+12125550100\",\"timeout\":60.0,"
                    + "\"connect\":false}}"), out.next());
            assertEquals(Json.parse("line", "{\"endCall\":{\"id\":\"call-1\",\"origin\":\"integration dialer\","
                    + "\"code\":200,\"expl\":\"Request Terminated\",\"forced\":false}}"), out.next());

            HttpResponse<String> page = client.send(HttpRequest.newBuilder(URI.create(base + "/settings/tenant/tenant1.pbx.com"))
                    .build(), HttpResponse.BodyHandlers.ofString());
            assertEquals(200, page.statusCode());
            assertTrue(page.body().contains("<h2>CRM call logger</h2>"), page.body());
            HttpResponse<String> userPage = client.send(HttpRequest.newBuilder(URI.create(base + "/settings/user/tenant1.pbx.com/41"))
                    .build(), HttpResponse.BodyHandlers.ofString());
            assertTrue(userPage.body().contains("name=\"crmuser\""), userPage.body());
        } finally {
            cli.interrupt();
            cli.join(TimeUnit.SECONDS.toMillis(20));
        }
        assertEquals(ExitCode.OK, exit.get());
    }

    /** The whole answer to an empty POST sent with this Host header, on a connection of its own. */
    private static String postWithHost(String base, String path, String host) throws IOException {
        URI uri = URI.create(base);
        try (java.net.Socket s = new java.net.Socket(uri.getHost(), uri.getPort())) {
            s.setSoTimeout(20_000);
            s.getOutputStream().write(("POST " + path + " HTTP/1.1\r\nHost: " + host + "\r\nContent-Length: 0\r\n"
                    + "Connection: close\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            return new String(s.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    @Test
    void anIntegrationThatExhaustsV8LeavesTheOthersServing(@TempDir Path dir) throws Exception {
        // In-process this onhttp aborted the whole server (V8's fatal out of memory) for every tenant.
        Path bomb = Files.createDirectories(dir.resolve("bomb"));
        Files.writeString(bomb.resolve("integration.json"), "{\"name\": \"Bomb\", \"identifier\": \"bomb\"}");
        Files.writeString(bomb.resolve("backend.js"), """
                function onhttp(data, callback) {
                  var a = Array.from({length: 2e7}, function () { return 0; });
                  callback(200, 'OK', 'text/plain', 'made ' + a.length);
                }
                """);
        Path echo = Files.createDirectories(dir.resolve("echo"));
        Files.writeString(echo.resolve("integration.json"), "{\"name\": \"Echo\", \"identifier\": \"echo\"}");
        Files.writeString(echo.resolve("backend.js"), """
                function onhttp(data, callback) {
                  callback(200, 'OK', 'text/plain', 'still here');
                }
                """);
        Lines out = new Lines();
        AtomicInteger exit = new AtomicInteger(-1);
        Thread cli = new Thread(() -> exit.set(ForgeCli.run(new String[]{"integrations", "serve", "--dir", dir.toString(),
                "--port", "0"}, new PrintStream(out, true, StandardCharsets.UTF_8), System.err)), "forge-integrations-serve");
        cli.start();
        try {
            String base = out.next().get("serving").asText();
            HttpClient client = HttpClient.newHttpClient();
            for (int i = 0; i < 3; i++) {
                HttpResponse<String> blown = client.send(HttpRequest.newBuilder(URI.create(base + "/integrations/bomb/x"))
                        .timeout(Duration.ofSeconds(20)).build(), HttpResponse.BodyHandlers.ofString());
                assertTrue(blown.statusCode() >= 500, blown.statusCode() + " " + blown.body());
                HttpResponse<String> fine = client.send(HttpRequest.newBuilder(URI.create(base + "/integrations/echo/x"))
                        .timeout(Duration.ofSeconds(20)).build(), HttpResponse.BodyHandlers.ofString());
                assertEquals(200, fine.statusCode(), fine.body());
                assertEquals("still here", fine.body());
            }
        } finally {
            cli.interrupt();
            cli.join(TimeUnit.SECONDS.toMillis(20));
        }
        assertEquals(ExitCode.OK, exit.get());
    }

    @Test
    void bridgesTeleforgeInboundCallsWhenAsked() throws Exception {
        Lines out = new Lines();
        AtomicInteger exit = new AtomicInteger(-1);
        Thread cli = new Thread(() -> exit.set(ForgeCli.run(new String[]{"integrations", "serve", "--dir", SAMPLES.toString(),
                "--port", "0", "--teleforge", REDIS.server().hostPortDb(), "--teleforge-domain", "tenant1.pbx.com"},
                new PrintStream(out, true, StandardCharsets.UTF_8), System.err)), "forge-integrations-serve");
        cli.start();
        try {
            String base = out.next().get("serving").asText();
            HttpResponse<String> saved = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                    URI.create(base + "/settings/data/tfbridge/tenant1.pbx.com")).header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString("{\"url\":\"http://127.0.0.1:9/pop\"}")).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertEquals(200, saved.statusCode(), saved.body());
            try (JedisPooled jedis = RedisEndpoint.parse(REDIS.server().url()).connect()) {
                jedis.lpush(TeleforgeKeys.INBOUND, Files.readString(SAMPLES.resolve("events/teleforge-inbound.json")));
            }
            // no --allow-host for the pop service: the bridge's hook fails, and the call is reported with a 500
            assertEquals(Json.parse("line", "{\"teleforge\":{\"callRef\":\"c-1\",\"agent\":\"41\",\"code\":500}}"),
                    out.next());
        } finally {
            cli.interrupt();
            cli.join(TimeUnit.SECONDS.toMillis(20));
        }
        assertEquals(ExitCode.OK, exit.get());
    }

    @Test
    void traceLinesShowUpToTheLogLevel(@TempDir Path dir) throws Exception {
        Path tracer = Files.createDirectories(dir.resolve("tracer"));
        Files.writeString(tracer.resolve("integration.json"), "{\"name\": \"Tracer\", \"identifier\": \"tracer\"}");
        // as the framework's own examples log; the level-1 line comes last, so once it shows, the others would have
        Files.writeString(tracer.resolve("backend.js"), """
                function ongroup(data) {
                  console.trace('SCRIPT', 5, data.domain, system.format('group %s is %s', data.group.name, data.state));
                  console.trace('SCRIPT', 7, data.domain, 'a detail');
                  console.trace('SCRIPT', 1, data.domain, 'done');
                }
                """);
        String group = Files.readString(SAMPLES.resolve("events/group.json"));
        List<String> shown = traced(dir, group);
        assertEquals(List.of("[INFO] [SCRIPT 5] tenant1.pbx.com: group Support queue is ringing",
                "[ERROR] [SCRIPT 1] tenant1.pbx.com: done"), shown, "5, the default, shows the documentation's examples");
        assertEquals(List.of("[INFO] [SCRIPT 5] tenant1.pbx.com: group Support queue is ringing",
                "[INFO] [SCRIPT 7] tenant1.pbx.com: a detail", "[ERROR] [SCRIPT 1] tenant1.pbx.com: done"),
                traced(dir, group, "--log-level", "9"));
        assertEquals(List.of("[ERROR] [SCRIPT 1] tenant1.pbx.com: done"), traced(dir, group, "--log-level", "1"));
    }

    /** The trace lines {@code forge integrations serve} prints to stderr for one group event, in a JVM of its own. */
    private static List<String> traced(Path dir, String event, String... flags) throws Exception {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        List<String> command = new ArrayList<>(List.of(java, "-cp", System.getProperty("java.class.path"),
                "dev.forge.cli.ForgeCli", "integrations", "serve", "--dir", dir.toString(), "--port", "0"));
        command.addAll(List.of(flags));
        Process p = new ProcessBuilder(command).start();
        try {
            LinkedBlockingQueue<String> err = new LinkedBlockingQueue<>();
            Thread reader = new Thread(() -> {
                try (var lines = new java.io.BufferedReader(new java.io.InputStreamReader(p.getErrorStream(),
                        StandardCharsets.UTF_8))) {
                    lines.lines().forEach(err::add);
                } catch (IOException e) {
                    // the process ended
                }
            });
            reader.setDaemon(true);
            reader.start();
            String ready = new java.io.BufferedReader(new java.io.InputStreamReader(p.getInputStream(),
                    StandardCharsets.UTF_8)).readLine();
            assertNotNull(ready, "the server printed nothing; stderr: " + err);
            String base = Json.parse("ready", ready).get("serving").asText();
            HttpResponse<String> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(base + "/events/group"))
                    .timeout(Duration.ofSeconds(30)).POST(HttpRequest.BodyPublishers.ofString(event)).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertEquals(200, r.statusCode(), r.body());
            List<String> shown = new ArrayList<>();
            while (true) {
                String line = err.poll(30, TimeUnit.SECONDS);
                assertNotNull(line, "no 'done' trace within 30 s; saw " + shown);
                if (line.contains("[SCRIPT ")) {
                    shown.add(line.substring(0, line.indexOf(']') + 1) + line.substring(line.indexOf(" [SCRIPT ")));
                    if (line.endsWith(": done")) {
                        return shown;
                    }
                }
            }
        } finally {
            p.destroy();
            p.waitFor(20, TimeUnit.SECONDS);
        }
    }

    @Test
    void usageErrors(@TempDir Path dir) throws Exception {
        ForgeCliUsageTest.usageError("forge integrations: --dir: missing; give the folder", "integrations", "serve", "--port", "0");
        ForgeCliUsageTest.usageError("--port: missing", "integrations", "serve", "--dir", dir.toString());
        ForgeCliUsageTest.usageError("--port: must be a port number from 0 to 65535, got 'http'", "integrations", "serve",
                "--dir", dir.toString(), "--port", "http");
        ForgeCliUsageTest.usageError("--dir: 'no/such/dir' is not a directory", "integrations", "serve", "--dir",
                "no/such/dir", "--port", "0");
        ForgeCliUsageTest.usageError("unknown subcommand 'run'", "integrations", "run");
        ForgeCliUsageTest.usageError("--allow-host: allow-host: 'crm' is not HOST:PORT", "integrations", "serve",
                "--dir", dir.toString(), "--port", "0", "--allow-host", "crm");
        ForgeCliUsageTest.usageError("--log-level: must be a level from 0 (least) to 9 (everything), got '10'",
                "integrations", "serve", "--dir", dir.toString(), "--port", "0", "--log-level", "10");
        ForgeCliUsageTest.usageError("--teleforge-domain: missing", "integrations", "serve", "--dir", dir.toString(),
                "--port", "0", "--teleforge", "localhost:6379/0");

        Path bad = Files.createDirectories(dir.resolve("OurCRM"));
        Files.writeString(bad.resolve("integration.json"), "{\"name\": \"Our CRM\", \"identifier\": \"OurCRM\"}");
        ForgeCliUsageTest.usageError("--dir: OurCRM/integration.json: identifier: 'OurCRM' is not lower-case alphanumeric",
                "integrations", "serve", "--dir", dir.toString(), "--port", "0");
    }

    @Test
    void helpNamesTheCommand() {
        CliRun help = CliRun.of("integrations", "--help");
        assertEquals(ExitCode.OK, help.exit());
        assertTrue(help.out().startsWith("forge integrations serve --dir DIR --port N"), help.out());
        assertTrue(CliRun.of("help").out().contains("forge integrations serve --dir DIR --port N"));
    }
}
