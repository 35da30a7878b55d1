package dev.forge.bench;

import dev.forge.ivr.Component;
import dev.forge.ivr.ControlOptions;
import dev.forge.ivr.IvrClient;
import dev.forge.ivr.IvrOptions;
import dev.forge.ivr.IvrSession;
import dev.forge.testkit.ivr.FakeIvrPlatform;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Not a benchmark: millions of back-to-back component applies through {@link IvrClient} on one session of
 * {@link FakeIvrPlatform} ({@code autoStop(0)}), each of which must finish within 2 s. It is how the stall in
 * Tyrus's JDK client transport was found (BENCHMARKS.md, history): there, about one write in a million sat
 * in the transport's queue until the next write pushed it out, and the apply waited for its request timeout.
 * Exit code 0 when every apply finished in time, 1 at the first that did not.
 *
 * <p>Run: {@code java -cp forge-benchmarks/target/benchmarks.jar dev.forge.bench.IvrApplySoak [applies]}
 */
public final class IvrApplySoak {
    private static final Duration STALL = Duration.ofSeconds(2);

    private IvrApplySoak() {
    }

    public static void main(String[] args) throws Exception {
        long applies = args.length > 0 ? Long.parseLong(args[0]) : 3_000_000L;
        try (FakeIvrPlatform platform = FakeIvrPlatform.start("soak");
             IvrClient client = IvrClient.connect(platform.endpoint(), "soak", IvrOptions.builder()
                     .requestTimeout(Duration.ofSeconds(5)).build())) {
            platform.autoStop(Duration.ZERO);
            CompletableFuture<IvrSession> taken = new CompletableFuture<>();
            client.control(ControlOptions.builder().key("soak").build(), taken::complete);
            platform.startCall("soak-1", "soak", "dialog");
            IvrSession session = taken.get(10, TimeUnit.SECONDS);
            Component playback = Component.playback(":GS_PUB/prompts/menu.wav");
            long start = System.nanoTime();
            for (long i = 1; i <= applies; i++) {
                CompletableFuture<?> done = session.apply(playback).toCompletableFuture();
                try {
                    done.get(STALL.toMillis(), TimeUnit.MILLISECONDS);
                } catch (TimeoutException e) {
                    System.out.printf("STALL: apply %,d of %,d did not finish within %s%n", i, applies, STALL);
                    System.exit(1);
                } catch (ExecutionException e) {
                    System.out.printf("FAILED: apply %,d: %s%n", i, e.getCause());
                    System.exit(1);
                }
                // the fake keeps every request for takeRequest: drop them so that the heap stays flat
                while (platform.takeRequest(Duration.ZERO) != null) {
                    // drained
                }
                if (i % 500_000 == 0) {
                    System.out.printf("%,d applies, %.1f µs each on average%n", i,
                            (System.nanoTime() - start) / 1e3 / i);
                }
            }
            System.out.printf("OK: %,d applies, none slower than %s%n", applies, STALL);
        }
        System.exit(0);
    }
}
