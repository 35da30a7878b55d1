package dev.forge.cli;

import dev.forge.EngineOptions;
import dev.forge.Forge;
import dev.forge.Invocation;
import dev.forge.InvocationListener;
import dev.forge.Limits;
import dev.forge.Outcome;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * {@code forge demo}: routes a seeded stream of Class 4 calls through the shipped routing scripts, one of
 * them hostile, on caller threads through the public API, and prints one line per decision and a latency
 * summary. It shows containment: the hostile script's calls end at their deadline or memory limit while
 * every other call keeps being answered.
 *
 * <p>Thread-safety: one use per instance; its caller threads end before {@link #run} returns.
 */
final class DemoCommand {

    static final String USAGE = """
            forge demo [--calls 300] [--seed 42] [--threads 2] [--isolation process|in-process]
                       [--confinement best-effort|required|none]
              Routes a repeatable stream of calls through DNC, time-of-day, least-cost, header-rewrite and
              random-CLI scripts plus one hostile script; prints each decision and a latency summary.""";

    /** One finished call. */
    record Result(DemoCalls.Call call, Outcome outcome) {
    }

    private DemoCommand() {
    }

    static int run(List<String> tokens, PrintStream out) throws InterruptedException {
        Args args = Args.parse("demo", tokens, Set.of("--calls", "--seed", "--threads", IsolationFlag.NAME, IsolationFlag.CONFINEMENT), Set.of());
        args.noPositionals();
        int count = args.positiveInt("--calls", 300);
        int seed = args.positiveInt("--seed", 42);
        int threads = args.positiveInt("--threads", 2);
        List<DemoCalls.Call> calls = new DemoCalls(seed).next(count);

        EngineOptions engine = IsolationFlag.parse(args).applyTo(EngineOptions.builder()
                        .threads(Math.max(threads, EngineOptions.DEFAULT_THREADS))
                        .concurrencyPerScript(threads))
                .build();
        // The listener hears of each outcome before invoke returns, so a call's line can say it built an isolate.
        Set<String> coldStarts = ConcurrentHashMap.newKeySet();
        InvocationListener listener = event -> {
            if (event.coldStart() && event.callId() != null) {
                coldStarts.add(event.callId());
            }
        };
        try (Forge forge = Forge.builder().limits(Limits.DEFAULT).engineOptions(engine).listener(listener).build()) {
            DemoScript.ALL.forEach(s -> forge.load(s.toScript()));
            out.printf(Locale.ROOT, "forge demo: %d calls, seed %d, %d caller threads, engine %s%n", count, seed,
                    threads, forge.engineName());
            out.printf(Locale.ROOT, "%5s  %-18s %-14s %9s  %s%n", "call", "script", "outcome", "µs", "decision");
            Result[] results = route(forge, calls, threads, coldStarts, out);
            DemoSummary.print(out, List.of(results), forge.stats());
        }
        out.flush();
        return ExitCode.OK;
    }

    private static Result[] route(Forge forge, List<DemoCalls.Call> calls, int threads, Set<String> coldStarts,
                                  PrintStream out)
            throws InterruptedException {
        Result[] results = new Result[calls.size()];
        AtomicInteger next = new AtomicInteger();
        Runnable caller = () -> {
            for (int i = next.getAndIncrement(); i < calls.size(); i = next.getAndIncrement()) {
                DemoCalls.Call call = calls.get(i);
                Invocation invocation = invocation(call);
                Outcome outcome = forge.invoke(invocation);
                results[i] = new Result(call, outcome);
                String line = String.format(Locale.ROOT, "%5d  %-18s %-14s %9d  %s%s", call.number(),
                        call.script().name(), DemoSummary.outcomeKey(outcome), outcome.micros(),
                        DemoDecision.describe(call.data(), outcome),
                        coldStarts.contains(invocation.callId()) ? "  [cold start]" : "");
                synchronized (out) {
                    out.println(line);
                }
            }
        };
        List<Thread> started = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            Thread thread = new Thread(caller, "forge-demo-caller-" + t);
            thread.setDaemon(true);
            started.add(thread);
            thread.start();
        }
        for (Thread thread : started) {
            thread.join(); // join publishes every results[i] the thread wrote
        }
        return results;
    }

    private static Invocation invocation(DemoCalls.Call call) {
        return Invocation.builder(call.script().id())
                .data(call.data())
                .timeout(call.script().timeout())
                .timeoutAction(call.script().timeoutAction())
                .callId("demo-" + call.number())
                .build();
    }
}
