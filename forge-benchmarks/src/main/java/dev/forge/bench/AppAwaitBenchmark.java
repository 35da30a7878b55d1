package dev.forge.bench;

import dev.forge.EngineOptions;
import dev.forge.Forge;
import dev.forge.Isolation;
import dev.forge.InMemoryDatastore;
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
 * The async path's cost: an App whose {@code main} awaits one in-memory datastore get, against a Script
 * with the same logic reading the same value from a global, both through {@code forge.invoke} on the
 * routing data. Side by side in one run.
 *
 * <p>Target: app / script &lt;= 2.
 */
@State(Scope.Benchmark)
@BenchmarkMode({Mode.AverageTime, Mode.SampleTime})
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class AppAwaitBenchmark {

    private static final String LOGIC = """
              const r = data.routing;
              r.egress_routing.sort(function (a, b) { return a.rate - b.rate; });
              r.egress_routing = r.egress_routing.filter(function (e) { return e.rate < limit.max; });
              return data;
            """;

    static final String SCRIPT = "const stored = {max: 0.04};\nfunction main(data) {\n  const limit = stored;\n" + LOGIC + "}\n";

    static final String APP = "async function main(data) {\n  const limit = await datastore.get('limit');\n" + LOGIC + "}\n";

    private Forge forge;

    @Setup(Level.Trial)
    public void setUp() {
        InMemoryDatastore datastore = new InMemoryDatastore();
        datastore.set("bench", "limit", "{\"max\":0.04}", null).toCompletableFuture().join();
        forge = Forge.builder().datastore(datastore)
                .engineOptions(EngineOptions.builder().isolation(Isolation.IN_PROCESS).build()).build();
        forge.load(Script.of("bench", "script", ScriptKind.SCRIPT, SCRIPT));
        forge.load(Script.of("bench", "app", ScriptKind.APP, APP));
        Outcome s = script();
        Outcome a = app();
        if (!(s instanceof Outcome.Ok so) || !(a instanceof Outcome.Ok ao) || !so.dataJson().equals(ao.dataJson())) {
            throw new IllegalStateException("the Script and the App disagree:\n script: " + s.toJson() + "\n app:    " + a.toJson());
        }
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        forge.close();
    }

    @Benchmark
    public Outcome script() {
        return forge.invoke("bench/script", Routing.DATA);
    }

    @Benchmark
    public Outcome app() {
        return forge.invoke("bench/app", Routing.DATA);
    }
}
