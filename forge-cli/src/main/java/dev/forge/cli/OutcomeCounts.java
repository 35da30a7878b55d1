package dev.forge.cli;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.forge.Outcome;
import dev.forge.internal.Json;

import java.util.Collection;
import java.util.StringJoiner;

/**
 * Counts of outcomes by name (ok, rejected, timeout, error, overloaded), in that order.
 *
 * <p>Thread-safety: not thread-safe; one per thread, summed after the threads are joined.
 */
final class OutcomeCounts {

    private static final String[] NAMES = {"ok", "rejected", "timeout", "error", "overloaded"};

    private final long[] counts = new long[NAMES.length];

    void add(Outcome outcome) {
        counts[index(outcome.name())]++;
    }

    long get(String name) {
        return counts[index(name)];
    }

    static OutcomeCounts sum(Collection<OutcomeCounts> parts) {
        OutcomeCounts total = new OutcomeCounts();
        for (OutcomeCounts part : parts) {
            for (int i = 0; i < NAMES.length; i++) {
                total.counts[i] += part.counts[i];
            }
        }
        return total;
    }

    /** {@code {"ok":N,"rejected":N,...}} with every name present. */
    ObjectNode toJson() {
        ObjectNode node = Json.object();
        for (int i = 0; i < NAMES.length; i++) {
            node.put(NAMES[i], counts[i]);
        }
        return node;
    }

    /** {@code ok 120  rejected 3}: the names with a non-zero count. */
    String toText() {
        StringJoiner text = new StringJoiner("  ");
        for (int i = 0; i < NAMES.length; i++) {
            if (counts[i] > 0) {
                text.add(NAMES[i] + " " + counts[i]);
            }
        }
        return text.length() == 0 ? "none" : text.toString();
    }

    private static int index(String name) {
        for (int i = 0; i < NAMES.length; i++) {
            if (NAMES[i].equals(name)) {
                return i;
            }
        }
        throw new IllegalArgumentException("outcome: unknown outcome name '" + name + "'");
    }
}
