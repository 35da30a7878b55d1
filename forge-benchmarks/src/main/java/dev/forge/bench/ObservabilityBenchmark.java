package dev.forge.bench;

import dev.forge.EngineOptions;
import dev.forge.Forge;
import dev.forge.InvocationListener;
import dev.forge.InvocationListener.InvocationEvent;
import dev.forge.Isolation;
import dev.forge.Outcome;
import dev.forge.Script;
import dev.forge.ScriptKind;
import dev.forge.micrometer.ForgeMetrics;
import dev.forge.opentelemetry.ForgeTracing;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

import java.util.concurrent.TimeUnit;

/**
 * What metrics and tracing cost a warm routing call (in-process V8, the fastest path, where a listener's share is
 * largest): {@code plain} has no listener, {@code metrics} has ForgeMetrics on a SimpleMeterRegistry (tenant tag
 * on), {@code metricsAndTracing} adds ForgeTracing on the OpenTelemetry SDK (every span sampled, none exported).
 * {@code metricsListener} and {@code tracingListener} time one listener call alone, without V8.
 */
@State(Scope.Benchmark)
@BenchmarkMode({Mode.AverageTime, Mode.SampleTime})
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class ObservabilityBenchmark {

    private Forge plain;
    private Forge metered;
    private Forge traced;
    private ForgeMetrics metrics;
    private ForgeMetrics tracedMetrics;
    private ForgeTracing tracing;
    private OpenTelemetrySdk otel;
    private InvocationEvent event;

    @Setup(Level.Trial)
    public void setUp() {
        metrics = ForgeMetrics.builder(new SimpleMeterRegistry()).build();
        tracedMetrics = ForgeMetrics.builder(new SimpleMeterRegistry()).build();
        otel = OpenTelemetrySdk.builder().setTracerProvider(SdkTracerProvider.builder().build()).build();
        tracing = ForgeTracing.builder(otel).build();
        plain = forge(InvocationListener.NONE);
        metered = forge(metrics);
        traced = forge(InvocationListener.all(tracedMetrics, tracing));
        metrics.bind(metered);
        Script script = plain.scripts().find("bench/route").orElseThrow();
        event = new InvocationEvent(script, "call-1", plain.invoke("bench/route", Routing.DATA), 3, 15, false);
        if (!event.outcome().isOk()) {
            throw new IllegalStateException("the routing call did not answer Ok: " + event.outcome());
        }
    }

    private static Forge forge(InvocationListener listener) {
        Forge forge = Forge.builder().listener(listener)
                .engineOptions(EngineOptions.builder().isolation(Isolation.IN_PROCESS).build()).build();
        forge.load(Script.of("bench", "route", ScriptKind.SCRIPT, Routing.SCRIPT));
        return forge;
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        plain.close();
        metered.close();
        traced.close();
        metrics.close();
        tracedMetrics.close();
        otel.close();
    }

    @Benchmark
    public Outcome plain() {
        return plain.invoke("bench/route", Routing.DATA);
    }

    @Benchmark
    public Outcome metrics() {
        return metered.invoke("bench/route", Routing.DATA);
    }

    @Benchmark
    public Outcome metricsAndTracing() {
        return traced.invoke("bench/route", Routing.DATA);
    }

    @Benchmark
    @OutputTimeUnit(TimeUnit.NANOSECONDS)
    public void metricsListener() {
        metrics.onInvocation(event);
    }

    @Benchmark
    @OutputTimeUnit(TimeUnit.NANOSECONDS)
    public void tracingListener() {
        tracing.onInvocation(event);
    }
}
