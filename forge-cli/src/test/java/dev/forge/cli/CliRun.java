package dev.forge.cli;

import com.fasterxml.jackson.databind.JsonNode;
import dev.forge.internal.Json;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;

/**
 * One in-process run of the {@code forge} command: its exit status, stdout and stderr.
 *
 * <p>Thread-safety: immutable.
 */
record CliRun(int exit, String out, String err) {

    static CliRun of(String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int exit;
        try (PrintStream o = new PrintStream(out, true, StandardCharsets.UTF_8);
             PrintStream e = new PrintStream(err, true, StandardCharsets.UTF_8)) {
            exit = ForgeCli.run(args, o, e);
        }
        return new CliRun(exit, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    /** Stdout parsed as one JSON object, after checking it is exactly one line. */
    JsonNode json() {
        if (!out.endsWith("\n") || out.indexOf('\n') != out.length() - 1) {
            throw new AssertionError("expected exactly one line on stdout, got: " + out + "\nstderr: " + err);
        }
        return Json.parse("stdout", out);
    }

    @Override
    public String toString() {
        return "exit " + exit + "\nstdout: " + out + "\nstderr: " + err;
    }
}
