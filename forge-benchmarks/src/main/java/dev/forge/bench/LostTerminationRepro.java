package dev.forge.bench;

import com.caoccao.javet.exceptions.JavetTerminatedException;
import com.caoccao.javet.interop.V8Host;
import com.caoccao.javet.interop.V8Runtime;
import dev.forge.EngineOptions;
import dev.forge.Forge;
import dev.forge.Isolation;
import dev.forge.Invocation;
import dev.forge.Script;
import dev.forge.ScriptKind;

import java.time.Duration;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Not a benchmark: the evidence for the deadline hang found while writing {@link DeadlineBenchmark}.
 *
 * <p>Part 1, raw Javet: {@code V8Runtime.terminateExecution()} called while the isolate runs no JavaScript
 * is dropped; the next execution runs to completion (here: forever, until a rescue terminate 200 ms later).
 * Part 2, Forge: {@code while(true){}} scripts, each new (so each call builds its isolate), with timeouts of
 * 1 to 8 ms so that the deadline often passes between {@code Isolate.begin} and V8 entering the script;
 * an {@code invoke} that has not returned after 3 s is a hang (its thread keeps spinning; the JVM exits).
 *
 * <p>Run: {@code java -cp forge-benchmarks/target/benchmarks.jar dev.forge.bench.LostTerminationRepro}
 */
public final class LostTerminationRepro {

    private LostTerminationRepro() {
    }

    public static void main(String[] args) throws Exception {
        try (Forge forge = Forge.builder()
                .engineOptions(EngineOptions.builder().isolation(Isolation.IN_PROCESS).build()).build()) {
            forge.load(Script.of("repro", "warm", ScriptKind.SCRIPT, "function main(d){ return d; }"));
            forge.invoke("repro/warm", "{}"); // V8 initialised: later builds take milliseconds, not hundreds
            rawJavet();
            forgeCalls(forge, args.length > 0 ? Integer.parseInt(args[0]) : 400);
        }
        System.exit(0);
    }

    private static void rawJavet() throws Exception {
        ExecutorService other = Executors.newSingleThreadExecutor(daemon());
        ScheduledExecutorService rescuer = Executors.newSingleThreadScheduledExecutor(daemon());
        int lost = 0;
        int trials = 20;
        try (V8Runtime rt = V8Host.getV8Instance().createV8Runtime()) {
            rt.getExecutor("function spin(){ while(true){} }").executeVoid();
            for (int i = 0; i < trials; i++) {
                other.submit((Runnable) rt::terminateExecution).get();
                Future<?> rescue = rescuer.schedule((Runnable) rt::terminateExecution, 200, TimeUnit.MILLISECONDS);
                long start = System.nanoTime();
                try {
                    rt.getExecutor("spin()").executeVoid();
                } catch (JavetTerminatedException expected) {
                    // by the first terminate (honoured) or by the rescue (the first was lost)
                }
                if (System.nanoTime() - start >= TimeUnit.MILLISECONDS.toNanos(150)) {
                    lost++;
                }
                rescue.cancel(false);
                rt.cancelTerminateExecution();
                rt.getExecutor("0").executeVoid();
            }
        }
        System.out.printf("raw Javet: terminateExecution() before JS entry was lost in %d of %d trials%n", lost, trials);
    }

    private static void forgeCalls(Forge forge, int calls) throws Exception {
        ExecutorService caller = Executors.newSingleThreadExecutor(daemon());
        for (int i = 0; i < calls; i++) {
            String id = "repro/spin" + i;
            forge.load(Script.of(id, "repro", "spin" + i, ScriptKind.SCRIPT, "// " + i + "\nfunction main(){ while(true){} }"));
            Invocation inv = Invocation.builder(id).timeout(Duration.ofMillis(1 + i % 8)).build();
            Future<?> f = caller.submit(() -> forge.invoke(inv));
            try {
                f.get(3, TimeUnit.SECONDS);
            } catch (TimeoutException e) {
                System.out.printf("forge: HANG on call %d of %d (timeout %d ms): invoke has not returned after 3 s; stats %s%n",
                        i + 1, calls, 1 + i % 8, forge.stats());
                System.exit(2);
            }
        }
        System.out.printf("forge: no hang in %d calls%n", calls);
    }

    private static java.util.concurrent.ThreadFactory daemon() {
        return r -> {
            Thread t = new Thread(r);
            t.setDaemon(true);
            return t;
        };
    }
}
