package dev.forge.bench;

import com.caoccao.javet.exceptions.JavetException;
import com.caoccao.javet.interop.V8Host;
import com.caoccao.javet.interop.V8Runtime;
import com.caoccao.javet.values.reference.V8ValueFunction;
import dev.forge.EngineOptions;
import dev.forge.Forge;
import dev.forge.Isolation;
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

import java.util.concurrent.TimeUnit;

/**
 * One warm routing call: {@code forge} goes through the public API (store lookup, scheduler, watchdog,
 * prelude, result decoding) with V8 in this JVM; {@code forgeProcess} does the same with V8 in an isolate
 * process (the default); {@code rawJavet} runs the same script in a bare V8Runtime with the same
 * JSON-string-each-way wrapper. All live in one state, so one JMH run compares them side by side.
 *
 * <p>Targets: forge / rawJavet &lt;= 1.10 (in-process no slower than before isolate processes);
 * forgeProcess / forge &lt;= 2.0.
 */
@State(Scope.Benchmark)
@BenchmarkMode({Mode.AverageTime, Mode.SampleTime})
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class RoutingCallBenchmark {

    static final String WRAPPER = "(function(json){ return JSON.stringify(main(JSON.parse(json))); })";

    private Forge forge;
    private Forge forgeProcess;
    private V8Runtime runtime;
    private V8ValueFunction rawCall;

    @Setup(Level.Trial)
    public void setUp() throws JavetException {
        // Forge first: it sets V8's process-wide flags before any runtime exists; the raw runtime shares them.
        forge = Forge.builder().engineOptions(EngineOptions.builder().isolation(Isolation.IN_PROCESS).build()).build();
        forge.load(Script.of("bench", "route", ScriptKind.SCRIPT, Routing.SCRIPT));
        forgeProcess = Forge.builder().build();
        forgeProcess.load(Script.of("bench", "route", ScriptKind.SCRIPT, Routing.SCRIPT));
        runtime = V8Host.getV8Instance().createV8Runtime();
        runtime.getExecutor(Routing.SCRIPT).executeVoid();
        rawCall = runtime.getExecutor(WRAPPER).execute();

        Outcome outcome = forge.invoke("bench/route", Routing.DATA);
        if (!(outcome instanceof Outcome.Ok ok)) {
            throw new IllegalStateException("forge did not answer Ok: " + outcome);
        }
        String raw = rawJavet();
        Outcome viaProcess = forgeProcess();
        if (!raw.equals(ok.dataJson()) || !(viaProcess instanceof Outcome.Ok p) || !p.dataJson().equals(raw)) {
            throw new IllegalStateException("forge, forge in an isolate process and raw Javet disagree:\n forge: "
                    + ok.dataJson() + "\n process: " + viaProcess.toJson() + "\n raw:   " + raw);
        }
    }

    @TearDown(Level.Trial)
    public void tearDown() throws JavetException {
        rawCall.close();
        runtime.close();
        forge.close();
        forgeProcess.close();
    }

    @Benchmark
    public Outcome forge() {
        return forge.invoke("bench/route", Routing.DATA);
    }

    @Benchmark
    public Outcome forgeProcess() {
        return forgeProcess.invoke("bench/route", Routing.DATA);
    }

    @Benchmark
    public String rawJavet() throws JavetException {
        return rawCall.callString(null, Routing.DATA);
    }
}
