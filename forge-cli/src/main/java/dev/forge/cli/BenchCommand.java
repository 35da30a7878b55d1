package dev.forge.cli;

import dev.forge.EngineOptions;
import dev.forge.Forge;
import dev.forge.Invocation;
import dev.forge.Isolation;
import dev.forge.Outcome;
import org.HdrHistogram.Histogram;

import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CountDownLatch;

/**
 * {@code forge bench FILE.js}: invokes a script from N platform threads through the public API for a
 * warmup, then for a measured period, and reports throughput, latency percentiles and outcome counts.
 *
 * <p>Each thread records its own latencies into an HDR histogram ({@link LatencySummary#histogram()}); they are
 * added up once the threads are joined, so measuring takes no lock on the hot path and its memory does not grow
 * with the length of the run. {@link BenchProgress} reports on stderr once a second while it runs.
 *
 * <p>Thread-safety: one use per instance; the worker threads it starts end before {@link #run} returns.
 */
final class BenchCommand {

    static final String USAGE = """
            forge bench FILE.js [--data @FILE] [--threads 2] [--seconds 10] [--warmup 2] [--json] [--type ...]
                                [--timeout 2s] [--memory 100m] [--isolation process|in-process|process,in-process]
                                [--confinement best-effort|required|none|best-effort,none] [--hdr FILE|-]
              Invokes the script from N threads (N isolates) for S seconds after the warmup; prints
              throughput and p50/p90/p99/p99.9/max latency in microseconds, and the outcome counts.
              With two isolations (or two confinements), runs both side by side in alternating half-second
              blocks and prints each one's figures and their ratios (the first over the second).
              Shows its progress on stderr once a second. --hdr FILE writes the latency histogram's
              percentile distribution (HdrHistogram's format, µs) to FILE, or after the result with --hdr -.""";

    /** How long each engine runs at a time when several are compared. */
    static final double BLOCK_SECONDS = 0.5;

    private BenchCommand() {
    }

    static int run(List<String> tokens, PrintStream out, PrintStream err) throws InterruptedException {
        Set<String> flags = new HashSet<>(ScriptOptions.FLAGS);
        flags.addAll(Set.of("--threads", "--seconds", "--warmup", "--hdr"));
        Args args = Args.parse("bench", tokens, flags, Set.of("--json"), ScriptOptions.REPEATABLE);
        ScriptOptions options = ScriptOptions.parse(args);
        int threads = args.positiveInt("--threads", 2);
        double seconds = args.seconds("--seconds", 10, Double.MIN_VALUE);
        double warmup = args.seconds("--warmup", 2, 0);
        Optional<String> hdr = hdrTarget(args);

        EngineOptions engine = EngineOptions.builder()
                .threads(Math.max(threads, EngineOptions.DEFAULT_THREADS))
                .concurrencyPerScript(threads)
                .build();
        List<IsolationFlag.Choice> engines = options.engines();
        List<Forge> forges = new ArrayList<>();
        try {
            List<BenchResult> results;
            // closed before the result is printed, so no progress line comes after it
            try (BenchProgress progress = BenchProgress.start(err)) {
                for (IsolationFlag.Choice choice : engines) {
                    Forge forge = options.forge(engine, choice);
                    forges.add(forge);
                    forge.load(options.script());
                }
                Invocation invocation = Invocation.builder(options.script().id())
                        .data(options.dataJson())
                        .timeoutAction(options.timeoutAction())
                        .build();
                results = measure(forges, engines, invocation, threads, warmup, seconds, progress);
            }
            if (results.size() == 1) {
                out.println(args.has("--json") ? results.get(0).toJson() : results.get(0).toText(options.script().name()));
            } else {
                out.println(args.has("--json") ? BenchResult.comparisonJson(results)
                        : BenchResult.comparisonText(options.script().name(), results));
            }
            if (hdr.isPresent()) {
                writeHistograms(hdr.get(), options.script().name(), results, out);
            }
            out.flush();
            return ExitCode.OK;
        } finally {
            forges.forEach(Forge::close);
        }
    }

    /**
     * Where {@code --hdr} sends the percentile distribution: {@code -} for stdout, else a file whose directory
     * exists. Checked before anything runs, so a long run does not end in a usage error.
     */
    private static Optional<String> hdrTarget(Args args) {
        Optional<String> hdr = args.value("--hdr");
        if (hdr.isEmpty()) {
            return hdr;
        }
        String target = hdr.get();
        if (target.equals("-")) {
            if (args.has("--json")) {
                throw new UsageException("--hdr: '-' would print the histogram after --json's one object on stdout; "
                        + "give a file, e.g. --hdr bench.hgrm");
            }
            return hdr;
        }
        Path dir = Path.of(target).toAbsolutePath().getParent();
        if (target.isBlank() || Files.isDirectory(Path.of(target)) || dir == null || !Files.isDirectory(dir)) {
            throw new UsageException("--hdr: cannot write a file at '" + target + "'; give a file in an existing "
                    + "directory, or - for stdout");
        }
        return hdr;
    }

    /**
     * HdrHistogram's percentile distribution of each run, in µs: on stdout after the result (each under a
     * {@code #} title line), or in the file; with several engines, one file each, named after the engine
     * ({@code bench.hgrm} becomes {@code bench.process.hgrm} and {@code bench.in-process.hgrm}).
     */
    private static void writeHistograms(String target, String scriptName, List<BenchResult> results, PrintStream out) {
        if (target.equals("-")) {
            for (BenchResult r : results) {
                out.println();
                out.println("# forge bench " + scriptName + " (" + r.engine().label() + "): latency µs");
                r.histogram().outputPercentileDistribution(out, 1.0);
            }
            return;
        }
        for (BenchResult r : results) {
            Path file = results.size() == 1 ? Path.of(target) : perEngine(Path.of(target), r.engine());
            try (OutputStream stream = Files.newOutputStream(file);
                 PrintStream printer = new PrintStream(stream, false, StandardCharsets.UTF_8)) {
                r.histogram().outputPercentileDistribution(printer, 1.0);
            } catch (IOException e) {
                throw new IllegalStateException("--hdr: could not write '" + file + "': " + e.getMessage(), e);
            }
        }
    }

    private static Path perEngine(Path file, IsolationFlag.Choice engine) {
        String id = engine.isolation() == Isolation.IN_PROCESS ? engine.isolation().id()
                : engine.isolation().id() + "-" + engine.confinement().id();
        String name = file.getFileName().toString();
        int dot = name.lastIndexOf('.');
        String renamed = dot > 0 ? name.substring(0, dot) + "." + id + name.substring(dot) : name + "." + id;
        return file.resolveSibling(renamed);
    }

    /**
     * Each Forge warms up, then (with more than one) they are measured in turns of {@link #BLOCK_SECONDS}, in
     * alternating order, until each has had {@code seconds}: a noisy machine then slows both alike.
     */
    private static List<BenchResult> measure(List<Forge> forges, List<IsolationFlag.Choice> engines, Invocation invocation,
                                             int threads, double warmup, double seconds, BenchProgress progress)
            throws InterruptedException {
        int n = forges.size();
        progress.phase("warmup");
        for (Forge forge : forges) {
            block(forge, invocation, threads, warmup, progress);
        }
        progress.phase("measuring");
        double block = n == 1 ? seconds : Math.min(BLOCK_SECONDS, seconds);
        int rounds = (int) Math.max(1, Math.round(seconds / block));
        List<List<Block>> blocks = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            blocks.add(new ArrayList<>());
        }
        for (int r = 0; r < rounds; r++) {
            for (int k = 0; k < n; k++) {
                int i = r % 2 == 0 ? k : n - 1 - k;
                blocks.get(i).add(block(forges.get(i), invocation, threads, block, progress));
            }
        }
        List<BenchResult> results = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            List<Block> mine = blocks.get(i);
            results.add(BenchResult.of(engines.get(i), threads, mine.stream().mapToLong(Block::nanos).sum(),
                    mine.stream().flatMap(b -> b.latencies().stream()).toList(),
                    mine.stream().flatMap(b -> b.outcomes().stream()).toList()));
        }
        return results;
    }

    /** What the threads recorded in one block of time. */
    private record Block(long nanos, List<Histogram> latencies, List<OutcomeCounts> outcomes) {
    }

    /** Invokes from {@code threads} threads for {@code seconds}; returns what they recorded. */
    private static Block block(Forge forge, Invocation invocation, int threads, double seconds, BenchProgress progress)
            throws InterruptedException {
        CountDownLatch ready = new CountDownLatch(threads);
        CountDownLatch go = new CountDownLatch(1);
        List<Worker> workers = new ArrayList<>();
        List<Thread> started = new ArrayList<>();
        for (int i = 0; i < threads; i++) {
            Worker worker = new Worker(forge, invocation, ready, go, progress);
            workers.add(worker);
            Thread t = new Thread(worker, "forge-bench-" + i);
            t.setDaemon(true);
            started.add(t);
            t.start();
        }
        ready.await();
        long start = System.nanoTime();
        long end = start + (long) (seconds * 1e9);
        for (Worker w : workers) {
            w.window(start, end);
        }
        go.countDown();
        for (Thread t : started) {
            t.join();
        }
        long measuredNanos = Math.max(1, System.nanoTime() - start);
        return new Block(measuredNanos, workers.stream().map(w -> w.latencies).toList(),
                workers.stream().map(w -> w.outcomes).toList());
    }

    /** One benchmark thread: invokes until the end of the window, recording only inside it. */
    private static final class Worker implements Runnable {
        private final Forge forge;
        private final Invocation invocation;
        private final CountDownLatch ready;
        private final CountDownLatch go;
        private final BenchProgress progress;
        private final Histogram latencies = LatencySummary.histogram();
        private final OutcomeCounts outcomes = new OutcomeCounts();
        private long measureFrom;
        private long end;

        Worker(Forge forge, Invocation invocation, CountDownLatch ready, CountDownLatch go, BenchProgress progress) {
            this.forge = forge;
            this.progress = progress;
            this.invocation = invocation;
            this.ready = ready;
            this.go = go;
        }

        void window(long from, long until) {
            this.measureFrom = from;
            this.end = until;
        }

        @Override
        public void run() {
            ready.countDown();
            try {
                go.await(); // happens-after window(): the latch publishes measureFrom and end
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
            long now = System.nanoTime();
            while (now < end) {
                Outcome outcome = forge.invoke(invocation);
                long after = System.nanoTime();
                progress.called();
                if (now >= measureFrom) {
                    latencies.recordValue((after - now) / 1_000);
                    outcomes.add(outcome);
                }
                now = after;
            }
        }
    }
}
