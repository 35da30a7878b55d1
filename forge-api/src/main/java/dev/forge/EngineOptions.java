package dev.forge;

import java.time.Duration;
import java.util.Objects;

/**
 * How the engine spends threads, isolates and queue space. Engine-neutral; the V8 engine reads all of it.
 *
 * <ul>
 *   <li>{@code threads}: invocations running at once, on the engine's platform threads or on callers' threads
 *       (see {@code callerRuns}); more wait in their script's queue, watched by the deadline;</li>
 *   <li>{@code tenantShare}: of those, how many one tenant may hold at once, so that one tenant's stuck or
 *       slow calls never take every thread: with {@code threads} 8 and {@code tenantShare} 2, three
 *       tenants stuck at once still leave two threads to the rest;</li>
 *   <li>{@code maxIsolates}: live isolates at most; idle ones are evicted least-recently-used;</li>
 *   <li>{@code concurrencyPerScript}: invocations of one script version in flight at once (a Script
 *       runs each in its own isolate of that version; never shared with another script);</li>
 *   <li>{@code appInFlight}: invocations of one App (or Driver) in flight at once on its isolate,
 *       interleaved at their awaits;</li>
 *   <li>{@code queuePerScript}: invocations waiting for a script beyond that; more are answered
 *       {@link Outcome.Overloaded} with {@code overloadStatus};</li>
 *   <li>{@code callerRuns}: a synchronous {@link Forge#invoke} on a platform thread runs the script on
 *       that thread when an isolate is free, saving a thread hand-off (about 3 µs) on the hot path. V8
 *       measures its stack limit down from the calling thread's stack, so callers need at least 320 KiB
 *       of stack (the JVM's default is 1 MiB); turn this off if the host calls Forge from threads made
 *       with smaller stacks. Virtual threads never run scripts themselves;</li>
 *   <li>{@code consoleLines}, {@code consoleLineChars}: the cap on console output per invocation;</li>
 *   <li>{@code isolation}: where V8 runs, {@link Isolation#PROCESS} (the default) or
 *       {@link Isolation#IN_PROCESS}; see {@link Isolation} for what each contains;</li>
 *   <li>{@code shareProcesses}: with process isolation, whether tenants may share an isolate process. By
 *       default they do not: each tenant's scripts run in a process of its own, so that a script that breaks
 *       V8 itself (a V8 exploit gives it native code in its process) reaches no other tenant's calls or data.
 *       Sharing saves memory (about 60 MiB per process) for hosts with many tenants, at that cost;</li>
 *   <li>{@code processes}: with process isolation, the most tenants that have a process at once (the least
 *       recently used gives its process up when another tenant needs one), or, when tenants share processes,
 *       how many processes they are spread over (a tenant whose script crashed one gets one apart);</li>
 *   <li>{@code spares}: isolate processes started ahead and kept ready, so that a tenant's first call and the
 *       replacement of a crashed process cost no call its deadline;</li>
 *   <li>{@code processMemoryBytes}: each child's memory ceiling, its whole resident set, measured from
 *       outside; a child past it is killed. Each script's own limit ({@link Limits}) is enforced inside;
 *       this is the backstop;</li>
 *   <li>{@code killGrace}: how long past a deadline a script that ignores V8's termination may keep its
 *       thread before its child is killed (or, in-process, its thread and isolate are abandoned). The
 *       invocation itself is answered at its deadline;</li>
 *   <li>{@code confinement}: how far the operating system confines each isolate process (no network, a
 *       read-only file system, its own process namespace, no privileges): {@link Confinement#BEST_EFFORT}
 *       by default, {@link Confinement#REQUIRED} to make a missing layer an error at build.</li>
 * </ul>
 *
 * <p>Thread-safety: immutable.
 *
 * @since 0.1.0
 */
public record EngineOptions(int threads, int maxIsolates, int concurrencyPerScript, int appInFlight, int queuePerScript,
                            SipStatus overloadStatus, boolean callerRuns, int consoleLines, int consoleLineChars,
                            Isolation isolation, int processes, int spares, long processMemoryBytes, int tenantShare,
                            Duration killGrace, Confinement confinement, boolean shareProcesses) {

    public static final int DEFAULT_THREADS = Math.max(4, 2 * Runtime.getRuntime().availableProcessors());
    public static final int DEFAULT_MAX_ISOLATES = 256;
    public static final int DEFAULT_CONCURRENCY_PER_SCRIPT = 1;
    public static final int DEFAULT_APP_IN_FLIGHT = 1024;
    public static final int DEFAULT_QUEUE_PER_SCRIPT = 1024;
    public static final int DEFAULT_CONSOLE_LINES = 100;
    public static final int DEFAULT_CONSOLE_LINE_CHARS = 4096;
    public static final Isolation DEFAULT_ISOLATION = Isolation.PROCESS;
    public static final int DEFAULT_PROCESSES = 16;
    public static final int DEFAULT_SPARES = 2;
    public static final long DEFAULT_PROCESS_MEMORY_BYTES = 512L << 20;
    /** The smallest child memory ceiling: a JVM with V8 needs about 60 MiB before any script. */
    public static final long MIN_PROCESS_MEMORY_BYTES = 128L << 20;
    public static final Duration DEFAULT_KILL_GRACE = Duration.ofMillis(200);
    public static final Confinement DEFAULT_CONFINEMENT = Confinement.BEST_EFFORT;

    public static final EngineOptions DEFAULT = builder().build();

    public EngineOptions {
        positive("threads", threads);
        positive("maxIsolates", maxIsolates);
        positive("concurrencyPerScript", concurrencyPerScript);
        positive("appInFlight", appInFlight);
        if (queuePerScript < 0) {
            throw new IllegalArgumentException("queuePerScript: must be 0 or more, got " + queuePerScript);
        }
        Objects.requireNonNull(overloadStatus, "overloadStatus");
        if (consoleLines < 0) {
            throw new IllegalArgumentException("consoleLines: must be 0 or more, got " + consoleLines);
        }
        positive("consoleLineChars", consoleLineChars);
        Objects.requireNonNull(isolation, "isolation");
        positive("processes", processes);
        if (spares < 0) {
            throw new IllegalArgumentException("spares: must be 0 or more, got " + spares);
        }
        if (processMemoryBytes < MIN_PROCESS_MEMORY_BYTES) {
            throw new IllegalArgumentException("processMemory: must be at least " + (MIN_PROCESS_MEMORY_BYTES >> 20)
                    + "m (a child holds a JVM and V8 before any script), got " + processMemoryBytes + " bytes");
        }
        if (tenantShare <= 0 || tenantShare > threads) {
            throw new IllegalArgumentException("tenantShare: must be 1 to threads (" + threads + "), got " + tenantShare);
        }
        Objects.requireNonNull(killGrace, "killGrace");
        if (killGrace.isNegative() || killGrace.isZero() || killGrace.compareTo(Duration.ofSeconds(10)) > 0) {
            throw new IllegalArgumentException("killGrace: must be more than 0 and at most 10 s, got " + killGrace.toMillis() + " ms");
        }
        Objects.requireNonNull(confinement, "confinement");
    }

    /** The share of threads one tenant gets when none is set: half of them, at least one. */
    public static int defaultTenantShare(int threads) {
        return Math.max(1, threads / 2);
    }

    public static Builder builder() {
        return new Builder();
    }

    public Builder toBuilder() {
        return new Builder().threads(threads).maxIsolates(maxIsolates).concurrencyPerScript(concurrencyPerScript)
                .appInFlight(appInFlight).queuePerScript(queuePerScript).overloadStatus(overloadStatus).callerRuns(callerRuns)
                .consoleLines(consoleLines).consoleLineChars(consoleLineChars).isolation(isolation).processes(processes)
                .spares(spares).processMemoryBytes(processMemoryBytes).tenantShare(tenantShare == defaultTenantShare(threads) ? 0 : tenantShare).killGrace(killGrace)
                .confinement(confinement).shareProcesses(shareProcesses);
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
        private int appInFlight = DEFAULT_APP_IN_FLIGHT;
        private int queuePerScript = DEFAULT_QUEUE_PER_SCRIPT;
        private SipStatus overloadStatus = SipStatus.DEFAULT_OVERLOAD;
        private boolean callerRuns = true;
        private int consoleLines = DEFAULT_CONSOLE_LINES;
        private int consoleLineChars = DEFAULT_CONSOLE_LINE_CHARS;
        private Isolation isolation = DEFAULT_ISOLATION;
        private int processes = DEFAULT_PROCESSES;
        private int spares = DEFAULT_SPARES;
        private long processMemoryBytes = DEFAULT_PROCESS_MEMORY_BYTES;
        private int tenantShare;
        private Duration killGrace = DEFAULT_KILL_GRACE;
        private Confinement confinement = DEFAULT_CONFINEMENT;
        private boolean shareProcesses;

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

        public Builder appInFlight(int v) {
            appInFlight = v;
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

        /** Where scripts run; {@link Isolation#PROCESS} by default. */
        public Builder isolation(Isolation v) {
            isolation = Objects.requireNonNull(v, "isolation");
            return this;
        }

        public Builder processes(int v) {
            processes = v;
            return this;
        }

        public Builder spares(int v) {
            spares = v;
            return this;
        }

        public Builder processMemoryBytes(long v) {
            processMemoryBytes = v;
            return this;
        }

        /** Threads one tenant may hold at once; half of {@code threads} (at least one) unless set. */
        public Builder tenantShare(int v) {
            tenantShare = v;
            return this;
        }

        public Builder killGrace(Duration v) {
            killGrace = Objects.requireNonNull(v, "killGrace");
            return this;
        }

        /** How far the operating system confines isolate processes; {@link Confinement#BEST_EFFORT} by default. */
        public Builder confinement(Confinement v) {
            confinement = Objects.requireNonNull(v, "confinement");
            return this;
        }

        /** Whether tenants may share an isolate process; false (one tenant per process) by default. */
        public Builder shareProcesses(boolean v) {
            shareProcesses = v;
            return this;
        }

        public EngineOptions build() {
            return new EngineOptions(threads, maxIsolates, concurrencyPerScript, appInFlight, queuePerScript, overloadStatus,
                    callerRuns, consoleLines, consoleLineChars, isolation, processes, spares, processMemoryBytes,
                    tenantShare == 0 ? defaultTenantShare(threads) : tenantShare, killGrace, confinement, shareProcesses);
        }
    }
}
