package dev.forge.bench;

import dev.forge.EngineOptions;
import dev.forge.Forge;
import dev.forge.Invocation;
import dev.forge.Outcome;
import dev.forge.Script;
import dev.forge.ScriptKind;
import dev.forge.engine.v8.hostile.ChildMemory;
import dev.forge.engine.v8.hostile.HostileCorpus;
import dev.forge.spi.EngineStats;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;

/**
 * The containment soak: N invocations of the hostile corpus (every class, round-robin over the cases, each
 * class with {@value #HOSTILE_TENANTS} hostile tenants of its own) from two threads, while two more threads route benign calls
 * for two other tenants, all in one host JVM with process isolation, each tenant in an isolate process of its own. At the end: whether the host is alive
 * (it prints the report), every benign outcome (all must be ok), the host's and the isolate processes'
 * resident memory, and how the hostile calls ended. Exits 1 if any benign call was not ok or any hostile call
 * ended in a way its case does not allow.
 *
 * <pre>java -Xmx256m -cp forge-benchmarks/target/benchmarks.jar dev.forge.bench.ContainmentSoak 10000</pre>
 */
public final class ContainmentSoak {

    static final int HOSTILE_TENANTS = 4;
    private static final String CALL = Routing.DATA;

    private ContainmentSoak() {
    }

    public static void main(String[] args) throws Exception {
        int total = args.length > 0 ? Integer.parseInt(args[0]) : 10_000;
        List<HostileCorpus.Case> cases = HostileCorpus.CASES;
        long started = System.nanoTime();
        long hostRssStart = rss();
        // every tenant keeps its isolate process (one per tenant, the default): the soak measures crashes, not churn
        int tenants = HOSTILE_TENANTS * (int) cases.stream().map(HostileCorpus.Case::group).distinct().count() + 2;
        try (Forge forge = Forge.builder().limits(HostileCorpus.LIMITS)
                .engineOptions(EngineOptions.builder().processes(tenants).build()).build()) {
            List<Script> benign = List.of(
                    forge.load(Script.of("benign-a", "route.js", ScriptKind.SCRIPT, Routing.SCRIPT)),
                    forge.load(Script.of("benign-b", "route.js", ScriptKind.SCRIPT, Routing.SCRIPT)));
            AtomicInteger next = new AtomicInteger();
            AtomicBoolean hostileRunning = new AtomicBoolean(true);
            Map<String, LongAdder> hostile = new ConcurrentHashMap<>();
            Map<String, LongAdder> wrong = new ConcurrentHashMap<>();
            LongAdder benignOk = new LongAdder();
            Map<String, LongAdder> benignNot = new ConcurrentHashMap<>();
            AtomicLong hostRssMax = new AtomicLong();
            AtomicLong childRssMax = new AtomicLong();
            AtomicInteger childrenMax = new AtomicInteger();

            CountDownLatch hostileDone = new CountDownLatch(2);
            for (int t = 0; t < 2; t++) {
                Thread thread = new Thread(() -> {
                    int i;
                    while ((i = next.getAndIncrement()) < total) {
                        HostileCorpus.Case c = cases.get(i % cases.size());
                        // tenants by class of attack: one class's crashes (and quarantine backoffs) do not keep the
                        // other classes from running
                        String tenant = "hostile-" + c.group().replace(' ', '-') + "-" + (i / cases.size()) % HOSTILE_TENANTS;
                        Script s = forge.load(c.script(tenant));
                        Outcome o = forge.invoke(Invocation.builder(s.id()).data("{\"routing\":{}}").timeout(c.timeout())
                                .build());
                        boolean beside = besideAnother(o);
                        String key = c.group() + " / " + (o instanceof Outcome.Overloaded ? "overloaded (quarantine backoff)"
                                : beside ? "cancelled: its process was killed for another hostile call"
                                : c.contained(o) ? "contained: " + o.name() : "NOT CONTAINED: " + o.name());
                        hostile.computeIfAbsent(key, k -> new LongAdder()).increment();
                        if (!(o instanceof Outcome.Overloaded) && !beside && !c.contained(o)) {
                            wrong.computeIfAbsent(c.name() + " " + o.toJson(), k -> new LongAdder()).increment();
                        }
                        int done = i + 1;
                        if (done % 500 == 0) {
                            System.out.printf("%d hostile calls, %d s, host RSS %d MiB, %s%n", done,
                                    (System.nanoTime() - started) / 1_000_000_000L, rss() >> 20, forge.stats());
                        }
                    }
                    hostileDone.countDown();
                }, "hostile-" + t);
                thread.start();
            }
            Thread stopper = new Thread(() -> {
                try {
                    hostileDone.await();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                hostileRunning.set(false);
            });
            stopper.start();
            Thread memory = new Thread(() -> {
                while (hostileRunning.get()) {
                    hostRssMax.accumulateAndGet(rss(), Math::max);
                    childRssMax.accumulateAndGet(ChildMemory.totalNow(), Math::max);
                    childrenMax.accumulateAndGet(ChildMemory.children().size(), Math::max);
                    java.util.concurrent.locks.LockSupport.parkNanos(50_000_000L);
                }
            });
            memory.setDaemon(true);
            memory.start();
            CountDownLatch benignDone = new CountDownLatch(2);
            for (Script s : benign) {
                Thread thread = new Thread(() -> {
                    Invocation invocation = Invocation.builder(s.id()).data(CALL).build();
                    while (hostileRunning.get()) {
                        Outcome o = forge.invoke(invocation);
                        if (o.isOk()) {
                            benignOk.increment();
                        } else {
                            benignNot.computeIfAbsent(o.toJson().replaceAll("\\d+", "#"), k -> new LongAdder()).increment();
                        }
                    }
                    benignDone.countDown();
                }, "benign-" + s.tenant());
                thread.start();
            }
            benignDone.await();
            EngineStats stats = forge.stats();
            long seconds = (System.nanoTime() - started) / 1_000_000_000L;
            System.gc();
            long hostRssEnd = rss();

            System.out.println();
            System.out.println("containment soak: " + total + " hostile invocations of " + cases.size() + " cases in "
                    + seconds + " s, " + HOSTILE_TENANTS + " hostile tenants per class, 2 benign tenants");
            new TreeMap<>(hostile).forEach((k, v) -> System.out.printf("  hostile %-72s %6d%n", k, v.sum()));
            System.out.printf("  benign calls ok %d, not ok %d %s%n", benignOk.sum(),
                    benignNot.values().stream().mapToLong(LongAdder::sum).sum(), benignNot.isEmpty() ? "" : benignNot);
            System.out.printf("  host RSS: start %d MiB, max %d MiB, end %d MiB (after GC)%n", hostRssStart >> 20,
                    hostRssMax.get() >> 20, hostRssEnd >> 20);
            System.out.printf("  isolate processes: at most %d alive, their RSS summed at most %d MiB%n", childrenMax.get(),
                    childRssMax.get() >> 20);
            System.out.println("  " + stats);
            boolean fine = benignNot.isEmpty() && wrong.isEmpty();
            if (!wrong.isEmpty()) {
                System.out.println("  NOT CONTAINED: " + wrong);
            }
            System.out.println(fine ? "PASS" : "FAIL");
            System.exit(fine ? 0 : 1);
        }
    }

    /**
     * A hostile Script that ran beside another tenant's crash with too little of its deadline left to run again
     * ends cancelled: the host did what it must, for the other tenant's fault.
     */
    private static boolean besideAnother(Outcome o) {
        return o instanceof Outcome.Failed f && f.error().kind() == dev.forge.ScriptException.Kind.CANCELLED
                && f.error().getMessage().startsWith("its isolate process stopped while it ran");
    }

    private static long rss() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
                if (line.startsWith("VmRSS:")) {
                    return Long.parseLong(line.replaceAll("\\D", "")) * 1024;
                }
            }
        } catch (IOException | RuntimeException e) {
            // not on Linux
        }
        return 0;
    }
}
