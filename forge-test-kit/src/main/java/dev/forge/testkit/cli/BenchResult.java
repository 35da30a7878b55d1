package dev.forge.testkit.cli;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.forge.internal.Json;
import dev.forge.testkit.internal.LatencyRecorder;
import dev.forge.testkit.internal.LatencySummary;

import java.util.List;
import java.util.Locale;

/**
 * What {@code forge bench} measured, printable as text or as one JSON object.
 *
 * <p>Thread-safety: immutable once made.
 *
 * @param threads     caller threads
 * @param seconds     measured wall time (warmup excluded)
 * @param invocations invocations completed in the measured time
 * @param latency     latency percentiles in µs
 * @param outcomes    outcome counts
 */
record BenchResult(int threads, double seconds, long invocations, LatencySummary latency, OutcomeCounts outcomes) {

    static BenchResult of(int threads, long measuredNanos, List<LatencyRecorder> latencies, List<OutcomeCounts> counts) {
        long[] sorted = LatencyRecorder.merge(latencies);
        return new BenchResult(threads, measuredNanos / 1e9, sorted.length, LatencySummary.ofSorted(sorted),
                OutcomeCounts.sum(counts));
    }

    double throughput() {
        return seconds <= 0 ? 0 : invocations / seconds;
    }

    String toJson() {
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
        return Json.write(node);
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
