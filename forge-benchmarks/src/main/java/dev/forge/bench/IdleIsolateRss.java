package dev.forge.bench;

import com.caoccao.javet.interop.V8Host;
import com.caoccao.javet.interop.V8Runtime;
import dev.forge.EngineOptions;
import dev.forge.Forge;
import dev.forge.Isolation;
import dev.forge.Outcome;
import dev.forge.Script;
import dev.forge.ScriptKind;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Resident memory per idle isolate: Forge with {@value #N} distinct small scripts loaded and invoked once
 * (so {@value #N} idle isolates stay in its pool), against {@value #N} bare Javet V8Runtimes that each ran
 * a tiny script.
 *
 * <p>Each side runs in its own fresh JVM (this class starts itself with {@code forge} or {@code raw}), so
 * memory that one side freed to the allocator cannot flatter the other, and the raw side runs with
 * Javet's default V8 flags. RSS is {@code VmRSS} from {@code /proc/self/status}, read after warm-up and
 * after the isolates exist, each time after {@code System.gc()}.
 *
 * <p>Target: &lt;= 1.5 MiB per idle Forge isolate. Run:
 * {@code java -cp forge-benchmarks/target/benchmarks.jar dev.forge.bench.IdleIsolateRss}
 */
public final class IdleIsolateRss {

    static final int N = 200;
    private static final int WARMUP = 5;

    private IdleIsolateRss() {
    }

    public static void main(String[] args) throws Exception {
        if (args.length == 1 && args[0].equals("forge")) {
            forge();
        } else if (args.length == 1 && args[0].equals("raw")) {
            raw();
        } else {
            double forge = child("forge");
            double raw = child("raw");
            System.out.printf("RESULT idle isolate RSS: forge %.2f MiB, raw Javet %.2f MiB, ratio %.2f (target forge <= 1.50 MiB: %s)%n",
                    forge, raw, forge / raw, forge <= 1.5 ? "PASS" : "FAIL");
        }
    }

    /** Runs this class in a fresh JVM with the same java and class path; returns the MiB per isolate it printed. */
    private static double child(String mode) throws IOException, InterruptedException {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        List<String> cmd = List.of(java, "-Xms256m", "-Xmx256m", "-cp", System.getProperty("java.class.path"),
                IdleIsolateRss.class.getName(), mode);
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        double perIsolate = Double.NaN;
        for (String line : new String(p.getInputStream().readAllBytes()).split("\n")) {
            System.out.println("  [" + mode + "] " + line);
            if (line.startsWith("PER_ISOLATE_MIB ")) {
                perIsolate = Double.parseDouble(line.substring("PER_ISOLATE_MIB ".length()).trim());
            }
        }
        if (p.waitFor() != 0 || Double.isNaN(perIsolate)) {
            throw new IllegalStateException(mode + " run failed (exit " + p.exitValue() + ")");
        }
        return perIsolate;
    }

    private static void forge() throws Exception {
        try (Forge forge = Forge.builder()
                .engineOptions(EngineOptions.builder().maxIsolates(N + WARMUP + 16).isolation(Isolation.IN_PROCESS).build())
                .build()) {
            for (int i = 0; i < WARMUP; i++) {
                invoke(forge, "warm/" + i);
            }
            long before = rss();
            for (int i = 0; i < N; i++) {
                invoke(forge, "idle/" + i);
            }
            long after = rss();
            System.out.println("engine stats: " + forge.stats());
            report(before, after);
        }
    }

    private static void invoke(Forge forge, String id) {
        String source = "function main(data) { data.n = " + id.hashCode() + "; return data; }";
        forge.load(Script.of(id, "rss", id.replace('/', '-'), ScriptKind.SCRIPT, source));
        Outcome o = forge.invoke(id, "{\"x\":1}");
        if (!o.isOk()) {
            throw new IllegalStateException(id + " did not answer Ok: " + o);
        }
    }

    private static void raw() throws Exception {
        List<V8Runtime> runtimes = new ArrayList<>();
        for (int i = 0; i < WARMUP; i++) {
            runtimes.add(rawRuntime(i));
        }
        long before = rss();
        for (int i = 0; i < N; i++) {
            runtimes.add(rawRuntime(WARMUP + i));
        }
        long after = rss();
        report(before, after);
        for (V8Runtime r : runtimes) {
            r.close();
        }
    }

    private static V8Runtime rawRuntime(int i) throws Exception {
        V8Runtime runtime = V8Host.getV8Instance().createV8Runtime();
        String out = runtime.getExecutor("(function main(data) { data.n = " + i + "; return JSON.stringify(data); })({x:1})")
                .executeString();
        if (!out.contains("\"n\":" + i)) {
            throw new IllegalStateException("raw runtime " + i + " answered " + out);
        }
        return runtime;
    }

    private static void report(long beforeKib, long afterKib) {
        double per = (afterKib - beforeKib) / 1024.0 / N;
        System.out.printf("RSS after warm-up %d KiB, with %d more idle isolates %d KiB, delta %d KiB%n",
                beforeKib, N, afterKib, afterKib - beforeKib);
        System.out.printf("PER_ISOLATE_MIB %.3f%n", per);
    }

    /** VmRSS in KiB, after a full GC so that Java garbage does not count. */
    private static long rss() throws IOException, InterruptedException {
        for (int i = 0; i < 3; i++) {
            System.gc();
            Thread.sleep(200);
        }
        for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
            if (line.startsWith("VmRSS:")) {
                return Long.parseLong(line.replaceAll("[^0-9]", ""));
            }
        }
        throw new IllegalStateException("no VmRSS in /proc/self/status");
    }
}
