package dev.forge.opentelemetry;

import dev.forge.EngineOptions;
import dev.forge.Forge;
import dev.forge.Invocation;
import dev.forge.InvocationListener;
import dev.forge.InvocationListener.InvocationEvent;
import dev.forge.Isolation;
import dev.forge.Limits;
import dev.forge.Outcome;
import dev.forge.Script;
import dev.forge.ScriptKind;
import dev.forge.SipStatus;
import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.context.Context;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.data.EventData;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.SimpleSpanProcessor;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * ForgeTracing on the OpenTelemetry SDK with its in-memory exporter, on a real Forge (V8): a span per invocation
 * with its attributes and status. The spans are exported as they end (SimpleSpanProcessor), and the test waits for
 * the listener after ForgeTracing, never sleeps.
 */
class ForgeTracingTest {

    private static final long WAIT_SECONDS = 30;
    private static final String SECRET = "card 4111-1111";

    private final InMemorySpanExporter exporter = InMemorySpanExporter.create();
    private final BlockingQueue<InvocationEvent> heard = new LinkedBlockingQueue<>();
    private OpenTelemetrySdk otel;
    private Forge forge;

    @BeforeEach
    void start() {
        otel = OpenTelemetrySdk.builder()
                .setTracerProvider(SdkTracerProvider.builder().addSpanProcessor(SimpleSpanProcessor.create(exporter)).build())
                .build();
    }

    @AfterEach
    void stop() {
        if (forge != null) {
            forge.close();
        }
        otel.close();
    }

    private Forge forge(ForgeTracing tracing) {
        forge = Forge.builder()
                .listener(InvocationListener.all(tracing, heard::add))
                .limits(new Limits(Duration.ofMillis(300), Limits.DEFAULT_HEAP_BYTES))
                .engineOptions(EngineOptions.builder().isolation(Isolation.IN_PROCESS).build())
                .build();
        return forge;
    }

    private Outcome run(String tenant, String name, String body, String callId) throws InterruptedException {
        Script s = forge.load(Script.of(tenant, name, ScriptKind.SCRIPT, "function main(data) { " + body + " }"));
        Outcome o = forge.invoke(Invocation.builder(s.id()).data("{\"secret\":\"" + SECRET + "\"}").callId(callId).build());
        assertNotNull(heard.poll(WAIT_SECONDS, TimeUnit.SECONDS), "the invocation was not heard within " + WAIT_SECONDS + " s");
        return o;
    }

    private SpanData span(String name) {
        List<SpanData> found = exporter.getFinishedSpanItems().stream().filter(s -> s.getName().equals(name)).toList();
        assertEquals(1, found.size(), () -> "spans named " + name + " in " + exporter.getFinishedSpanItems());
        return found.get(0);
    }

    @Test
    void aSpanPerInvocationWithTenantScriptCallIdAndOutcome() throws Exception {
        forge(ForgeTracing.builder(otel).build());
        assertInstanceOf(Outcome.Ok.class, run("acme", "route.js", "return {to: '100'};", "call-ok"));
        assertInstanceOf(Outcome.Failed.class, run("acme", "fail.js", "throw new Error(data.secret);", "call-err"));
        assertInstanceOf(Outcome.TimedOut.class, run("globex", "loop.js", "for (;;) {}", "call-loop"));
        assertInstanceOf(Outcome.Rejected.class, run("globex", "busy.js", "throw '486 Busy Here';", null));

        SpanData ok = span("forge.invoke acme/route.js");
        assertEquals(SpanKind.INTERNAL, ok.getKind());
        assertEquals("acme", ok.getAttributes().get(ForgeTracing.TENANT));
        assertEquals("acme/route.js", ok.getAttributes().get(ForgeTracing.SCRIPT_ID));
        assertEquals(forge.scripts().find("acme/route.js").orElseThrow().version(),
                ok.getAttributes().get(ForgeTracing.SCRIPT_VERSION));
        assertEquals("call-ok", ok.getAttributes().get(ForgeTracing.CALL_ID));
        assertEquals("ok", ok.getAttributes().get(ForgeTracing.OUTCOME));
        assertNull(ok.getAttributes().get(ForgeTracing.ERROR_TYPE));
        assertEquals(StatusCode.UNSET, ok.getStatus().getStatusCode());
        assertFalse(ok.getParentSpanContext().isValid(), "no parent unless the host gives one");
        assertEquals(List.of(ForgeTracing.RUN_EVENT), ok.getEvents().stream().map(EventData::getName).toList());

        SpanData failed = span("forge.invoke acme/fail.js");
        assertEquals("error", failed.getAttributes().get(ForgeTracing.OUTCOME));
        assertEquals("runtime", failed.getAttributes().get(ForgeTracing.ERROR_TYPE));
        assertEquals(StatusCode.ERROR, failed.getStatus().getStatusCode());
        assertEquals("error: runtime", failed.getStatus().getDescription());
        assertFalse(failed.toString().contains(SECRET), "the script's message stays out: " + failed);

        SpanData timedOut = span("forge.invoke globex/loop.js");
        assertEquals("call-loop", timedOut.getAttributes().get(ForgeTracing.CALL_ID));
        assertEquals("timeout", timedOut.getAttributes().get(ForgeTracing.OUTCOME));
        assertEquals(StatusCode.ERROR, timedOut.getStatus().getStatusCode());
        assertEquals((long) SipStatus.DEFAULT_TIMEOUT_ACTION.code(), timedOut.getAttributes().get(ForgeTracing.SIP_STATUS));
        // the span covers the whole invocation, which ran until its deadline
        assertTrue(timedOut.getEndEpochNanos() - timedOut.getStartEpochNanos() >= Duration.ofMillis(300).toNanos(),
                timedOut::toString);

        SpanData rejected = span("forge.invoke globex/busy.js");
        assertEquals("rejected", rejected.getAttributes().get(ForgeTracing.OUTCOME));
        assertEquals(486L, rejected.getAttributes().get(ForgeTracing.SIP_STATUS));
        assertEquals(StatusCode.UNSET, rejected.getStatus().getStatusCode(), "a rejection is the script's answer, no error");
        assertNull(rejected.getAttributes().get(ForgeTracing.CALL_ID));

        assertEquals(4, exporter.getFinishedSpanItems().size());
    }

    @Test
    void theHostsSpanForTheCallIsTheParent() throws Exception {
        Map<String, Context> calls = new ConcurrentHashMap<>();
        forge(ForgeTracing.builder(otel)
                .parent(e -> e.callId() == null ? null : calls.get(e.callId()))
                .build());
        Span sip = otel.getTracer("pbx").spanBuilder("sip INVITE").startSpan();
        calls.put("call-7", Context.root().with(sip));
        run("acme", "route.js", "return data;", "call-7");
        sip.end();

        SpanData invoke = span("forge.invoke acme/route.js");
        assertEquals(sip.getSpanContext().getTraceId(), invoke.getTraceId());
        assertEquals(sip.getSpanContext().getSpanId(), invoke.getParentSpanId());
    }

    @Test
    void recordErrorsPutsTheScriptsErrorOnTheSpan() throws Exception {
        forge(ForgeTracing.builder(OpenTelemetry.noop()).build()); // a no-op SDK costs nothing and records nothing
        run("acme", "fail.js", "throw new Error('x');", null);
        assertTrue(exporter.getFinishedSpanItems().isEmpty());
        forge.close();

        forge(ForgeTracing.builder(otel.getTracer("host")).recordErrors(true).build());
        run("acme", "fail.js", "throw new Error(data.secret);", "call-err");
        SpanData failed = span("forge.invoke acme/fail.js");
        EventData exception = failed.getEvents().stream().filter(e -> e.getName().equals("exception")).findFirst()
                .orElseThrow(() -> new AssertionError("no exception event: " + failed));
        assertTrue(exception.getAttributes().toString().contains(SECRET), exception::toString);
    }
}
