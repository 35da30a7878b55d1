package dev.forge.bench;

import dev.forge.Confinement;
import dev.forge.EngineOptions;
import dev.forge.Forge;
import dev.forge.InMemoryScriptStore;
import dev.forge.Invocation;
import dev.forge.Isolation;
import dev.forge.Outcome;
import dev.forge.Script;
import dev.forge.ScriptKind;
import dev.forge.cli.LatencySummary;

import java.io.File;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * What isolate processes cost outside the hot path, each isolation side by side:
 * <ul>
 *   <li>{@code first}: a fresh JVM builds Forge, loads the routing script and makes its first call; each
 *       of N fresh JVMs per isolation prints how long each step took, and the first call against the warm
 *       calls that follow it;</li>
 *   <li>{@code cold}: in a warm engine, a new script's {@code load} (its first isolate and code cache) and its
 *       first call, and a script put straight into the store, whose first call builds the isolate;</li>
 *   <li>{@code replace}: a script crashes its isolate process (a fatal V8 size error); how long until that
 *       call is answered, how long the next call on the process that replaced it takes (the spare has taken its
 *       place), and how long until the engine has a spare ready again; per tenant and shared;</li>
 *   <li>{@code launch}: a new tenant's {@code load} with no spare kept, so it starts an isolate process,
 *       confined with every layer and unconfined, side by side;</li>
 *   <li>{@code deadline}: how late past a 100 ms deadline a call is answered, for an endless loop (V8 takes
 *       the interrupt) and for {@code indexOf} on a sparse array (it does not: the process is killed after the
 *       kill grace), to the caller of {@code invoke} (whose thread runs the turn) and to an asynchronous caller.</li>
 * </ul>
 *
 * <pre>java -cp forge-benchmarks/target/benchmarks.jar dev.forge.bench.IsolationTimings first|cold|replace|deadline|launch</pre>
 */
public final class IsolationTimings {

    private IsolationTimings() {
    }

    public static void main(String[] args) throws Exception {
        String mode = args.length > 0 ? args[0] : "first";
        switch (mode) {
            case "first" -> first(args.length > 1 ? Integer.parseInt(args[1]) : 10);
            case "first-child" -> firstChild(Isolation.parse(args[1]));
            case "cold" -> cold(args.length > 1 ? Integer.parseInt(args[1]) : 200);
            case "replace" -> replace(args.length > 1 ? Integer.parseInt(args[1]) : 20);
            case "deadline" -> deadline(args.length > 1 ? Integer.parseInt(args[1]) : 30);
            case "launch" -> launch(args.length > 1 ? Integer.parseInt(args[1]) : 30);
            default -> throw new IllegalArgumentException("mode: first, cold, replace, deadline or launch, got " + mode);
        }
    }

    // ---- first call of a fresh process ------------------------------------------------------------------

    private static void first(int runs) throws Exception {
        String java = System.getProperty("java.home") + File.separator + "bin" + File.separator + "java";
        String cp = System.getProperty("java.class.path");
        for (Isolation isolation : Isolation.values()) {
            List<String> lines = new ArrayList<>();
            for (int i = 0; i < runs; i++) {
                Process p = new ProcessBuilder(java, "-cp", cp, IsolationTimings.class.getName(), "first-child",
                        isolation.id()).redirectErrorStream(false).start();
                String out = new String(p.getInputStream().readAllBytes()).strip();
                p.waitFor();
                lines.add(out);
            }
            System.out.println("== " + isolation.id() + ": JVM start to Forge built, load, first call, warm p50 (ms)");
            lines.forEach(System.out::println);
            double[][] cols = new double[5][runs];
            for (int i = 0; i < runs; i++) {
                String[] f = lines.get(i).split("\\s+");
                for (int c = 0; c < 5; c++) {
                    cols[c][i] = Double.parseDouble(f[c]);
                }
            }
            System.out.printf("median: built %.1f ms after JVM start (build itself %.1f), load %.2f ms, first call %.3f ms,"
                    + " warm p50 %.3f ms%n", median(cols[0]), median(cols[1]), median(cols[2]), median(cols[3]), median(cols[4]));
        }
    }

    /** In a fresh JVM: prints ms since JVM start to built, build, load, first call, warm p50. */
    private static void firstChild(Isolation isolation) {
        Instant jvmStart = ProcessHandle.current().info().startInstant().orElseThrow();
        long t0 = System.nanoTime();
        try (Forge forge = Forge.builder().engineOptions(EngineOptions.builder().isolation(isolation).build()).build()) {
            long built = System.nanoTime();
            double sinceStart = Duration.between(jvmStart, Instant.now()).toNanos() / 1e6;
            forge.load(Script.of("first", "route.js", ScriptKind.SCRIPT, Routing.SCRIPT));
            long loaded = System.nanoTime();
            Outcome o = forge.invoke("first/route.js", Routing.DATA);
            long first = System.nanoTime();
            if (!o.isOk()) {
                throw new IllegalStateException(o.toJson());
            }
            long[] warm = new long[1000];
            for (int i = 0; i < warm.length; i++) {
                long a = System.nanoTime();
                forge.invoke("first/route.js", Routing.DATA);
                warm[i] = System.nanoTime() - a;
            }
            Arrays.sort(warm);
            System.out.printf("%.1f %.1f %.3f %.3f %.3f%n", sinceStart, (built - t0) / 1e6, (loaded - built) / 1e6,
                    (first - loaded) / 1e6, warm[warm.length / 2] / 1e6);
        }
    }

    // ---- a new script in a warm engine -----------------------------------------------------------------

    private static void cold(int scripts) {
        for (Isolation isolation : Isolation.values()) {
            InMemoryScriptStore store = new InMemoryScriptStore();
            try (Forge forge = Forge.builder().scriptStore(store).engineOptions(EngineOptions.builder().isolation(isolation)
                    .maxIsolates(64).build()).build()) {
                forge.load(Script.of("warm", "route.js", ScriptKind.SCRIPT, Routing.SCRIPT));
                for (int i = 0; i < 200; i++) {
                    forge.invoke("warm/route.js", Routing.DATA);
                }
                long[] load = new long[scripts];
                long[] firstAfterLoad = new long[scripts];
                long[] coldCall = new long[scripts];
                for (int i = 0; i < scripts; i++) {
                    String source = "// " + isolation + " " + i + "\n" + Routing.SCRIPT;
                    long a = System.nanoTime();
                    Script s = forge.load(Script.of("cold" + i % 8, "l" + i + ".js", ScriptKind.SCRIPT, source));
                    long b = System.nanoTime();
                    forge.invoke(s.id(), Routing.DATA);
                    long c = System.nanoTime();
                    load[i] = (b - a) / 1000;
                    firstAfterLoad[i] = (c - b) / 1000;
                    Script put = Script.of("cold" + i % 8, "p" + i + ".js", ScriptKind.SCRIPT, source + "\n// put");
                    store.put(put); // straight into the store: its first call builds the isolate
                    long d = System.nanoTime();
                    forge.invoke(put.id(), Routing.DATA);
                    coldCall[i] = (System.nanoTime() - d) / 1000;
                }
                System.out.printf("%s, %d new scripts (µs): load %s%n  first call after load %s%n  first call of a script"
                                + " put straight into the store %s%n", isolation.id(), scripts, summary(load),
                        summary(firstAfterLoad), summary(coldCall));
            }
        }
    }

    // ---- replacing a crashed process -------------------------------------------------------------------

    /**
     * Per tenant (the default): a tenant's script crashes its process; how long until that call is answered,
     * how long the same tenant's next call takes (on the spare that took over, isolate built), and how long
     * until a spare is ready again. Shared: the same with another tenant's call on the process that replaced
     * the crashed one.
     */
    private static void replace(int crashes) {
        for (boolean shared : new boolean[] {false, true}) {
            EngineOptions.Builder options = EngineOptions.builder().spares(1);
            if (shared) {
                options.shareProcesses(true).processes(1);
            } else {
                options.processes(2);
            }
            try (Forge forge = Forge.builder().engineOptions(options.build()).build()) {
                Script bystander = forge.load(Script.of("bystander", "route.js", ScriptKind.SCRIPT, Routing.SCRIPT));
                long[] crashAnswered = new long[crashes];
                long[] nextCall = new long[crashes];
                long[] spareBack = new long[crashes];
                for (int i = 0; i < crashes; i++) {
                    String tenant = "crasher" + i;
                    Script benign = forge.load(Script.of(tenant, "route.js", ScriptKind.SCRIPT, Routing.SCRIPT));
                    Script bomb = forge.load(Script.of(tenant, "split.js", ScriptKind.SCRIPT,
                            "function main(d) { 'a'.repeat(2 ** 28).split(''); return d; }"));
                    Script next = shared ? bystander : benign;
                    forge.invoke(next.id(), Routing.DATA);
                    awaitSpare(forge);
                    long a = System.nanoTime();
                    Outcome o = forge.invoke(Invocation.builder(bomb.id()).data("{}").timeout(Duration.ofSeconds(10)).build());
                    long b = System.nanoTime();
                    Outcome after = forge.invoke(next.id(), Routing.DATA);
                    long c = System.nanoTime();
                    awaitSpare(forge);
                    long d = System.nanoTime();
                    if (!after.isOk() || o.isOk()) {
                        throw new IllegalStateException("crash " + o.toJson() + ", next " + after.toJson());
                    }
                    crashAnswered[i] = (b - a) / 1000;
                    nextCall[i] = (c - b) / 1000;
                    spareBack[i] = (d - b) / 1000;
                }
                System.out.printf("%s, %d crashes (µs):%n  the crashing call answered after %s%n"
                                + "  the next call of %s (on the spare that took over, isolate built) %s%n"
                                + "  until the engine had a spare ready again %s%n  %s%n",
                        shared ? "one shared isolate process" : "a process per tenant", crashes, summary(crashAnswered),
                        shared ? "another tenant" : "the same tenant", summary(nextCall), summary(spareBack),
                        forge.stats());
            }
        }
    }

    // ---- launching a confined isolate process ------------------------------------------------------------

    /**
     * How long a new tenant's {@code load} takes when no spare is kept, so that it starts an isolate process and
     * waits for it: confined (every layer) and unconfined side by side, alternating, in one JVM.
     */
    private static void launch(int tenants) {
        Confinement[] kinds = {Confinement.REQUIRED, Confinement.NONE};
        Forge[] forges = new Forge[kinds.length];
        long[][] loads = new long[kinds.length][tenants];
        try {
            for (int k = 0; k < kinds.length; k++) {
                forges[k] = Forge.builder().engineOptions(EngineOptions.builder().spares(0).processes(1)
                        .confinement(kinds[k]).build()).build();
            }
            for (int i = 0; i < tenants; i++) {
                for (int j = 0; j < kinds.length; j++) {
                    int k = i % 2 == 0 ? j : kinds.length - 1 - j;
                    long a = System.nanoTime();
                    Script s = forges[k].load(Script.of("launch" + i, "route.js", ScriptKind.SCRIPT, Routing.SCRIPT));
                    loads[k][i] = (System.nanoTime() - a) / 1000;
                    if (!forges[k].invoke(s.id(), Routing.DATA).isOk()) {
                        throw new IllegalStateException("the call after the launch failed");
                    }
                }
            }
            for (int k = 0; k < kinds.length; k++) {
                System.out.printf("confinement %s, %d new tenants, each starting an isolate process (µs): load %s%n  %s%n",
                        kinds[k].id(), tenants, summary(loads[k]), forges[k].stats().confinement());
            }
            System.out.printf("confined / unconfined p50: %.2f%n", (double) median(loads[0]) / median(loads[1]));
        } finally {
            for (Forge f : forges) {
                if (f != null) {
                    f.close();
                }
            }
        }
    }

    // ---- how late a deadline is answered -----------------------------------------------------------------

    private static void deadline(int calls) throws Exception {
        Duration deadline = Duration.ofMillis(100);
        for (Isolation isolation : Isolation.values()) {
            try (Forge forge = Forge.builder().engineOptions(EngineOptions.builder().isolation(isolation).build()).build()) {
                String[][] scripts = {{"loop", "function main(d) { for (;;) {} }"},
                        {"sparse-index-of", "function main(d) { const a = []; a[2 ** 32 - 2] = 1; return a.indexOf(5); }"}};
                for (String[] s : scripts) {
                    if (isolation == Isolation.IN_PROCESS && s[0].startsWith("sparse")) {
                        continue; // each would leave a thread in V8 for minutes
                    }
                    long[] sync = new long[calls];
                    long[] async = new long[calls];
                    for (int i = 0; i < calls; i++) {
                        awaitSpare(forge, isolation);
                        // a loop leaves its process warm for the next call; a killed process's tenant would be
                        // quarantined if it crashed again, so each of those calls is a new tenant's (a cold process)
                        String n = s[0].startsWith("sparse") ? Integer.toString(i) : "";
                        Script forSync = forge.load(Script.of("late-sync" + n, s[0] + i + ".js", ScriptKind.SCRIPT, s[1]));
                        Script forAsync = forge.load(Script.of("late-async" + n, s[0] + i + ".js", ScriptKind.SCRIPT, s[1]));
                        long a = System.nanoTime();
                        Outcome o = forge.invoke(Invocation.builder(forSync.id()).data("{}").timeout(deadline).build());
                        sync[i] = (System.nanoTime() - a) / 1000 - deadline.toNanos() / 1000;
                        if (!(o instanceof Outcome.TimedOut)) {
                            throw new IllegalStateException(o.toJson());
                        }
                        awaitSpare(forge, isolation);
                        long b = System.nanoTime();
                        Outcome later = forge.invokeAsync(Invocation.builder(forAsync.id()).data("{}").timeout(deadline)
                                .build()).get();
                        async[i] = (System.nanoTime() - b) / 1000 - deadline.toNanos() / 1000;
                        if (!(later instanceof Outcome.TimedOut)) {
                            throw new IllegalStateException(later.toJson());
                        }
                    }
                    System.out.printf("%s, %s, %d calls, past a %d ms deadline (µs): invoke %s; invokeAsync %s%n",
                            isolation.id(), s[0], calls, deadline.toMillis(), summary(sync), summary(async));
                }
                System.out.println("  " + forge.stats());
            }
        }
    }

    private static void awaitSpare(Forge forge, Isolation isolation) {
        if (isolation == Isolation.PROCESS) {
            awaitSpare(forge);
        }
    }

    /** Waits (a minute at most) until the engine has a spare isolate process ready. */
    private static void awaitSpare(Forge forge) {
        long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (forge.stats().spares() < 1 && System.nanoTime() - until < 0) {
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(1));
        }
    }

    private static long median(long[] values) {
        long[] sorted = values.clone();
        Arrays.sort(sorted);
        return sorted[sorted.length / 2];
    }

    private static String summary(long[] micros) {
        long[] sorted = micros.clone();
        Arrays.sort(sorted);
        LatencySummary s = LatencySummary.ofSorted(sorted);
        return "p50 " + s.p50() + ", p90 " + s.p90() + ", max " + s.max();
    }

    private static double median(double[] values) {
        double[] sorted = values.clone();
        Arrays.sort(sorted);
        return sorted[sorted.length / 2];
    }
}
