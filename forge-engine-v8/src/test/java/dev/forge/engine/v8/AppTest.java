package dev.forge.engine.v8;

import com.sun.net.httpserver.HttpServer;
import dev.forge.EgressPolicy;
import dev.forge.EngineOptions;
import dev.forge.Forge;
import dev.forge.InMemoryDatastore;
import dev.forge.Invocation;
import dev.forge.Limits;
import dev.forge.Outcome;
import dev.forge.Script;
import dev.forge.ScriptException;
import dev.forge.ScriptKind;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class AppTest {

    private static HttpServer http;
    private static HttpServer http6;
    private static ServerSocket hanging;
    private static final CountDownLatch HANG_ACCEPTED = new CountDownLatch(1);
    private static final CountDownLatch HANG_CLOSED = new CountDownLatch(1);
    private static Forge forge;
    private static final AtomicInteger IDS = new AtomicInteger();

    @BeforeAll
    static void start() throws IOException {
        http = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        http.createContext("/rate", exchange -> {
            byte[] body = "{\"rate\":0.0123,\"carrier\":\"atlas\"}".getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().add("Content-Type", "application/json");
            exchange.sendResponseHeaders(200, body.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(body);
            }
        });
        http.createContext("/huge", exchange -> {
            exchange.sendResponseHeaders(200, 0);
            try (OutputStream out = exchange.getResponseBody()) {
                byte[] chunk = new byte[64 * 1024];
                for (int i = 0; i < 64; i++) {
                    out.write(chunk);
                }
            } catch (IOException clientGaveUp) {
                // expected: the client stops reading at its cap
            }
        });
        http.createContext("/length", exchange -> {
            byte[] body = String.valueOf(exchange.getRequestBody().readAllBytes().length + " via "
                    + exchange.getRequestHeaders().getFirst("Host")).getBytes(StandardCharsets.UTF_8);
            exchange.sendResponseHeaders(200, body.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(body);
            }
        });
        http.start();
        http6 = HttpServer.create(new InetSocketAddress(InetAddress.getByName("::1"), 0), 0);
        http6.createContext("/", exchange -> {
            byte[] body = ("v6 via " + exchange.getRequestHeaders().getFirst("Host")).getBytes(StandardCharsets.UTF_8);
            exchange.sendResponseHeaders(200, body.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(body);
            }
        });
        http6.start();
        hanging = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        Thread t = new Thread(() -> {
            try (Socket s = hanging.accept(); InputStream in = s.getInputStream()) {
                HANG_ACCEPTED.countDown();
                while (in.read() != -1) {
                    // read the request and wait: -1 means the client closed the connection
                }
                HANG_CLOSED.countDown();
            } catch (IOException e) {
                HANG_CLOSED.countDown();
            }
        }, "hanging-server");
        t.setDaemon(true);
        t.start();
        int port = http.getAddress().getPort();
        EgressPolicy egress = EgressPolicy.builder()
                // a loopback address is reached only because its IP literal is allowed
                .allow("acme", "127.0.0.1:" + port)
                .allow("acme", "127.0.0.1:" + hanging.getLocalPort())
                .allow("acme", "[::1]:" + http6.getAddress().getPort())
                // victim.test resolves to 127.0.0.1: acme has that address, globex only the name
                .allow("acme", "victim.test:" + port)
                .allow("globex", "victim.test:" + port)
                .resolver(host -> host.equals("victim.test") ? List.of(InetAddress.getByName("127.0.0.1"))
                        : EgressPolicy.Resolver.SYSTEM.resolve(host))
                .maxRequestBytes(64 * 1024)
                .maxResponseBytes(1024 * 1024).build();
        forge = Forge.builder().engine(new V8EngineProvider()).egress(egress)
                .datastore(new InMemoryDatastore(1024, 1L << 20)).build();
    }

    @AfterAll
    static void stop() throws IOException {
        forge.close();
        http.stop(0);
        http6.stop(0);
        hanging.close();
    }

    private static String load(String tenant, ScriptKind kind, String source) {
        return forge.load(Script.of(tenant, "app" + IDS.incrementAndGet() + ".js", kind, source)).id();
    }

    private static Outcome run(String id, String data) {
        return forge.invoke(Invocation.builder(id).data(data).build());
    }

    private static String ok(Outcome o) {
        return assertInstanceOf(Outcome.Ok.class, o, o.toJson()).dataJson();
    }

    private static ScriptException failed(Outcome o) {
        return assertInstanceOf(Outcome.Failed.class, o, o.toJson()).error();
    }

    private static String base() {
        return "http://127.0.0.1:" + http.getAddress().getPort();
    }

    @Test
    void anAppAwaitsTheDatastoreAndFetch() {
        String id = load("acme", ScriptKind.APP, "async function main(data) {\n"
                + "  await datastore.set('carrier:' + data.to, {preferred: 'atlas'}, {ttl: 60});\n"
                + "  const saved = await datastore.get('carrier:' + data.to);\n"
                + "  const res = await fetch(data.url + '/rate?to=' + data.to);\n"
                + "  const quote = await res.json();\n"
                + "  return {preferred: saved.preferred, rate: quote.rate, status: res.status,\n"
                + "          type: res.headers.get('content-type')};\n"
                + "}");
        Outcome o = run(id, "{\"to\":\"4420\",\"url\":\"" + base() + "\"}");
        assertEquals("{\"preferred\":\"atlas\",\"rate\":0.0123,\"status\":200,\"type\":\"application/json\"}", ok(o));
    }

    @Test
    void aHangingFetchTimesOutAtTheDeadlineAndIsCancelled() throws InterruptedException {
        String id = load("acme", ScriptKind.APP, "async function main(d) { const r = await fetch(d.url); return r.status; }");
        Outcome o = forge.invoke(Invocation.builder(id).data("{\"url\":\"http://127.0.0.1:" + hanging.getLocalPort() + "/slow\"}")
                .timeout(Duration.ofMillis(300)).build());
        assertInstanceOf(Outcome.TimedOut.class, o, o.toJson());
        assertTrue(HANG_ACCEPTED.await(5, TimeUnit.SECONDS), "the request reached the server");
        assertTrue(HANG_CLOSED.await(10, TimeUnit.SECONDS), "the timed-out request's connection was closed");
    }

    @Test
    void egressIsDeniedBeforeAnyConnection() throws IOException {
        try (ServerSocket notAllowed = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
            String id = load("acme", ScriptKind.APP, "async function main(d) { await fetch(d.url); return 'reached'; }");
            Outcome o = run(id, "{\"url\":\"http://127.0.0.1:" + notAllowed.getLocalPort() + "/\"}");
            ScriptException e = failed(o);
            assertTrue(e.getMessage().contains("egress to 127.0.0.1:" + notAllowed.getLocalPort() + " is not allowed for tenant 'acme'"),
                    e.getMessage());
            notAllowed.setSoTimeout(1);
            assertThrows(SocketTimeoutException.class, notAllowed::accept, "no connection was attempted");
        }
        // the same destination allowed for acme is still denied to another tenant
        String other = load("globex", ScriptKind.APP, "async function main(d) { await fetch(d.url); return 'reached'; }");
        assertTrue(failed(run(other, "{\"url\":\"" + base() + "/rate\"}")).getMessage().contains("not allowed for tenant 'globex'"));
    }

    @Test
    void anIpv6LiteralEntryReachesAServerOnIpv6Loopback() {
        int port = http6.getAddress().getPort();
        String id = load("acme", ScriptKind.APP, "async function main(d) { const r = await fetch(d.url); return await r.text(); }");
        assertEquals("\"v6 via [::1]:" + port + "\"", ok(run(id, "{\"url\":\"http://[::1]:" + port + "/\"}")));
        // another tenant has no such entry
        String other = load("globex", ScriptKind.APP, "async function main(d) { await fetch(d.url); return 'reached'; }");
        assertTrue(failed(run(other, "{\"url\":\"http://[::1]:" + port + "/\"}")).getMessage()
                .contains("fetch: egress to [::1]:" + port + " is not allowed for tenant 'globex'"));
    }

    @Test
    void anAllowedNameThatResolvesToLoopbackIsRefusedUnlessTheAddressIsAllowed() {
        int port = http.getAddress().getPort();
        String url = "http://victim.test:" + port + "/length";
        String source = "async function main(d) { const r = await fetch(d.url); return await r.text(); }";
        ScriptException e = failed(run(load("globex", ScriptKind.APP, source), "{\"url\":\"" + url + "\"}"));
        assertTrue(e.getMessage().contains("fetch " + url + ": egress to victim.test:" + port + " is refused for 'globex': "
                + "victim.test resolved to 127.0.0.1, a loopback address; the host must allow that address explicitly"),
                e.getMessage());
        // acme allowed 127.0.0.1 at that port: it connects there, and the server sees the name
        assertEquals("\"0 via victim.test:" + port + "\"", ok(run(load("acme", ScriptKind.APP, source),
                "{\"url\":\"" + url + "\"}")));
    }

    @Test
    void anOversizedRequestBodyIsRefusedWithItsSizeAndTheLimit() {
        String id = load("acme", ScriptKind.APP, "async function main(d) {\n"
                + "  const r = await fetch(d.url, {method: 'POST', body: 'é'.repeat(d.n)});\n"
                + "  return await r.text();\n"
                + "}");
        String url = base() + "/length";
        assertEquals("\"65536 via 127.0.0.1:" + http.getAddress().getPort() + "\"",
                ok(run(id, "{\"url\":\"" + url + "\",\"n\":32768}")), "a body at the limit is sent whole");
        ScriptException e = failed(run(id, "{\"url\":\"" + url + "\",\"n\":32769}"));
        assertTrue(e.getMessage().contains("fetch: the request body is 65538 bytes, over the limit of 65536 bytes "
                + "(EgressPolicy.maxRequestBytes)"), e.getMessage());
    }

    @Test
    void anOversizedResponseIsCutWithAClearError() {
        String id = load("acme", ScriptKind.APP, "async function main(d) { const r = await fetch(d.url); return (await r.text()).length; }");
        ScriptException e = failed(run(id, "{\"url\":\"" + base() + "/huge\"}"));
        assertTrue(e.getMessage().contains("over the limit of 1048576 bytes"), e.getMessage());
    }

    @Test
    void timersDieWithTheirInvocation() {
        String id = load("acme", ScriptKind.APP, "async function main(d) {\n"
                + "  if (d.phase === 1) { setTimeout(() => { datastore.set('leak', 'timer ran late'); }, 100); return 'left'; }\n"
                + "  await new Promise(resolve => setTimeout(resolve, 400));\n"
                + "  return await datastore.get('leak');\n"
                + "}");
        assertEquals("\"left\"", ok(run(id, "{\"phase\":1}")));
        assertEquals("null", ok(run(id, "{\"phase\":2}")), "the first invocation's timer never ran");
    }

    @Test
    void aThousandInvocationsInterleaveOnOneIsolate() {
        String id = load("acme", ScriptKind.APP, "let inFlight = 0, peak = 0;\n"
                + "async function main(d) {\n"
                + "  inFlight++; peak = Math.max(peak, inFlight);\n"
                + "  await new Promise(r => setTimeout(r, 20));\n"
                + "  const n = await datastore.incr('calls');\n"
                + "  inFlight--;\n"
                + "  return {v: d.i * 2, peak};\n"
                + "}");
        List<CompletableFuture<Outcome>> all = new ArrayList<>();
        for (int i = 0; i < 1000; i++) {
            all.add(forge.invokeAsync(Invocation.builder(id).data("{\"i\":" + i + "}").build()));
        }
        int maxPeak = 0;
        for (int i = 0; i < 1000; i++) {
            Outcome o = all.get(i).join();
            String json = ok(o);
            assertTrue(json.startsWith("{\"v\":" + (i * 2) + ","), json);
            maxPeak = Math.max(maxPeak, Integer.parseInt(json.replaceAll(".*\"peak\":(\\d+).*", "$1")));
        }
        assertTrue(maxPeak > 1, "invocations interleaved: peak in flight " + maxPeak);
        String count = load("acme", ScriptKind.APP, "async function main() { return await datastore.get('calls'); }");
        assertEquals("1000", ok(run(count, "{}")), "1,000 concurrent incr give the exact count");
    }

    @Test
    void modulesResolveOnlyThroughTheAllowlist() {
        String cjs = load("acme", ScriptKind.APP, "const moment = require('moment');\n"
                + "async function main(d) { return moment.utc(d.t).format('YYYY-MM-DD'); }");
        assertEquals("\"2026-11-22\"", ok(run(cjs, "{\"t\":\"2026-11-22T10:00:00Z\"}")));
        String esm = load("acme", ScriptKind.APP, "import moment from 'moment';\n"
                + "export default async function (d) { return moment.utc(d.t).add(1, 'day').format('YYYY-MM-DD'); }");
        assertEquals("\"2026-11-23\"", ok(run(esm, "{\"t\":\"2026-11-22T10:00:00Z\"}")));
        for (String name : List.of("fs", "child_process", "left-pad")) {
            String id = load("acme", ScriptKind.APP, "async function main() { return require('" + name + "'); }");
            ScriptException e = failed(run(id, "{}"));
            assertTrue(e.getMessage().contains("module '" + name + "' is not available to this script; allowed modules: moment"),
                    e.getMessage());
        }
        String badImport = load("acme", ScriptKind.APP, "import fs from 'fs';\nexport async function main() { return 1; }");
        assertTrue(failed(run(badImport, "{}")).getMessage().contains("allowed modules: moment"));
    }

    @Test
    void aScriptHasNoAwaitOrRequire() {
        ScriptException await = failed(run(load("acme", ScriptKind.SCRIPT, "function main(d) { await 1; return d; }"), "{}"));
        assertEquals(ScriptException.Kind.SYNTAX, await.kind());
        assertTrue(await.getMessage().contains("make it an App"), await.getMessage());
        ScriptException require = failed(run(load("acme", ScriptKind.SCRIPT, "function main(d) { return require('moment'); }"), "{}"));
        assertTrue(require.getMessage().contains("require is not defined") && require.getMessage().contains("make it an App"),
                require.getMessage());
    }

    @Test
    void tenantsNeverSeeEachOthersKeys() {
        String writer = load("acme", ScriptKind.APP, "async function main() { await datastore.set('secret', 'acme-only'); return 1; }");
        String reader = load("globex", ScriptKind.APP,
                "async function main() { return [await datastore.get('secret'), await datastore.keys('')]; }");
        ok(run(writer, "{}"));
        assertEquals("[null,[]]", ok(run(reader, "{}")));
    }

    @Test
    void incrRefusesStepsThatAreNotExactIntegers() {
        String id = load("acme", ScriptKind.APP, "async function main(d) {\n"
                + "  try { return await datastore.incr('steps', Number(d.by)); } catch (e) { return e.message; }\n"
                + "}");
        for (String by : List.of("1e300", "-1e300", "Infinity", "NaN", "1.5", "9007199254740992", "9223372036854775808",
                "-9223372036854775808")) {
            String expected = "datastore.incr: by must be an integer from -9007199254740991 to 9007199254740991, got "
                    + switch (by) {
                        case "1e300" -> "1e+300";
                        case "-1e300" -> "-1e+300";
                        case "9223372036854775808" -> "9223372036854776000";
                        case "-9223372036854775808" -> "-9223372036854776000";
                        default -> by;
                    };
            assertEquals("\"" + expected + "\"", ok(run(id, "{\"by\":\"" + by + "\"}")), by);
        }
        assertEquals(java.util.Optional.empty(), forge.datastore().get("acme", "steps").toCompletableFuture().join(),
                "no refused step reached the datastore");
        assertEquals("9007199254740991", ok(run(id, "{\"by\":\"9007199254740991\"}")), "the largest exact step is fine");
        assertEquals("0", ok(run(id, "{\"by\":\"-9007199254740991\"}")));
    }

    @Test
    void incrRefusesASumPastALong() {
        forge.datastore().set("acme", "near-max", "9223372036854775806", null).toCompletableFuture().join();
        String id = load("acme", ScriptKind.APP, "async function main(d) {\n"
                + "  try { await datastore.incr('near-max', d.by); return 'added'; } catch (e) { return e.message; }\n"
                + "}");
        assertEquals("\"added\"", ok(run(id, "{\"by\":1}")));
        assertEquals("\"incr: adding 1 to the value at 'near-max' would leave the range of a 64-bit integer "
                + "(-9223372036854775808 to 9223372036854775807); the value is unchanged\"", ok(run(id, "{\"by\":1}")));
        assertEquals(java.util.Optional.of("9223372036854775807"),
                forge.datastore().get("acme", "near-max").toCompletableFuture().join());
    }

    @Test
    void oversizedValuesAreRefusedClearly() {
        String id = load("acme", ScriptKind.APP, "async function main() { await datastore.set('big', 'x'.repeat(5000)); return 1; }");
        ScriptException e = failed(run(id, "{}"));
        assertTrue(e.getMessage().contains("is over the datastore's limit of 1024 bytes"), e.getMessage());
    }

    @Test
    void envIsReadOnly() {
        Script s = forge.load(Script.of("acme", "env.js", ScriptKind.APP,
                "async function main() { try { env.tenant = 'x'; } catch (e) {} return [env.tenant, env.name, env.ROUTE_VAR]; }")
                .withEnv(Map.of("ROUTE_VAR", "r7")));
        assertEquals("[\"acme\",\"env.js\",\"r7\"]", ok(run(s.id(), "{}")));
    }

    @Test
    void formsGetTheirFieldsAndAnswer() {
        String id = load("acme", ScriptKind.APP, "async function main(data) { return {thanks: data.name, email: data.email}; }");
        Outcome o = forge.submitForm(id, Map.of("name", "Ada", "email", "ada@example.com"));
        assertEquals("{\"thanks\":\"Ada\",\"email\":\"ada@example.com\"}", ok(o));
    }

    @Test
    void anUncaughtErrorInATimerFailsItsInvocation() {
        String id = load("acme", ScriptKind.APP,
                "function main() { return new Promise(() => { setTimeout(() => { throw new Error('timer broke'); }, 1); }); }");
        assertTrue(failed(run(id, "{}")).getMessage().contains("timer broke"));
    }

    @Test
    void anAppStillHasItsLimits() {
        String id = load("acme", ScriptKind.APP, "async function main() { await null; for (;;) {} }");
        Outcome o = forge.invoke(Invocation.builder(id).data("{}").timeout(Duration.ofMillis(100)).build());
        assertInstanceOf(Outcome.TimedOut.class, o, o.toJson());
        String after = load("acme", ScriptKind.APP, "let calls = 0; async function main() { await null; if (calls++ === 0) for (;;) {} return calls; }");
        assertInstanceOf(Outcome.TimedOut.class, forge.invoke(Invocation.builder(after).data("{}").timeout(Duration.ofMillis(100)).build()));
        assertEquals("2", ok(run(after, "{}")), "the isolate is reused after a timeout");
    }

    @Test
    void theInFlightCapQueuesTheRest() {
        try (Forge small = Forge.builder().engine(new V8EngineProvider())
                .engineOptions(EngineOptions.builder().appInFlight(2).queuePerScript(1).build())
                .limits(new Limits(Duration.ofSeconds(5), Limits.DEFAULT_HEAP_BYTES)).build()) {
            small.load(Script.of("t", "slow.js", ScriptKind.APP, "async function main() { await new Promise(r => setTimeout(r, 100)); return 1; }"));
            List<CompletableFuture<Outcome>> all = new ArrayList<>();
            for (int i = 0; i < 4; i++) {
                all.add(small.invokeAsync(Invocation.builder("t/slow.js").data("{}").build()));
            }
            List<Outcome> outcomes = all.stream().map(CompletableFuture::join).toList();
            long ok = outcomes.stream().filter(Outcome::isOk).count();
            long overloaded = all.stream().map(CompletableFuture::join).filter(o -> o instanceof Outcome.Overloaded).count();
            assertEquals(3, ok, outcomes.toString());
            assertEquals(1, overloaded);
        }
    }
}
