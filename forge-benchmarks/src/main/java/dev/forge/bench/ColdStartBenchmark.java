package dev.forge.bench;

import com.caoccao.javet.exceptions.JavetException;
import com.caoccao.javet.interop.V8Host;
import com.caoccao.javet.interop.V8Runtime;
import com.caoccao.javet.values.reference.V8ValueFunction;
import dev.forge.EngineOptions;
import dev.forge.Forge;
import dev.forge.InMemoryScriptStore;
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
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

import java.util.ArrayDeque;
import java.util.concurrent.TimeUnit;

/**
 * A new script's first call: each operation loads a script whose source is unique (a counter in a
 * comment, so no code cache can help) and invokes it once, which builds a fresh isolate.
 *
 * <p>{@code maxIsolates} is {@link #MAX_ISOLATES}, so once the pool is full every new isolate first evicts
 * the least recently used idle one: memory stays bounded and the eviction (closing a V8 isolate) is part
 * of what is measured, as it is for a real host. {@code ids}: {@code unique} gives every script its own id
 * (a new tenant script); {@code replace} reloads one id with new source (a tenant editing its script),
 * where {@link Forge#load} closes the old version's isolate.
 *
 * <p>{@code rawJavet} is the floor: a new V8Runtime, the same script and wrapper, one call, and the oldest
 * of {@link #MAX_ISOLATES} runtimes closed, all on the calling thread.
 *
 * <p>Target: p50 &lt;= 5 ms.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.SampleTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class ColdStartBenchmark {

    static final int MAX_ISOLATES = 32;

    @Param({"unique", "replace"})
    public String ids;

    private Forge forge;
    private final InMemoryScriptStore store = new InMemoryScriptStore();
    private long counter;
    private final ArrayDeque<V8Runtime> rawRuntimes = new ArrayDeque<>();

    @Setup(Level.Trial)
    public void setUp() {
        forge = Forge.builder().scriptStore(store)
                .engineOptions(EngineOptions.builder().maxIsolates(MAX_ISOLATES).isolation(Isolation.IN_PROCESS).build())
                .build();
        Outcome first = forge();
        if (!first.isOk()) {
            throw new IllegalStateException("cold call did not answer Ok: " + first);
        }
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        System.out.println("\nengine stats: " + forge.stats());
        forge.close();
        for (V8Runtime r : rawRuntimes) {
            try {
                r.close();
            } catch (JavetException e) {
                throw new IllegalStateException(e);
            }
        }
    }

    private String nextSource(long n) {
        return "// build " + n + "\n" + Routing.SCRIPT;
    }

    @Benchmark
    public Outcome forge() {
        long n = ++counter;
        String id = "unique".equals(ids) ? "cold/s" + n : "cold/edited";
        Script script = forge.load(Script.of(id, "cold", "route", ScriptKind.SCRIPT, nextSource(n)));
        if ("unique".equals(ids)) {
            // keep the host's store bounded; the engine is not told (there is no API for it besides load)
            Outcome o = forge.invoke(script.id(), Routing.DATA);
            store.remove(script.id());
            return o;
        }
        return forge.invoke(script.id(), Routing.DATA);
    }

    @Benchmark
    public String rawJavet() throws JavetException {
        if (rawRuntimes.size() >= MAX_ISOLATES) {
            rawRuntimes.pollFirst().close();
        }
        V8Runtime runtime = V8Host.getV8Instance().createV8Runtime();
        rawRuntimes.addLast(runtime);
        runtime.getExecutor(nextSource(++counter)).executeVoid();
        try (V8ValueFunction call = runtime.getExecutor(RoutingCallBenchmark.WRAPPER).execute()) {
            return call.callString(null, Routing.DATA);
        }
    }
}
