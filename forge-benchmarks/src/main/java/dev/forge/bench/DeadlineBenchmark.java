package dev.forge.bench;

import com.caoccao.javet.exceptions.JavetException;
import com.caoccao.javet.exceptions.JavetTerminatedException;
import com.caoccao.javet.interop.V8Host;
import com.caoccao.javet.interop.V8Runtime;
import com.caoccao.javet.values.reference.V8ValueFunction;
import dev.forge.EngineOptions;
import dev.forge.Forge;
import dev.forge.Isolation;
import dev.forge.Invocation;
import dev.forge.Outcome;
import dev.forge.Script;
import dev.forge.ScriptKind;
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

import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * How late a runaway script is stopped: {@code while(true){}} under a 20 ms timeout. The operation is
 * the whole {@code invoke}, from the call to the {@link Outcome.TimedOut} in hand; the overshoot is that
 * time minus {@link #TIMEOUT_MS} (a constant shift, so its percentiles are the op's percentiles minus 20).
 *
 * <p>Setup first runs a trivial script so V8 is initialised (the very first isolate of a process takes
 * hundreds of milliseconds, which would put the deadline in the past before the script starts). That
 * mattered because of an engine bug ({@link LostTerminationRepro}, fixed on main by re-terminating every
 * millisecond): a deadline that passed between the isolate publishing it and V8 entering the script was
 * lost, and the call never returned. A call that has
 * not returned after {@link #HANG_SECONDS} s therefore ends the fork with exit code 3 and a message,
 * rather than leaving JMH waiting forever.
 *
 * <p>{@code rawJavet} is the floor: the same loop in a bare V8Runtime, terminated by a scheduled thread at
 * 20 ms and every millisecond after until it stops (as Forge's watchdog does).
 *
 * <p>Target: overshoot p99 &lt;= 5 ms.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.SampleTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class DeadlineBenchmark {

    static final long TIMEOUT_MS = 20;
    static final long HANG_SECONDS = 5;

    private volatile long opStart;
    private volatile boolean running = true;

    private Forge forge;
    private Invocation invocation;
    private V8Runtime runtime;
    private V8ValueFunction rawCall;
    private ScheduledExecutorService terminator;

    @Setup(Level.Trial)
    public void setUp() {
        forge = Forge.builder().engineOptions(EngineOptions.builder().isolation(Isolation.IN_PROCESS).build()).build();
        startHangGuard();
        forge.load(Script.of("bench", "warm", ScriptKind.SCRIPT, "function main(d){ return d; }"));
        if (!forge.invoke("bench/warm", "{}").isOk()) {
            throw new IllegalStateException("warm-up script failed");
        }
        forge.load(Script.of("bench", "spin", ScriptKind.SCRIPT, "function main(){ while(true){} }"));
        invocation = Invocation.builder("bench/spin").data("{}").timeout(Duration.ofMillis(TIMEOUT_MS)).build();
        for (int i = 0; i < 3; i++) {
            long start = System.nanoTime();
            Outcome outcome = spin();
            long ms = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
            if (!(outcome instanceof Outcome.TimedOut)) {
                throw new IllegalStateException("expected a TimedOut for while(true){}, got " + outcome);
            }
            if (ms < TIMEOUT_MS) {
                throw new IllegalStateException("TimedOut after " + ms + " ms, before the " + TIMEOUT_MS + " ms deadline");
            }
        }
    }

    private void startHangGuard() {
        Thread guard = new Thread(() -> {
            while (running) {
                long s = opStart;
                if (s != 0 && System.nanoTime() - s > TimeUnit.SECONDS.toNanos(HANG_SECONDS)) {
                    System.err.println("HANG: forge.invoke of while(true){} with a " + TIMEOUT_MS
                            + " ms timeout has not returned after " + HANG_SECONDS + " s; stats " + forge.stats()
                            + ". See LostTerminationRepro.");
                    Runtime.getRuntime().halt(3);
                }
                try {
                    Thread.sleep(100);
                } catch (InterruptedException e) {
                    return;
                }
            }
        }, "deadline-benchmark-hang-guard");
        guard.setDaemon(true);
        guard.start();
    }

    @Setup(Level.Trial)
    public void setUpRaw() throws JavetException {
        runtime = V8Host.getV8Instance().createV8Runtime();
        runtime.getExecutor("function main(){ while(true){} }").executeVoid();
        rawCall = runtime.getExecutor(RoutingCallBenchmark.WRAPPER).execute();
        terminator = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "raw-terminator");
            t.setDaemon(true);
            t.setPriority(Thread.MAX_PRIORITY);
            return t;
        });
    }

    @TearDown(Level.Trial)
    public void tearDown() throws JavetException {
        terminator.shutdownNow();
        rawCall.close();
        runtime.close();
        running = false;
        System.out.println("\nengine stats: " + forge.stats());
        forge.close();
    }

    @Benchmark
    public String rawJavet() throws JavetException {
        opStart = System.nanoTime();
        ScheduledFuture<?> kill = terminator.scheduleAtFixedRate(runtime::terminateExecution,
                TimeUnit.MILLISECONDS.toNanos(TIMEOUT_MS), TimeUnit.MILLISECONDS.toNanos(1), TimeUnit.NANOSECONDS);
        String result;
        try {
            result = rawCall.callString(null, "{}");
        } catch (JavetTerminatedException e) {
            result = "terminated";
        }
        kill.cancel(false);
        runtime.cancelTerminateExecution();
        opStart = 0;
        return result;
    }

    @Benchmark
    public Outcome spin() {
        opStart = System.nanoTime();
        Outcome outcome = forge.invoke(invocation);
        opStart = 0;
        return outcome;
    }
}
