package dev.forge;

import java.time.Duration;
import java.util.Locale;
import java.util.Objects;

/**
 * What one invocation of a script may use: wall-clock time and JavaScript heap.
 *
 * <p>The timeout is a wall-clock deadline that includes time spent awaiting host operations. The heap
 * limit covers the V8 heap and the memory held by ArrayBuffers outside it. A script that passes either
 * ends its own invocation; the host and other scripts are not affected.
 *
 * <p>Thread-safety: immutable.
 *
 * @param timeout   wall-clock time per invocation, positive
 * @param heapBytes memory per script isolate, positive
 *
 * @since 0.1.0
 */
public record Limits(Duration timeout, long heapBytes) {

    /** ScriptForge's documented run time limit: two seconds. */
    public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(2);

    /** ScriptForge's documented memory limit: 100 MB. */
    public static final long DEFAULT_HEAP_BYTES = 100L * 1024 * 1024;

    /** The smallest heap limit that leaves room for a V8 context. */
    public static final long MIN_HEAP_BYTES = 4L * 1024 * 1024;

    /** Two seconds and 100 MB. */
    public static final Limits DEFAULT = new Limits(DEFAULT_TIMEOUT, DEFAULT_HEAP_BYTES);

    public Limits {
        Objects.requireNonNull(timeout, "timeout");
        if (timeout.isNegative() || timeout.isZero()) {
            throw new IllegalArgumentException("timeout: must be positive, got " + describe(timeout));
        }
        if (heapBytes <= 0) {
            throw new IllegalArgumentException("memory: must be positive, got " + heapBytes + " bytes");
        }
        if (heapBytes < MIN_HEAP_BYTES) {
            throw new IllegalArgumentException("memory: must be at least " + (MIN_HEAP_BYTES >> 20) + "m, got " + heapBytes + " bytes");
        }
    }

    /** A copy with another timeout. */
    public Limits withTimeout(Duration newTimeout) {
        return new Limits(newTimeout, heapBytes);
    }

    /** A copy with another heap limit. */
    public Limits withHeapBytes(long newHeapBytes) {
        return new Limits(timeout, newHeapBytes);
    }

    /**
     * Parses a duration such as {@code 2s}, {@code 250ms}, {@code 1m} or a bare number of milliseconds.
     *
     * @throws IllegalArgumentException naming the field when the text is malformed, zero or negative
     */
    public static Duration parseDuration(String field, String text) {
        Objects.requireNonNull(field, "field");
        if (text == null || text.isBlank()) {
            throw new IllegalArgumentException(field + ": missing value; write e.g. 2s or 250ms");
        }
        String t = text.trim().toLowerCase(Locale.ROOT);
        try {
            Duration d;
            if (t.endsWith("ms")) {
                d = Duration.ofMillis(Long.parseLong(t.substring(0, t.length() - 2).trim()));
            } else if (t.endsWith("us")) {
                d = Duration.ofNanos(Long.parseLong(t.substring(0, t.length() - 2).trim()) * 1000);
            } else if (t.endsWith("s")) {
                d = Duration.ofMillis(Math.round(Double.parseDouble(t.substring(0, t.length() - 1).trim()) * 1000));
            } else if (t.endsWith("m")) {
                d = Duration.ofSeconds(Long.parseLong(t.substring(0, t.length() - 1).trim()) * 60);
            } else {
                d = Duration.ofMillis(Long.parseLong(t));
            }
            if (d.isNegative() || d.isZero()) {
                throw new IllegalArgumentException(field + ": must be positive, got '" + text + "'");
            }
            return d;
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(field + ": '" + text + "' is not a duration; write e.g. 2s, 250ms or 1m");
        }
    }

    /**
     * Parses a size such as {@code 100m}, {@code 64mb}, {@code 512k}, {@code 1g} or a bare number of bytes.
     *
     * @throws IllegalArgumentException naming the field when the text is malformed, zero or negative
     */
    public static long parseBytes(String field, String text) {
        Objects.requireNonNull(field, "field");
        if (text == null || text.isBlank()) {
            throw new IllegalArgumentException(field + ": missing value; write e.g. 100m");
        }
        String t = text.trim().toLowerCase(Locale.ROOT);
        if (t.endsWith("b")) {
            t = t.substring(0, t.length() - 1);
        }
        long unit = 1;
        char last = t.isEmpty() ? ' ' : t.charAt(t.length() - 1);
        switch (last) {
            case 'k' -> unit = 1024L;
            case 'm' -> unit = 1024L * 1024;
            case 'g' -> unit = 1024L * 1024 * 1024;
            default -> { }
        }
        if (unit != 1) {
            t = t.substring(0, t.length() - 1).trim();
        }
        try {
            long n = Long.parseLong(t);
            if (n <= 0) {
                throw new IllegalArgumentException(field + ": must be positive, got '" + text + "'");
            }
            return Math.multiplyExact(n, unit);
        } catch (NumberFormatException | ArithmeticException e) {
            throw new IllegalArgumentException(field + ": '" + text + "' is not a size; write e.g. 100m, 512k or 1g");
        }
    }

    private static String describe(Duration d) {
        return d.toMillis() + " ms";
    }
}
