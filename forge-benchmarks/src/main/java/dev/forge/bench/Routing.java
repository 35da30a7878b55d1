package dev.forge.bench;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;

/**
 * A realistic Class 4 routing script and its call data (samples/bench: it sorts five egress routes by rate,
 * stamps a header on each and picks the caller id per gateway, on about 1.3 KB of data), shared by the
 * benchmarks and {@code forge bench} so that Forge and raw Javet run exactly the same JavaScript on exactly
 * the same JSON.
 */
final class Routing {

    static final String SCRIPT = read("routing.js");

    /** About 1.3 KB of routing data with five egress routes, deliberately out of rate order. */
    static final String DATA = read("routing-call.json").strip();

    private Routing() {
    }

    private static String read(String name) {
        try (InputStream in = Routing.class.getResourceAsStream("routing/" + name)) {
            if (in == null) {
                throw new IllegalStateException("samples/bench/" + name + " is missing from the benchmarks jar");
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
