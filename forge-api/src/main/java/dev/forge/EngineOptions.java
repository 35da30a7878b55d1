package dev.forge;

import java.util.Objects;

/**
 * How the engine spends threads, isolates and queue space. Engine-neutral; the V8 engine reads all of it.
 *
 * <ul>
 *   <li>{@code threads}: platform threads that run isolates for asynchronous callers;</li>
 *   <li>{@code maxIsolates}: live isolates at most; idle ones are evicted least-recently-used;</li>
 *   <li>{@code concurrencyPerScript}: invocations of one script version in flight at once (a Script
 *       runs each in its own isolate of that version; never shared with another script);</li>
 *   <li>{@code queuePerScript}: invocations waiting for a script beyond that; more are answered
 *       {@link Outcome.Overloaded} with {@code overloadStatus};</li>
 *   <li>{@code callerRuns}: a synchronous {@link Forge#invoke} on a platform thread runs the script on
 *       that thread when an isolate is free, saving a thread hand-off (about 3 µs) on the hot path. V8
 *       measures its stack limit down from the calling thread's stack, so callers need at least 320 KiB
 *       of stack (the JVM's default is 1 MiB); turn this off if the host calls Forge from threads made
 *       with smaller stacks. Virtual threads never run scripts themselves;</li>
 *   <li>{@code consoleLines}, {@code consoleLineChars}: the cap on console output per invocation.</li>
 * </ul>
 *
 * <p>Thread-safety: immutable.
 */
public record EngineOptions(int threads, int maxIsolates, int concurrencyPerScript, int queuePerScript,
                            SipStatus overloadStatus, boolean callerRuns, int consoleLines, int consoleLineChars) {

    public static final int DEFAULT_THREADS = Math.max(2, Runtime.getRuntime().availableProcessors());
    public static final int DEFAULT_MAX_ISOLATES = 256;
    public static final int DEFAULT_CONCURRENCY_PER_SCRIPT = 1;
    public static final int DEFAULT_QUEUE_PER_SCRIPT = 1024;
    public static final int DEFAULT_CONSOLE_LINES = 100;
    public static final int DEFAULT_CONSOLE_LINE_CHARS = 4096;

    public static final EngineOptions DEFAULT = builder().build();

    public EngineOptions {
        positive("threads", threads);
        positive("maxIsolates", maxIsolates);
        positive("concurrencyPerScript", concurrencyPerScript);
        if (queuePerScript < 0) {
            throw new IllegalArgumentException("queuePerScript: must be 0 or more, got " + queuePerScript);
        }
        Objects.requireNonNull(overloadStatus, "overloadStatus");
        if (consoleLines < 0) {
            throw new IllegalArgumentException("consoleLines: must be 0 or more, got " + consoleLines);
        }
        positive("consoleLineChars", consoleLineChars);
    }

    public static Builder builder() {
        return new Builder();
    }

    public Builder toBuilder() {
        return new Builder().threads(threads).maxIsolates(maxIsolates).concurrencyPerScript(concurrencyPerScript)
                .queuePerScript(queuePerScript).overloadStatus(overloadStatus).callerRuns(callerRuns)
                .consoleLines(consoleLines).consoleLineChars(consoleLineChars);
    }

    private static void positive(String field, int value) {
        if (value <= 0) {
            throw new IllegalArgumentException(field + ": must be positive, got " + value);
        }
    }

    /** Builds {@link EngineOptions}; validation happens in {@link #build()}. Not thread-safe. */
    public static final class Builder {
        private int threads = DEFAULT_THREADS;
        private int maxIsolates = DEFAULT_MAX_ISOLATES;
        private int concurrencyPerScript = DEFAULT_CONCURRENCY_PER_SCRIPT;
        private int queuePerScript = DEFAULT_QUEUE_PER_SCRIPT;
        private SipStatus overloadStatus = SipStatus.DEFAULT_OVERLOAD;
        private boolean callerRuns = true;
        private int consoleLines = DEFAULT_CONSOLE_LINES;
        private int consoleLineChars = DEFAULT_CONSOLE_LINE_CHARS;

        public Builder threads(int v) {
            threads = v;
            return this;
        }

        public Builder maxIsolates(int v) {
            maxIsolates = v;
            return this;
        }

        public Builder concurrencyPerScript(int v) {
            concurrencyPerScript = v;
            return this;
        }

        public Builder queuePerScript(int v) {
            queuePerScript = v;
            return this;
        }

        public Builder overloadStatus(SipStatus v) {
            overloadStatus = Objects.requireNonNull(v, "overloadStatus");
            return this;
        }

        public Builder callerRuns(boolean v) {
            callerRuns = v;
            return this;
        }

        public Builder consoleLines(int v) {
            consoleLines = v;
            return this;
        }

        public Builder consoleLineChars(int v) {
            consoleLineChars = v;
            return this;
        }

        public EngineOptions build() {
            return new EngineOptions(threads, maxIsolates, concurrencyPerScript, queuePerScript, overloadStatus,
                    callerRuns, consoleLines, consoleLineChars);
        }
    }
}
