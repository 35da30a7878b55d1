package dev.forge.opentelemetry;

import dev.forge.EngineOptions;
import dev.forge.Forge;
import dev.forge.InvocationListener;
import dev.forge.Invocation;
import dev.forge.Isolation;
import dev.forge.Script;
import dev.forge.ScriptKind;
import dev.forge.micrometer.ForgeMetrics;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.context.Context;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.opentelemetry.sdk.trace.ReadWriteSpan;
import io.opentelemetry.sdk.trace.ReadableSpan;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.SpanProcessor;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.SimpleSpanProcessor;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Keeps the tracing half of site/metrics.md honest: each of its Java examples is in this file, compiled and run. */
class TracingDocsTest {

    private final InMemorySpanExporter exporter = InMemorySpanExporter.create();
    /** Each span as it ends, after the exporter has it. */
    private final BlockingQueue<SpanData> ended = new LinkedBlockingQueue<>();
    private OpenTelemetrySdk openTelemetry;

    @BeforeEach
    void start() {
        SpanProcessor signal = new SpanProcessor() {
            @Override
            public void onStart(Context parentContext, ReadWriteSpan span) {
            }

            @Override
            public boolean isStartRequired() {
                return false;
            }

            @Override
            public void onEnd(ReadableSpan span) {
                ended.add(span.toSpanData());
            }

            @Override
            public boolean isEndRequired() {
                return true;
            }
        };
        openTelemetry = OpenTelemetrySdk.builder()
                .setTracerProvider(SdkTracerProvider.builder()
                        .addSpanProcessor(SpanProcessor.composite(SimpleSpanProcessor.create(exporter), signal)).build())
                .build();
    }

    private SpanData nextEnded() throws InterruptedException {
        SpanData span = ended.poll(30, TimeUnit.SECONDS);
        assertNotNull(span, "no span ended within 30 s");
        return span;
    }

    @AfterEach
    void stop() {
        openTelemetry.close();
    }

    @Test
    void withMetrics() throws Exception {
        MeterRegistry registry = new SimpleMeterRegistry();
        ForgeMetrics metrics = ForgeMetrics.builder(registry).build();

        ForgeTracing tracing = ForgeTracing.builder(openTelemetry).build();
        Forge forge = Forge.builder().listener(InvocationListener.all(metrics, tracing)).build();

        try (forge; metrics) {
            forge.load(Script.of("acme", "route", ScriptKind.SCRIPT, "function main(data) { return data; }"));
            forge.invoke("acme/route", "{}");
            assertEquals("forge.invoke acme/route", nextEnded().getName());
            // ForgeMetrics, first in the list, recorded it before ForgeTracing made the span
            assertEquals(1, registry.get(ForgeMetrics.INVOCATIONS).counter().count());
        }
        assertEquals(List.of("forge.invoke acme/route"), exporter.getFinishedSpanItems().stream().map(SpanData::getName).toList());
    }

    @Test
    void parent() throws Exception {
        OpenTelemetry openTelemetry = this.openTelemetry;

        Map<String, Context> calls = new ConcurrentHashMap<>(); // the host's SIP call spans, by call id
        ForgeTracing tracing = ForgeTracing.builder(openTelemetry)
                .parent(event -> event.callId() == null ? null : calls.get(event.callId()))
                .build();

        Span call = openTelemetry.getTracer("pbx").spanBuilder("sip INVITE").startSpan();
        calls.put("call-1", Context.root().with(call));
        try (Forge forge = Forge.builder().listener(tracing)
                .engineOptions(EngineOptions.builder().isolation(Isolation.IN_PROCESS).build()).build()) {
            forge.load(Script.of("acme", "route", ScriptKind.SCRIPT, "function main(data) { return data; }"));
            forge.invoke(Invocation.builder("acme/route").callId("call-1").build());
            SpanData invoke = nextEnded();
            assertEquals("forge.invoke acme/route", invoke.getName());
            assertEquals(call.getSpanContext().getSpanId(), invoke.getParentSpanId());
        }
        call.end();
    }

    @Test
    void everyJavaExampleIsInThisFile() throws IOException {
        String source = normalise(Files.readString(Path.of("src", "test", "java", "dev", "forge", "opentelemetry",
                "TracingDocsTest.java")));
        Matcher m = Pattern.compile("```java\\n(.*?)```", Pattern.DOTALL).matcher(Files.readString(Path.of("..", "site",
                "metrics.md")));
        List<String> blocks = m.results().map(r -> r.group(1)).filter(b -> b.contains("ForgeTracing")).toList();
        assertEquals(2, blocks.size(), blocks::toString);
        for (String block : blocks) {
            assertTrue(source.contains(normalise(block)), () -> "site/metrics.md example not in this test:\n" + block);
        }
    }

    private static String normalise(String text) {
        return text.lines().map(String::strip).filter(l -> !l.isEmpty()).collect(Collectors.joining("\n"));
    }
}
