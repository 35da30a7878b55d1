package dev.forge.cli;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.forge.Isolation;
import dev.forge.internal.Json;
import org.HdrHistogram.Histogram;

import java.util.List;
import java.util.Locale;

/**
 * What {@code forge bench} measured, printable as text or as one JSON object.
 *
 * <p>Thread-safety: immutable once made (no one records into {@code histogram} after {@link #of}).
 *
 * @param engine      where V8 ran and how it was confined
 * @param threads     caller threads
 * @param seconds     measured wall time (warmup excluded)
 * @param invocations invocations completed in the measured time
 * @param latency     latency percentiles in µs
 * @param outcomes    outcome counts
 * @param histogram   every measured latency in µs, for {@code --hdr}
 */
record BenchResult(IsolationFlag.Choice engine, int threads, double seconds, long invocations, LatencySummary latency,
                   OutcomeCounts outcomes, Histogram histogram) {

    /** Adds up the threads' histograms and outcome counts; call once the threads are joined. */
    static BenchResult of(IsolationFlag.Choice engine, int threads, long measuredNanos, List<Histogram> latencies,
                          List<OutcomeCounts> counts) {
        Histogram all = LatencySummary.histogram();
        latencies.forEach(all::add);
        LatencySummary summary = LatencySummary.of(all);
        return new BenchResult(engine, threads, measuredNanos / 1e9, summary.count(), summary, OutcomeCounts.sum(counts),
                all);
    }

    double throughput() {
        return seconds <= 0 ? 0 : invocations / seconds;
    }

    String toJson() {
        return Json.write(node());
    }

    private ObjectNode node() {
        ObjectNode node = Json.object();
        node.put("threads", threads);
        node.put("seconds", Math.round(seconds * 1000) / 1000.0);
        node.put("invocations", invocations);
        node.put("throughput", Math.round(throughput() * 10) / 10.0);
        node.put("p50", latency.p50());
        node.put("p90", latency.p90());
        node.put("p99", latency.p99());
        node.put("p999", latency.p999());
        node.put("max", latency.max());
        node.set("outcomes", outcomes.toJson());
        node.put("isolation", engine.isolation().id());
        if (engine.isolation() == Isolation.PROCESS) {
            node.put("confinement", engine.confinement().id());
        }
        return node;
    }

    /** Several engines side by side: {@code {"runs":[...], "ratio":{"p50":..,"p90":..,"p99":..}}}, first over second. */
    static String comparisonJson(List<BenchResult> results) {
        ObjectNode node = Json.object();
        results.forEach(r -> node.withArray("runs").add(r.node()));
        ObjectNode ratio = node.putObject("ratio");
        BenchResult a = results.get(0);
        BenchResult b = results.get(1);
        ratio.put("p50", ratio(a.latency.p50(), b.latency.p50()));
        ratio.put("p90", ratio(a.latency.p90(), b.latency.p90()));
        ratio.put("p99", ratio(a.latency.p99(), b.latency.p99()));
        ratio.put("throughput", ratio(a.throughput(), b.throughput()));
        return Json.write(node);
    }

    static String comparisonText(String scriptName, List<BenchResult> results) {
        StringBuilder sb = new StringBuilder();
        for (BenchResult r : results) {
            sb.append(r.toText(scriptName + " (" + r.engine.label() + ")")).append('\n');
        }
        BenchResult a = results.get(0);
        BenchResult b = results.get(1);
        sb.append(String.format(Locale.ROOT, "  %s / %s: p50 %.2f, p90 %.2f, p99 %.2f, throughput %.2f", a.engine.label(),
                b.engine.label(), ratio(a.latency.p50(), b.latency.p50()), ratio(a.latency.p90(), b.latency.p90()),
                ratio(a.latency.p99(), b.latency.p99()), ratio(a.throughput(), b.throughput())));
        return sb.toString();
    }

    private static double ratio(double a, double b) {
        return b == 0 ? 0 : Math.round(a / b * 100) / 100.0;
    }

    String toText(String scriptName) {
        return String.format(Locale.ROOT, """
                forge bench %s: %d threads, %.1f s measured
                  invocations  %d  (%.1f/s)
                  latency µs   p50 %d  p90 %d  p99 %d  p99.9 %d  max %d
                  outcomes     %s""",
                scriptName, threads, seconds, invocations, throughput(), latency.p50(), latency.p90(),
                latency.p99(), latency.p999(), latency.max(), outcomes.toText());
    }
}
