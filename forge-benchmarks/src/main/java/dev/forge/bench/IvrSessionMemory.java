package dev.forge.bench;

import dev.forge.EngineOptions;
import dev.forge.Forge;
import dev.forge.Isolation;
import dev.forge.ivr.Component;
import dev.forge.ivr.ControlOptions;
import dev.forge.ivr.IvrClient;
import dev.forge.ivr.IvrOptions;
import dev.forge.ivr.IvrVoiceChannel;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.lang.management.ManagementFactory;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntSupplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Memory per active IVR session on the controller's side, two ways: {@code client} holds sessions taken by
 * {@link IvrClient} (a playback running on each), {@code voice} runs a Class 5 voice script per session on an
 * {@link IvrVoiceChannel} that is waiting in {@code await ctx.play(...)}, all calls sharing one isolate.
 *
 * <p>The platform is {@code forge ivr-sim} in its own JVM, so its memory is not counted. Each mode runs in a fresh
 * JVM: {@value #WARM} sessions first (classes, pools and the isolate warm up), then heap and RSS are read after
 * {@code System.gc()}, then {@value #N} more sessions, then read again. Per session = the growth divided by
 * the sessions actually added between the two readings.
 *
 * <p>Run: {@code java -cp forge-benchmarks/target/benchmarks.jar dev.forge.bench.IvrSessionMemory}
 */
public final class IvrSessionMemory {

    static final int WARM = 200;
    static final int N = 2000;
    private static final Pattern TOKEN_URL = Pattern.compile("\"tokenUrl\":\"([^\"]+)\"");

    private IvrSessionMemory() {
    }

    public static void main(String[] args) throws Exception {
        if (args.length == 2) {
            measure(args[0], URI.create(args[1]));
            return;
        }
        for (String mode : List.of("client", "voice")) {
            run(mode);
        }
    }

    private static void run(String mode) throws Exception {
        Path scenario = Files.createTempFile("ivr-memory", ".json");
        Files.writeString(scenario, """
                {"token": "mem", "autoStopMs": null, "acceptTimeoutMs": 600000, "calls": [
                  {"count": %d, "ivrid": "warm-{n}", "key": "mem"},
                  {"count": %d, "ivrid": "mem-{n}", "key": "mem", "startAtMs": 8000, "everyMs": 1}]}
                """.formatted(WARM, N));
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        String cp = System.getProperty("java.class.path");
        Process sim = new ProcessBuilder(java, "-cp", cp, "dev.forge.cli.ForgeCli", "ivr-sim", "--scenario",
                scenario.toString()).redirectError(ProcessBuilder.Redirect.DISCARD).start();
        try {
            BufferedReader simOut = new BufferedReader(new InputStreamReader(sim.getInputStream(), StandardCharsets.UTF_8));
            Matcher m = TOKEN_URL.matcher(simOut.readLine());
            if (!m.find()) {
                throw new IllegalStateException("ivr-sim printed no token URL");
            }
            Process child = new ProcessBuilder(java, "-Xms512m", "-Xmx512m", "-cp", cp, IvrSessionMemory.class.getName(),
                    mode, m.group(1)).redirectErrorStream(true).start();
            for (String line : new String(child.getInputStream().readAllBytes(), StandardCharsets.UTF_8).split("\n")) {
                if (line.startsWith("RESULT") || line.startsWith("  ")) {
                    System.out.println(line);
                }
            }
            child.waitFor();
        } finally {
            sim.destroy();
            Files.deleteIfExists(scenario);
        }
    }

    private static void measure(String mode, URI tokenUrl) throws Exception {
        String url = tokenUrl.toString();
        int cut = url.lastIndexOf('/');
        AtomicInteger active = new AtomicInteger();
        ConcurrentLinkedQueue<Object> keep = new ConcurrentLinkedQueue<>();
        ScheduledExecutorService timers = Executors.newSingleThreadScheduledExecutor();
        Forge forge = mode.equals("voice") ? Forge.builder().engineOptions(EngineOptions.builder().threads(2)
                .appInFlight(100_000).queuePerScript(100_000).isolation(Isolation.IN_PROCESS).build()).build() : null;
        if (forge != null) {
            forge.load(Forge.voiceScript("bench", "hold", """
                    async function main(data, ctx) {
                      await ctx.answer();
                      await ctx.play('ivr/hold.wav');
                    }
                    """));
        }
        try (IvrClient client = IvrClient.connect(URI.create(url.substring(0, cut)), url.substring(cut + 1),
                IvrOptions.builder().bearerAuth(false).build())) {
            client.control(ControlOptions.builder().key("mem").build(), session -> {
                if (forge == null) {
                    keep.add(session);
                    session.apply(Component.playback("ivr/hold.wav"));
                    active.incrementAndGet();
                } else {
                    IvrVoiceChannel channel = new IvrVoiceChannel(session, timers, null);
                    keep.add(channel);
                    forge.invokeVoice("bench/hold", channel, "{}");
                }
            });
            IntSupplier count = forge == null ? active::get : () -> (int) keep.stream()
                    .filter(c -> !((IvrVoiceChannel) c).applied().isEmpty()).count();
            long[] before = settle(count, WARM);
            long[] after = settle(count, WARM + N);
            double sessions = after[0] - before[0];
            double heap = (after[1] - before[1]) / sessions / 1024.0;
            double rss = (after[2] - before[2]) / sessions / 1024.0;
            System.out.printf("  [%s] sessions %d -> %d; heap %d -> %d KiB; RSS %d -> %d KiB%n", mode, before[0], after[0],
                    before[1] >> 10, after[1] >> 10, before[2] >> 10, after[2] >> 10);
            System.out.printf("RESULT %s: %.1f KiB JVM heap and %.1f KiB RSS per active session (%d sessions)%n",
                    mode, heap, rss, (long) sessions);
        } finally {
            timers.shutdownNow();
            if (forge != null) {
                forge.close();
            }
        }
    }

    /** Waits until {@code count} sessions are active, then reads [sessions, used heap, RSS] after a GC. */
    private static long[] settle(IntSupplier active, int count) throws Exception {
        long deadline = System.nanoTime() + 120_000_000_000L;
        while (active.getAsInt() < count && System.nanoTime() < deadline) {
            Thread.sleep(50);
        }
        Thread.sleep(500);
        for (int i = 0; i < 3; i++) {
            System.gc();
            Thread.sleep(100);
        }
        long heap = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
        return new long[] {active.getAsInt(), heap, rss()};
    }

    private static long rss() throws IOException {
        for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
            if (line.startsWith("VmRSS:")) {
                return Long.parseLong(line.replaceAll("\\D", "")) * 1024;
            }
        }
        return -1;
    }

}
