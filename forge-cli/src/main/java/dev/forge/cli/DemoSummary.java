package dev.forge.cli;

import dev.forge.Outcome;
import dev.forge.spi.EngineStats;
import org.HdrHistogram.Histogram;

import java.io.PrintStream;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * The end of {@code forge demo}: latency per script and per outcome, the engine's isolate counters, and a
 * one-line verdict on containment.
 *
 * <p>Thread-safety: stateless; call after the callers are joined.
 */
final class DemoSummary {

    private DemoSummary() {
    }

    /** {@code ok}, {@code rejected}, {@code timeout}, or {@code error/<kind>}. */
    static String outcomeKey(Outcome outcome) {
        return outcome instanceof Outcome.Failed f ? "error/" + f.error().kind().id() : outcome.name();
    }

    static void print(PrintStream out, List<DemoCommand.Result> results, EngineStats stats) {
        Map<String, Histogram> byScript = new LinkedHashMap<>();
        DemoScript.ALL.forEach(s -> byScript.put(s.name(), LatencySummary.histogram()));
        Map<String, Histogram> byOutcome = new TreeMap<>();
        int hostile = 0;
        int hostileContained = 0;
        int others = 0;
        int othersAnswered = 0;
        for (DemoCommand.Result r : results) {
            long micros = r.outcome().micros();
            byScript.get(r.call().script().name()).recordValue(micros);
            byOutcome.computeIfAbsent(outcomeKey(r.outcome()), k -> LatencySummary.histogram()).recordValue(micros);
            if (r.call().script().hostile()) {
                hostile++;
                hostileContained += r.outcome() instanceof Outcome.TimedOut || r.outcome() instanceof Outcome.Failed ? 1 : 0;
            } else {
                others++;
                othersAnswered += r.outcome() instanceof Outcome.Ok || r.outcome() instanceof Outcome.Rejected ? 1 : 0;
            }
        }
        out.println();
        table(out, "per script", byScript);
        out.println();
        table(out, "per outcome", byOutcome);
        out.println();
        out.printf(Locale.ROOT, "isolates: %d live, %d built, %d rebuilt after a limit, %d evicted%n",
                stats.liveIsolates(), stats.isolatesBuilt(), stats.isolatesRebuilt(), stats.isolatesEvicted());
        out.printf(Locale.ROOT, "isolation: %s, %d isolate processes alive, %d replaced after a crash, %d tenants "
                + "quarantined%n", stats.isolation(), stats.processes(), stats.processCrashes(), stats.quarantines());
        out.printf(Locale.ROOT, "confinement: %s%n", stats.confinement());
        out.printf(Locale.ROOT, "containment: %d of %d hostile calls stopped at their limit; %d of %d other calls "
                + "answered by their script%n", hostileContained, hostile, othersAnswered, others);
    }

    private static void table(PrintStream out, String title, Map<String, Histogram> groups) {
        out.printf(Locale.ROOT, "%-18s %6s %9s %9s %9s%n", title, "calls", "p50 µs", "p99 µs", "max µs");
        groups.forEach((name, histogram) -> {
            LatencySummary s = LatencySummary.of(histogram);
            out.printf(Locale.ROOT, "%-18s %6d %9d %9d %9d%n", name, s.count(), s.p50(), s.p99(), s.max());
        });
    }
}
