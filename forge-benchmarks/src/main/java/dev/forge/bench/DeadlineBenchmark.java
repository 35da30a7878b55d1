package dev.forge.bench;

import dev.forge.Forge;
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
import java.util.concurrent.TimeUnit;

/**
 * How late a runaway script is stopped: {@code while(true){}} under a 20 ms timeout. The operation is
 * the whole {@code invoke}, from the call to the {@link Outcome.TimedOut} in hand; the overshoot is that
 * time minus {@link #TIMEOUT_MS} (a constant shift, so its percentiles are the op's percentiles minus 20).
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

    private Forge forge;
    private Invocation invocation;

    @Setup(Level.Trial)
    public void setUp() {
        forge = Forge.builder().build();
        forge.load(Script.of("bench", "spin", ScriptKind.SCRIPT, "function main(){ while(true){} }"));
        invocation = Invocation.builder("bench/spin").data("{}").timeout(Duration.ofMillis(TIMEOUT_MS)).build();
        for (int i = 0; i < 3; i++) {
            long start = System.nanoTime();
            Outcome outcome = forge.invoke(invocation);
            long ms = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
            if (!(outcome instanceof Outcome.TimedOut)) {
                throw new IllegalStateException("expected a TimedOut for while(true){}, got " + outcome);
            }
            if (ms < TIMEOUT_MS) {
                throw new IllegalStateException("TimedOut after " + ms + " ms, before the " + TIMEOUT_MS + " ms deadline");
            }
        }
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        System.out.println("\nengine stats: " + forge.stats());
        forge.close();
    }

    @Benchmark
    public Outcome spin() {
        return forge.invoke(invocation);
    }
}
