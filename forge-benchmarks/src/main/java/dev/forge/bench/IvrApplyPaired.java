package dev.forge.bench;

import dev.forge.cli.LatencySummary;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;

/**
 * {@link IvrApplyBenchmark}'s round trips in one JVM, in alternating blocks: on a shared, noisy machine the
 * JMH forks of different methods run minutes apart, so this pairs each client block with the raw block run
 * right after it and reports the median of the per-block p50 differences (what the client adds) beside each
 * method's median p50. Every other round runs the methods in reverse order.
 *
 * <p>Run: {@code java -cp forge-benchmarks/target/benchmarks.jar dev.forge.bench.IvrApplyPaired [rounds]
 * [round trips per block]} (defaults 12 and 20,000).
 */
public final class IvrApplyPaired {

    private IvrApplyPaired() {
    }

    public static void main(String[] args) throws Exception {
        int rounds = args.length > 0 ? Integer.parseInt(args[0]) : 12;
        int block = args.length > 1 ? Integer.parseInt(args[1]) : 20_000;
        IvrApplyBenchmark b = new IvrApplyBenchmark();
        b.setUp();
        Map<String, Callable<Object>> methods = new LinkedHashMap<>();
        methods.put("rawEcho", b::rawEcho);
        methods.put("rawApply", b::rawApply);
        methods.put("rawApplyQuiet", b::rawApplyQuiet);
        methods.put("clientApply", b::clientApply);
        methods.put("rawRequest", b::rawRequest);
        methods.put("rawRequestQuiet", b::rawRequestQuiet);
        methods.put("clientRequest", b::clientRequest);
        methods.put("clientRequestBlocking", b::clientRequestBlocking);
        Map<String, List<Double>> p50s = new LinkedHashMap<>();
        methods.keySet().forEach(m -> p50s.put(m, new ArrayList<>()));
        try {
            for (Callable<Object> m : methods.values()) { // warm-up: one block each
                p50(m, block);
            }
            List<Map.Entry<String, Callable<Object>>> order = new ArrayList<>(methods.entrySet());
            for (int r = 0; r < rounds; r++) {
                Collections.reverse(order); // every other round backwards, so that neither of a pair always goes first
                for (Map.Entry<String, Callable<Object>> m : order) {
                    p50s.get(m.getKey()).add(p50(m.getValue(), block));
                }
            }
        } finally {
            b.tearDown();
        }
        System.out.printf("%d rounds of %,d round trips per method, p50 per block, µs%n", rounds, block);
        p50s.forEach((m, v) -> System.out.printf("%-22s median %6.1f  (blocks: %s)%n", m, median(v), v));
        System.out.println("median of the paired per-block differences, µs:");
        for (String[] pair : new String[][] {{"clientApply", "rawApply"}, {"clientApply", "rawApplyQuiet"},
                {"clientRequest", "rawRequest"}, {"clientRequest", "rawRequestQuiet"},
                {"clientRequestBlocking", "rawRequest"}, {"clientRequestBlocking", "rawRequestQuiet"}}) {
            System.out.printf("  %-22s - %-16s %6.1f%n", pair[0], pair[1],
                    medianDifference(p50s.get(pair[0]), p50s.get(pair[1])));
        }
        System.exit(0);
    }

    private static double p50(Callable<Object> method, int n) throws Exception {
        long[] took = new long[n];
        for (int i = 0; i < n; i++) {
            long start = System.nanoTime();
            method.call();
            took[i] = System.nanoTime() - start;
        }
        Arrays.sort(took);
        return Math.round(LatencySummary.ofSorted(took).p50() / 100.0) / 10.0; // ns to µs, one decimal
    }

    private static double medianDifference(List<Double> a, List<Double> b) {
        List<Double> d = new ArrayList<>();
        for (int i = 0; i < a.size(); i++) {
            d.add(a.get(i) - b.get(i));
        }
        return median(d);
    }

    private static double median(List<Double> values) {
        double[] v = values.stream().mapToDouble(Double::doubleValue).sorted().toArray();
        return v.length % 2 == 1 ? v[v.length / 2] : (v[v.length / 2 - 1] + v[v.length / 2]) / 2;
    }
}
