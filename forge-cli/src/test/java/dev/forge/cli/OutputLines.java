package dev.forge.cli;

import com.fasterxml.jackson.databind.JsonNode;
import dev.forge.internal.Json;

import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

import static org.junit.jupiter.api.Assertions.assertNotNull;

/** A command's stdout as it is written: each complete line handed over as JSON, for long-running commands. */
final class OutputLines extends OutputStream {
    private final BlockingQueue<String> lines = new LinkedBlockingQueue<>();
    private final ByteArrayOutputStream line = new ByteArrayOutputStream();
    private final long waitSeconds;

    OutputLines(long waitSeconds) {
        this.waitSeconds = waitSeconds;
    }

    PrintStream printStream() {
        return new PrintStream(this, true, StandardCharsets.UTF_8);
    }

    @Override
    public synchronized void write(int b) {
        if (b == '\n') {
            lines.add(line.toString(StandardCharsets.UTF_8));
            line.reset();
        } else {
            line.write(b);
        }
    }

    /** The next line as JSON, waiting for it; fails the test when none comes in time. */
    JsonNode next() throws InterruptedException {
        return next(() -> "");
    }

    /** As {@link #next()}, with {@code context} (what the other side saw) in the failure message. */
    JsonNode next(Supplier<String> context) throws InterruptedException {
        String l = lines.poll(waitSeconds, TimeUnit.SECONDS);
        assertNotNull(l, () -> "no output line within " + waitSeconds + " s; " + context.get());
        return Json.parse("stdout", l);
    }
}
