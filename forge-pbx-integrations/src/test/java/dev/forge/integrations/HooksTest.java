package dev.forge.integrations;

import com.fasterxml.jackson.databind.JsonNode;
import dev.forge.EgressPolicy;
import dev.forge.Outcome;
import dev.forge.integrations.internal.EventJson;
import dev.forge.integrations.stand.LoopbackHttp;
import dev.forge.engine.v8.logs.CapturedLogs;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The backend API on the real engine: hooks and their data, onhttp, console.trace, system.format, settings, calls. */
class HooksTest {

    private final IntegrationRegistry registry = new IntegrationRegistry();
    private final RecordingCallControl calls = new RecordingCallControl();
    private IntegrationHost host;

    private IntegrationHost host(String identifier, String backend) {
        return host(identifier, backend, EgressPolicy.DENY_ALL);
    }

    private IntegrationHost host(String identifier, String backend, EgressPolicy egress) {
        registry.register(Integration.builder().name("Test " + identifier).identifier(identifier).backend(backend).build());
        registry.enable("tenant1.pbx.com", identifier);
        host = IntegrationHost.builder(registry).secretKey(new byte[16]).callControl(calls).egress(egress)
                .httpTimeout(Duration.ofMillis(500)).build();
        return host;
    }

    @AfterEach
    void close() {
        if (host != null) {
            host.close();
        }
    }

    private static HookOutcome only(List<HookOutcome> outcomes) {
        assertEquals(1, outcomes.size(), outcomes::toString);
        return outcomes.get(0);
    }

    private static HookOutcome raise(IntegrationHost host, PbxEvent event) throws Exception {
        return only(host.raise(event).get(20, TimeUnit.SECONDS));
    }

    private static JsonNode okData(HookOutcome outcome) {
        Outcome.Ok ok = assertInstanceOf(Outcome.Ok.class, outcome.outcome(), outcome::toString);
        try {
            return EventJson.MAPPER.readTree(ok.dataJson());
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    private static JsonNode tree(String json) {
        try {
            return EventJson.MAPPER.readTree(json);
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    private static String failure(HookOutcome outcome) {
        Outcome.Failed failed = assertInstanceOf(Outcome.Failed.class, outcome.outcome(), outcome::toString);
        return failed.error().getMessage();
    }

    @Test
    void eachHookReceivesItsEventAsTheSeedDescribesIt() throws Exception {
        IntegrationHost h = host("echo", """
                function ongroup(data) { return {keys: Object.keys(data).sort(), data: data}; }
                function onagent(data) { return {keys: Object.keys(data).sort(), data: data}; }
                function oncdr(data) {
                  return {keys: Object.keys(data).sort(), legs: data.trunklegs.length + data.extensionlegs.length,
                          mos: data.trunklegs[1].mos, file: data.recordings[0].file, data: data};
                }
                """);
        JsonNode group = okData(raise(h, Fixtures.disconnected()));
        assertEquals(tree("[\"agent\",\"callee\",\"caller\",\"callid\",\"domain\",\"group\",\"inbound\",\"missed\","
                + "\"reason\",\"state\",\"timestamps\"]"), group.get("keys"));
        assertEquals(tree(Fixtures.json("group-disconnected.json")), group.get("data"));

        JsonNode ringing = okData(raise(h, Fixtures.ringing()));
        assertEquals("Ann Lee", ringing.get("data").get("ringing").get(1).get("name").asText());

        JsonNode agent = okData(raise(h, Fixtures.agent()));
        assertEquals(tree(Fixtures.json("agent-connected.json")), agent.get("data"));

        JsonNode cdr = okData(raise(h, Fixtures.cdr()));
        assertEquals(tree("[\"callid\",\"category\",\"cmc\",\"comment\",\"connect\",\"domain\",\"end\",\"extensionlegs\","
                + "\"from\",\"rating\",\"recordings\",\"start\",\"states\",\"to\",\"trunklegs\"]"), cdr.get("keys"));
        assertEquals(4, cdr.get("legs").asInt());
        assertEquals(3.9, cdr.get("mos").asDouble());
        assertEquals("recordings/2024/11/a84b4c76-1.wav", cdr.get("file").asText());
        assertSameJson(tree(Fixtures.json("cdr.json")), cdr.get("data"));
    }

    @Test
    void aMissingHookIsSkippedAndOnlyEnabledTenantsAreReached() throws Exception {
        IntegrationHost h = host("onlycdr", "function oncdr(data) { return 1; }");
        HookOutcome outcome = raise(h, Fixtures.ringing());
        assertFalse(outcome.present());
        assertTrue(outcome.isOk());
        CdrEvent elsewhere = Fixtures.cdr();
        elsewhere = new CdrEvent("tenant2.pbx.com", elsewhere.callid(), elsewhere.from(), elsewhere.to(), null, null, null,
                null, elsewhere.start(), null, elsewhere.end(), null, null, null, null);
        assertEquals(List.of(), h.raise(elsewhere).get(10, TimeUnit.SECONDS));
    }

    @Test
    void theEs5StyleOfTheSeedWorks() throws Exception {
        IntegrationHost h = host("seed", """
                function ongroup(data) {
                  console.trace('SCRIPT', 5, data.domain, system.format("Call hung up with data %s", JSON.stringify(data)));
                }
                function onhttp(data, callback) {
                  console.trace('SCRIPT', 5, data.domain, system.format("Received http request with data %s", JSON.stringify(data)));
                  callback(200, "Ok", "application/json", "true");
                }
                """);
        assertTrue(raise(h, Fixtures.ringing()).isOk());
        IntegrationResponse r = h.http(new IntegrationRequest("POST", "https", "{\"a\":1}", "seed", "/integrations/seed/x?y=1",
                "tenant1.pbx.com", List.of(new Header("Content-Type", "application/json")))).get(10, TimeUnit.SECONDS);
        assertEquals(new IntegrationResponse(200, "Ok", "application/json", "true"), r);
        String log = CapturedLogs.events().stream().filter(l -> l.logger().equals("forge.script.seed"))
                .map(CapturedLogs.Event::toString).reduce("", (a, b) -> a + b + "\n");
        assertTrue(log.contains("INFO forge.script.seed [SCRIPT 5] tenant1.pbx.com: Call hung up with data {\"domain\":"),
                log);
        assertTrue(log.contains("[SCRIPT 5] tenant1.pbx.com: Received http request with data {\"method\":\"POST\","
                + "\"scheme\":\"https\",\"body\":\"{\\\"a\\\":1}\",\"identifier\":\"seed\",\"url\":\"/integrations/seed/x?y=1\","
                + "\"domain\":\"tenant1.pbx.com\",\"headers\":[{\"name\":\"Content-Type\",\"value\":\"application/json\"}]}"), log);
    }

    @Test
    void traceLevelsMapToLogLevels() throws Exception {
        IntegrationHost h = host("levels", """
                function ongroup(data) {
                  console.trace('CRM', 1, data.domain, 'failed');
                  console.trace('CRM', 2, 'tenant1.pbx.com', 'slow');
                  console.trace('CRM', 4, '', 'posted');
                }
                """);
        assertTrue(raise(h, Fixtures.ringing()).isOk());
        List<String> lines = CapturedLogs.events().stream().filter(l -> l.logger().equals("forge.script.levels"))
                .map(CapturedLogs.Event::toString).toList();
        assertEquals(List.of("ERROR forge.script.levels [CRM 1] tenant1.pbx.com: failed",
                "WARN forge.script.levels [CRM 2] tenant1.pbx.com: slow",
                "INFO forge.script.levels [CRM 4]: posted"), lines);
    }

    @Test
    void tracesAboveTheHostsLevelAreNotLogged() throws Exception {
        registry.register(Integration.builder().name("Quiet").identifier("quiet").backend("""
                function ongroup(data) {
                  console.trace('CRM', 2, data.domain, 'kept');
                  console.trace('CRM', 3, data.domain, 'kept too');
                  console.trace('CRM', 4, data.domain, 'dropped');
                  console.trace('CRM', 9, data.domain, 'dropped too');
                }
                """).build());
        registry.enable("tenant1.pbx.com", "quiet");
        host = IntegrationHost.builder(registry).secretKey(new byte[16]).traceLevel(3).build();
        assertTrue(raise(host, Fixtures.ringing()).isOk());
        List<String> lines = CapturedLogs.events().stream().filter(l -> l.logger().equals("forge.script.quiet"))
                .map(CapturedLogs.Event::toString).toList();
        assertEquals(List.of("WARN forge.script.quiet [CRM 2] tenant1.pbx.com: kept",
                "INFO forge.script.quiet [CRM 3] tenant1.pbx.com: kept too"), lines);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> IntegrationHost.builder(registry).traceLevel(10));
        assertEquals("traceLevel: must be 0 (least) to 9 (everything), got 10", e.getMessage());
    }

    @Test
    void aCallbackStatusThatIsNoFinalAnswerIsRefused() throws Exception {
        IntegrationHost h = host("status", """
                function onhttp(data, callback) {
                  const errors = [];
                  for (const code of [100, 199, 600, 0, -1, 200.5, 'abc', NaN]) {
                    try { callback(code, 'x', 'text/plain', ''); } catch (e) { errors.push(e.name + ': ' + e.message); }
                  }
                  callback(202, 'Accepted', 'application/json', JSON.stringify(errors));
                }
                """);
        IntegrationResponse r = h.http(new IntegrationRequest("GET", "http", "", "status", "/integrations/status",
                null, List.of())).get(10, TimeUnit.SECONDS);
        assertEquals(202, r.code(), r::toString);
        List<String> errors = new java.util.ArrayList<>();
        EventJson.MAPPER.readTree(r.body()).forEach(n -> errors.add(n.asText()));
        String refused = "RangeError: callback: code: the status of an answer must be an integer from 200 to 599, got ";
        assertEquals(List.of(refused + "100", refused + "199", refused + "600", refused + "0", refused + "-1",
                refused + "200.5", refused + "'abc'", refused + "NaN"), errors);
    }

    @Test
    void aHookThatOnlyGivesABadStatusIsAnsweredNotLeftHanging() throws Exception {
        IntegrationHost h = host("badstatus", "function onhttp(data, callback) { callback(101, 'Switching'); }");
        IntegrationResponse r = h.http(new IntegrationRequest("GET", "http", "", "badstatus", "/integrations/badstatus",
                null, List.of())).get(10, TimeUnit.SECONDS);
        assertEquals(500, r.code(), r::toString);
    }

    @Test
    void errorsShowTheBackendsFramesAndNoneOfForges() throws Exception {
        IntegrationHost h = host("thrower", """
                function helper(x) { return loadIntr('tenant2.pbx.com', '', 'token', true); }
                function ongroup(data) { return helper(data); }
                """);
        Outcome.Failed failed = assertInstanceOf(Outcome.Failed.class, raise(h, Fixtures.ringing()).outcome());
        String stack = failed.error().scriptStack();
        assertTrue(stack.contains("helper"), stack);
        assertTrue(stack.contains("ongroup"), stack);
        assertFalse(stack.contains("forge:"), stack);
        assertFalse(failed.toJson().contains("forge:bindings"), failed.toJson());
    }

    @Test
    void systemFormatIsPrintfStyle() throws Exception {
        IntegrationHost h = host("fmt", """
                function ongroup(data) {
                  return [
                    system.format('%s has %d agents ringing', data.callid, data.ringing.length),
                    system.format('%5s|%-5s|%05d|%+d|%x|%X|%o|%%', 'ab', 'cd', 42, 7, 255, 255, 8),
                    system.format('%.2f %8.3f %-8.1f| %e %g %g', 3.14159, -2.5, 1.75, 1234.5, 0.0001, 123456789),
                    system.format('%s %s %j', {a: 1}, null, [1, 'x']),
                    system.format('%c%c %.3s %i', 72, 'iz', 'abcdef', -3.9),
                    system.format('missing %s and %d', 'one'),
                    system.format('%q stays, 100%')
                  ];
                }
                """);
        assertEquals(tree("[\"a84b4c76e66710@tenant1.pbx.com has 2 agents ringing\","
                + "\"   ab|cd   |00042|+7|ff|FF|10|%\","
                + "\"3.14   -2.500 1.8     | 1.234500e+03 0.0001 1.23457e+08\","
                + "\"{\\\"a\\\":1} null [1,\\\"x\\\"]\","
                + "\"Hi abc -3\","
                + "\"missing one and NaN\","
                + "\"%q stays, 100%\"]"), okData(raise(h, Fixtures.ringing())));
    }

    @Test
    void hooksLoadAndSaveSettingsWithTenantAndUserApart() throws Exception {
        IntegrationHost h = host("crm", """
                function oncdr(data) {
                  var before = loadIntr(data.domain, '', 'url', false);
                  var password = loadIntr(data.domain, '', 'password', true);
                  var all = loadIntr(data.domain, '41', '', false);
                  saveIntr(data.domain, '', 'lastcall', data.callid, false);
                  saveIntr(data.domain, '41', 'token', 'T-' + data.callid.length, true);
                  return {url: before, password: password, user: all, none: loadIntr(data.domain, '42', 'x', false) === undefined,
                          last: loadIntr(data.domain, '', 'lastcall', false), token: loadIntr(data.domain, '41', 'token', true)};
                }
                """);
        IntegrationSettings s = h.settings();
        s.save("crm", "tenant1.pbx.com", "", tree("[{\"url\":\"https://crm.example\"}, {\"password\":\"pw1\"}]"))
                .toCompletableFuture().get(5, TimeUnit.SECONDS);
        s.save("crm", "tenant1.pbx.com", "41", tree("{\"username\":\"joe\"}")).toCompletableFuture().get(5, TimeUnit.SECONDS);
        JsonNode seen = okData(raise(h, Fixtures.cdr()));
        assertEquals(tree("{\"url\":\"https://crm.example\",\"password\":\"pw1\",\"user\":{\"username\":\"joe\"},"
                + "\"none\":true,\"last\":\"a84b4c76e66710@tenant1.pbx.com\",\"token\":\"T-30\"}"), seen);
        assertEquals(tree("{\"url\":\"https://crm.example\",\"lastcall\":\"a84b4c76e66710@tenant1.pbx.com\"}"),
                s.loadPublic("crm", "tenant1.pbx.com", "").toCompletableFuture().get(5, TimeUnit.SECONDS));
        assertEquals(tree("{\"token\":\"T-30\"}"),
                s.loadSecret("crm", "tenant1.pbx.com", "41").toCompletableFuture().get(5, TimeUnit.SECONDS).orElseThrow());
        assertFalse(CapturedLogs.text().contains("pw1"), "no secret in the log");
    }

    @Test
    void startCallAndEndCallUseTheSeedsDefaults() throws Exception {
        IntegrationHost h = host("dialer", """
                function onagent(data) {
                  var a = startCall({domain: data.domain.address, user: data.agent.number, to: data.caller.number});
                  var b = startCall({domain: data.domain, from: '2125550199', ani: '2125550100', to: '41', timeout: 20, connect: true});
                  endCall(a);
                  endCall(b, 486, 'Busy Here', true);
                  return [a, b];
                }
                """);
        assertEquals(tree("[\"call-1\",\"call-2\"]"), okData(raise(h, Fixtures.agent())));
        RecordingCallControl.Started a = calls.started.poll();
        assertEquals("integration dialer", a.origin());
        assertEquals(new CallRequest("tenant1.pbx.com", "41", null, null, "+12125550100", Duration.ofSeconds(60), false),
                a.request());
        assertEquals(new CallRequest("tenant1.pbx.com", null, "2125550199", "2125550100", "41", Duration.ofSeconds(20), true),
                calls.started.poll().request());
        assertEquals(dev.forge.integrations.CallEnd.of("call-1"), calls.ended.poll().end());
        assertEquals(new dev.forge.integrations.CallEnd("call-2", 486, "Busy Here", true), calls.ended.poll().end());
    }

    @Test
    void startCallWithoutToOrWithoutUserAndFromNamesTheField() throws Exception {
        IntegrationHost h = host("baddial", """
                function onagent(data) { startCall({domain: data.domain, user: '41'}); }
                function ongroup(data) { startCall({domain: data.domain, to: '41'}); }
                function oncdr(data) {
                  try { endCall(); } catch (e) { return e.message; }
                }
                """);
        assertEquals("Error: startCall: to: required; give the number to call, got nothing", failure(raise(h, Fixtures.agent())));
        assertEquals("Error: startCall: user: required unless from is given; name the account that starts the call (user) "
                + "or the number it starts from (from), got neither", failure(raise(h, Fixtures.ringing())));
        assertEquals("endCall: id: required; give the id that startCall returned, got nothing",
                okData(raise(h, Fixtures.cdr())).asText());
        assertNull(calls.started.poll());
    }

    @Test
    void anIntegrationActsOnlyForTheTenantItRunsForAndOnlyForTenantsThatEnabledIt() throws Exception {
        registry.register(Integration.builder().name("Other").identifier("other").backend("function oncdr() {}").build());
        registry.enable("tenant2.pbx.com", "other");
        IntegrationHost h = host("nosy", """
                function tryIt(f) { try { return f(); } catch (e) { return e.message; } }
                function attempts(other) {
                  return [
                    tryIt(function () { return loadIntr(other, '', 'password', true); }),
                    tryIt(function () { saveIntr(other, '', 'x', 'y', false); return 'saved'; }),
                    tryIt(function () { return startCall({domain: other, from: '100', to: '200'}); }),
                    tryIt(function () { endCall('call-999'); return 'ended'; })
                  ];
                }
                function oncdr(data) {
                  var own = startCall({domain: 'tenant1.pbx.com', from: '100', to: '200'});
                  var tries = attempts('tenant2.pbx.com');
                  endCall(own);
                  tries.push(tryIt(function () { endCall(own); return 'ended twice'; }));
                  return tries;
                }
                function onhttp(data, callback) {
                  callback(200, 'OK', 'application/json', JSON.stringify(attempts('tenant2.pbx.com')
                      .concat([tryIt(function () { return startCall({domain: 'tenant1.pbx.com', from: '1', to: '2'}); })])));
                }
                """);
        assertEquals(tree("""
                ["loadIntr: domain: this oncdr runs for 'tenant1.pbx.com' and may act for no other tenant, got 'tenant2.pbx.com'",
                 "saveIntr: domain: this oncdr runs for 'tenant1.pbx.com' and may act for no other tenant, got 'tenant2.pbx.com'",
                 "startCall: domain: this oncdr runs for 'tenant1.pbx.com' and may act for no other tenant, got 'tenant2.pbx.com'",
                 "endCall: id: 'call-999' is not a call this integration started; give an id that its startCall returned",
                 "endCall: id: 'call-1' is not a call this integration started; give an id that its startCall returned"]"""),
                okData(raise(h, Fixtures.cdr())));
        assertEquals("call-1", calls.started.poll().id());
        assertEquals("call-1", calls.ended.poll().end().id());
        // a request the host named no tenant for: it may act for none, not even a tenant that enabled it
        IntegrationResponse r = h.http(new IntegrationRequest("POST", "http", "", "nosy", "/integrations/nosy", null,
                List.of())).get(10, TimeUnit.SECONDS);
        String none = ": domain: this onhttp runs for no tenant (the host named none for the request) and may act for none, got ";
        assertEquals(tree("""
                ["loadIntr%1$s'tenant2.pbx.com'",
                 "saveIntr%1$s'tenant2.pbx.com'",
                 "startCall%1$s'tenant2.pbx.com'",
                 "endCall: id: 'call-999' is not a call this integration started; give an id that its startCall returned",
                 "startCall%1$s'tenant1.pbx.com'"]""".formatted(none)), tree(r.body()));
        // a request for a tenant that has not enabled it does not reach it
        IntegrationResponse other = h.http(new IntegrationRequest("POST", "http", "", "nosy", "/integrations/nosy",
                "tenant2.pbx.com", List.of())).get(10, TimeUnit.SECONDS);
        assertEquals(404, other.code());
        assertEquals("integration 'nosy' is not enabled for tenant2.pbx.com\n", other.body());
        assertNull(calls.started.poll());
        assertNull(calls.ended.poll());
        assertEquals(0, h.settings().loadPublic("nosy", "tenant2.pbx.com", "").toCompletableFuture()
                .get(5, TimeUnit.SECONDS).size(), "nothing written for tenant2");
    }

    @Test
    void onhttpMayCallBackAfterAsynchronousWork() throws Exception {
        IntegrationHost h = host("later", """
                function onhttp(data, callback) {
                  setTimeout(function () {
                    Promise.resolve(data.body).then(function (body) {
                      callback(202, 'Accepted', 'text/plain', 'got ' + body);
                    });
                  }, 5);
                }
                """);
        IntegrationResponse r = h.http(new IntegrationRequest("POST", "http", "hello", "later", "/integrations/later",
                null, List.of())).get(10, TimeUnit.SECONDS);
        assertEquals(new IntegrationResponse(202, "Accepted", "text/plain", "got hello"), r);
    }

    @Test
    void onhttpThatNeverCallsBackGetsATimeoutAnswer() throws Exception {
        IntegrationHost h = host("silent", "function onhttp(data, callback) { }");
        IntegrationResponse r = h.http(new IntegrationRequest("GET", "http", "", "silent", "/integrations/silent", null,
                List.of())).get(10, TimeUnit.SECONDS);
        assertEquals(504, r.code());
        assertEquals("integration 'silent' did not answer within 500 ms\n", r.body());
    }

    @Test
    void onhttpThatThrowsOrIsMissingIsAnsweredByForge() throws Exception {
        IntegrationHost h = host("broken", "function onhttp(data, callback) { throw new Error('no db'); }\n"
                + "function oncdr() {}");
        assertEquals(500, h.http(new IntegrationRequest("GET", null, null, "broken", "/integrations/broken", null, null))
                .get(10, TimeUnit.SECONDS).code());
        registry.register(Integration.builder().name("No http").identifier("nohttp").backend("function oncdr() {}").build());
        IntegrationResponse missing = h.http(new IntegrationRequest("GET", null, null, "nohttp", "/integrations/nohttp",
                null, null)).get(10, TimeUnit.SECONDS);
        assertEquals(404, missing.code());
        assertEquals("integration 'nohttp' has no onhttp\n", missing.body());
        IntegrationResponse unknown = h.http(new IntegrationRequest("GET", null, null, "nope", "/integrations/nope",
                null, null)).get(10, TimeUnit.SECONDS);
        assertEquals("no integration 'nope'\n", unknown.body());
    }

    @Test
    void systemHttpToADestinationTheHostDidNotAllowFailsTheHook() throws Exception {
        IntegrationHost h = host("nowhere", """
                function oncdr(data) { system.http({url: 'http://127.0.0.1:9/x', callback: function () {}}); }
                """);
        assertEquals("Error: system.http: egress to 127.0.0.1:9 is not allowed for integration 'nowhere'; the host must allow "
                + "it (EgressPolicy, or --allow-host 127.0.0.1:9)", failure(raise(h, Fixtures.cdr())));
    }

    @Test
    void systemHttpRefusesANameThatResolvesToLoopbackUnlessTheAddressIsAllowed() throws Exception {
        try (LoopbackHttp crm = new LoopbackHttp()) {
            int port = Integer.parseInt(crm.hostPort().substring(crm.hostPort().lastIndexOf(':') + 1));
            String backend = """
                    function oncdr(data) {
                      system.http({url: 'http://victim.test:PORT/calls', callback: function (code, body) {
                        saveIntr(data.domain, '', 'answer', {code: code, body: body}, false);
                      }});
                    }
                    """.replace("PORT", Integer.toString(port));
            EgressPolicy.Resolver victim = name -> List.of(java.net.InetAddress.getByName("127.0.0.1"));
            IntegrationHost refused = host("victim", backend, EgressPolicy.builder()
                    .allow(EgressPolicy.ALL_TENANTS, "victim.test:" + port).resolver(victim).build());
            assertEquals("Error: system.http: egress to victim.test:" + port + " is refused for 'victim': victim.test "
                    + "resolved to 127.0.0.1, a loopback address; the host must allow that address explicitly "
                    + "(allow(tenant, \"127.0.0.1:" + port + "\"), allowPrivate(tenant, range), or --allow-host 127.0.0.1:"
                    + port + ")", failure(raise(refused, Fixtures.cdr())));
            assertEquals(0, crm.pending(), "nothing reached the server");
            refused.close();

            IntegrationHost allowed = host("victim", backend, EgressPolicy.builder()
                    .allow(EgressPolicy.ALL_TENANTS, "victim.test:" + port).allowPrivate("victim", "127.0.0.1/32")
                    .resolver(victim).build());
            assertTrue(raise(allowed, Fixtures.cdr()).isOk());
            assertEquals(tree("{\"code\":201,\"body\":\"{\\\"id\\\":\\\"crm-1\\\"}\"}"), allowed.settings()
                    .get("victim", "tenant1.pbx.com", "", "answer", false).toCompletableFuture().get(5, TimeUnit.SECONDS)
                    .orElseThrow());
            assertEquals("victim.test:" + port, crm.take().header("Host"), "connected to 127.0.0.1, named victim.test");
        }
    }

    @Test
    void systemHttpReachesAnIpv6LoopbackEntry() throws Exception {
        com.sun.net.httpserver.HttpServer v6 = com.sun.net.httpserver.HttpServer.create(
                new java.net.InetSocketAddress(java.net.InetAddress.getByName("::1"), 0), 0);
        v6.createContext("/", exchange -> {
            byte[] answer = "v6".getBytes(java.nio.charset.StandardCharsets.UTF_8);
            exchange.sendResponseHeaders(200, answer.length);
            try (java.io.OutputStream out = exchange.getResponseBody()) {
                out.write(answer);
            }
        });
        v6.start();
        try {
            int port = v6.getAddress().getPort();
            IntegrationHost h = host("six", """
                    function oncdr(data) {
                      system.http({url: 'http://[::1]:PORT/', callback: function (code, body) {
                        saveIntr(data.domain, '', 'answer', {code: code, body: body}, false);
                      }});
                    }
                    """.replace("PORT", Integer.toString(port)), loopback("[::1]:" + port));
            assertTrue(raise(h, Fixtures.cdr()).isOk());
            assertEquals(tree("{\"code\":200,\"body\":\"v6\"}"), h.settings().get("six", "tenant1.pbx.com", "",
                    "answer", false).toCompletableFuture().get(5, TimeUnit.SECONDS).orElseThrow());
        } finally {
            v6.stop(0);
        }
    }

    @Test
    void systemHttpRefusesABodyOverTheLimit() throws Exception {
        try (LoopbackHttp crm = new LoopbackHttp()) {
            IntegrationHost h = host("big", """
                    function oncdr(data) {
                      system.http({method: 'POST', url: 'URL', body: 'x'.repeat(1001), callback: function () {}});
                    }
                    """.replace("URL", crm.url("/calls")), EgressPolicy.builder()
                    .allow(EgressPolicy.ALL_TENANTS, crm.hostPort()).maxRequestBytes(1000).build());
            assertEquals("Error: system.http: the request body is 1001 bytes, over the limit of 1000 bytes "
                    + "(EgressPolicy.maxRequestBytes)", failure(raise(h, Fixtures.cdr())));
            assertEquals(0, crm.pending());
        }
    }

    @Test
    void aDestinationThatDoesNotAnswerGivesCodeZeroAfterEveryAttempt() throws Exception {
        int port;
        try (java.net.ServerSocket free = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            port = free.getLocalPort();
        }
        IntegrationHost h = host("offline", """
                function oncdr(data) {
                  system.http({url: 'http://127.0.0.1:PORT/calls', attempts: 2, callback: function (code, body, headers) {
                    saveIntr(data.domain, '', 'answer', {code: code, body: body, headers: headers}, false);
                  }});
                }
                """.replace("PORT", Integer.toString(port)), loopback("127.0.0.1:" + port));
        assertTrue(raise(h, Fixtures.cdr()).isOk());
        assertEquals(tree("{\"code\":0,\"body\":\"\",\"headers\":[]}"), h.settings().get("offline", "tenant1.pbx.com", "",
                "answer", false).toCompletableFuture().get(5, TimeUnit.SECONDS).orElseThrow());
        assertTrue(CapturedLogs.text().contains("offline: system.http GET http://127.0.0.1:" + port
                + "/calls -> failed after 2 attempt(s)"), CapturedLogs::text);
    }

    @Test
    void errorsPointAtTheBackendsOwnLines() throws Exception {
        IntegrationHost h = host("lines", "// line 1\nfunction ongroup(data) {\n  return data.nothing.here;\n}\n");
        Outcome.Failed failed = assertInstanceOf(Outcome.Failed.class, raise(h, Fixtures.ringing()).outcome());
        assertEquals(3, failed.error().line(), failed.error()::toString);
        registry.register(Integration.builder().name("Broken").identifier("lines").backend("function ongroup(data) {\n  return (;\n}")
                .build());
        Outcome.Failed syntax = assertInstanceOf(Outcome.Failed.class, raise(h, Fixtures.ringing()).outcome());
        assertEquals(dev.forge.ScriptException.Kind.SYNTAX, syntax.error().kind());
        assertEquals(2, syntax.error().line(), syntax.error()::toString);
    }

    @Test
    void aReplacedBackendRunsFromTheNextEvent() throws Exception {
        IntegrationHost h = host("versioned", "function ongroup() { return 1; }");
        assertEquals(1, okData(raise(h, Fixtures.ringing())).asInt());
        registry.register(Integration.builder().name("v2").identifier("versioned").backend("function ongroup() { return 2; }")
                .build());
        assertEquals(2, okData(raise(h, Fixtures.ringing())).asInt());
        h.close();
        var closed = org.junit.jupiter.api.Assertions.assertThrows(IllegalStateException.class, () -> h.raise(Fixtures.ringing()));
        assertEquals("IntegrationHost is closed", closed.getMessage());
    }

    /** Equal as JavaScript sees JSON: 0 and 0.0 are the same number. */
    static void assertSameJson(JsonNode expected, JsonNode actual) {
        assertEquals(0, expected.equals((a, b) -> a.isNumber() && b.isNumber() ? Double.compare(a.asDouble(), b.asDouble())
                : a.equals(b) ? 0 : 1, actual) ? 0 : 1, () -> "expected " + expected + "\nbut got " + actual);
    }

    static EgressPolicy loopback(String hostPort) {
        return EgressPolicy.builder().allow(EgressPolicy.ALL_TENANTS, hostPort).build();
    }
}
