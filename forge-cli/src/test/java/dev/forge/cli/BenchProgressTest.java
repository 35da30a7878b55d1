package dev.forge.cli;

import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.AtomicLong;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** The progress line's figures, on a clock the test moves. */
class BenchProgressTest {

    @Test
    void eachLineHasTheCallsSoFarAndTheRateSinceTheLastLine() {
        AtomicLong clock = new AtomicLong(5_000_000_000L);
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        BenchProgress progress = new BenchProgress(new PrintStream(bytes, true, StandardCharsets.UTF_8), clock::get);
        for (int i = 0; i < 300; i++) {
            progress.called();
        }
        clock.addAndGet(1_000_000_000L);
        progress.report();
        progress.phase("measuring");
        for (int i = 0; i < 1000; i++) {
            progress.called();
        }
        clock.addAndGet(500_000_000L);
        progress.report();
        clock.addAndGet(1_000_000_000L);
        progress.report();
        progress.close();
        assertEquals("""
                forge bench: 1 s starting, 300 calls, 300/s
                forge bench: 2 s measuring, 1300 calls, 2000/s
                forge bench: 3 s measuring, 1300 calls, 0/s
                """, bytes.toString(StandardCharsets.UTF_8));
    }
}
