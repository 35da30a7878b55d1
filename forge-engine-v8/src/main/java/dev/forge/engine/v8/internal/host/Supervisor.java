package dev.forge.engine.v8.internal.host;

import dev.forge.Confinement;
import dev.forge.EngineOptions;

import java.io.IOException;
import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Starts, watches, kills and replaces the isolate processes of one engine.
 *
 * <p>By default each tenant has a child of its own (its <em>home</em>), taken from the spares when it first
 * needs one; past {@code processes} tenants, the least recently used idle home is retired. With
 * {@code shareProcesses}, tenants are spread over {@code processes} shared children by a hash of their name
 * instead. A tenant whose script caused a child's death (or, when the cause cannot be told apart from the
 * turns beside it, that was a suspect twice within the quarantine period) is quarantined: after a further
 * crash its calls are refused for a growing backoff, so that a crash loop costs only that tenant; with shared
 * children, its scripts also run apart from the shared ones for a while, in children of their own up to
 * {@code max(4, 2 * processes)} of them, then shared among quarantined tenants: many crashing tenants cannot
 * make the engine start many processes. {@code spares} children are kept started and ready, so that a dead child is
 * replaced at once. A monitor thread reads every child's resident memory from /proc and kills a child past
 * its ceiling, or that grows during its turns by more than their scripts' limits plus {@link #TURN_ROOM_BYTES}
 * (so that even what V8 allocates inside a built-in that ignores termination is bounded from outside, to
 * within what it can allocate in one sampling interval). (A kernel cap on the data segment does not work here: V8 reserves a writable code range for
 * every isolate, which counts against {@code RLIMIT_DATA} although it is never touched; and an address-space
 * cap breaks V8's memory cage.)
 *
 * <p>All children are started from one long-lived thread, so that a parent-death signal a launcher may ask
 * for is tied to a thread that lives as long as the engine.
 *
 * <p>Thread-safety: thread-safe.
 */
final class Supervisor implements AutoCloseable {

    /** What the scheduler is told. */
    interface Listener {
        /** A child died; every isolate in it is gone. Called after the death's verdict is known. */
        void processDied(ChildProcess child, Death death);

        /** A child is being retired: close its idle isolates; it stops when the last one is closed. */
        void processRetired(ChildProcess child);
    }

    /** Why no child could be had for a tenant. */
    static final class Unavailable extends Exception {
        private static final long serialVersionUID = 1L;
        final boolean quarantined;
        final boolean timedOut;

        Unavailable(String message, boolean quarantined, boolean timedOut) {
            super(message, null, false, false);
            this.quarantined = quarantined;
            this.timedOut = timedOut;
        }
    }

    private static final long START_TIMEOUT_MILLIS = 30_000;
    private static final long QUARANTINE_NANOS = TimeUnit.MINUTES.toNanos(10);
    private static final long BACKOFF_MIN_NANOS = TimeUnit.MILLISECONDS.toNanos(250);
    private static final long BACKOFF_MAX_NANOS = TimeUnit.SECONDS.toNanos(30);
    private static final long BUSY_SAMPLE_NANOS = TimeUnit.MILLISECONDS.toNanos(2);
    private static final long IDLE_SAMPLE_NANOS = TimeUnit.MILLISECONDS.toNanos(50);
    /**
     * How much more than its scripts' limits an isolate process may grow during their turns: V8's headroom
     * above a limit (16 MiB), the room it gets to unwind a terminated script (32 MiB), and a new isolate.
     */
    static final long TURN_ROOM_BYTES = 64L << 20;
    private static final long RELAUNCH_NANOS = TimeUnit.SECONDS.toNanos(1);
    /** How long a lane read polls before blocking: host side, child side. */
    static final long HOST_SPIN_NANOS = TimeUnit.MICROSECONDS.toNanos(Long.getLong("forge.lane.hostSpinMicros", 200));
    static final int CHILD_SPIN_MICROS = Integer.getInteger("forge.lane.childSpinMicros", 50);
    private static final Pattern OUT_OF_MEMORY = Pattern.compile(
            "(?i)[^\\n]*(out of memory|invalid size|invalid array length|invalid table size|heap limit|allocation failed)[^\\n]*");

    private final EngineOptions options;
    private final ChildLauncher launcher;
    private final EngineEvents events;
    private final long heapBytes;
    private final int lanes;
    private final ExecutorService launcherThread;
    private final ExecutorService handshakes;
    private final Thread monitor;
    private final Object lock = new Object();
    /** One tenant per isolate process (the default), rather than tenants spread over shared ones. */
    private final boolean perTenant;
    /** Each tenant's own isolate process, least recently used first (per-tenant mode). */
    private final LinkedHashMap<String, Position> homes = new LinkedHashMap<>(16, 0.75f, true);
    private final CompletableFuture<ChildProcess> first;
    private final Position[] shared;
    /** Children kept for quarantined tenants: a bounded number, so that many crashing tenants cannot start many. */
    private final Position[] isolated;
    private final ArrayDeque<CompletableFuture<ChildProcess>> spares = new ArrayDeque<>();
    private final Map<String, Quarantine> quarantines = new HashMap<>();
    /** Tenants that were suspects (not known culprits) of a death, and when: a second time quarantines them. */
    private final Map<String, Long> strikes = new HashMap<>();
    private final Set<ChildProcess> live = ConcurrentHashMap.newKeySet();
    private final AtomicInteger ids = new AtomicInteger();
    private volatile Listener listener;
    private volatile boolean closed;
    /** When a start last failed (0: never); guarded by {@code lock}. */
    private long launchFailedNanos;
    private volatile String confinement;

    /** One shared position: the child serving it, or on its way. */
    private static final class Position {
        CompletableFuture<ChildProcess> child;
        long launchedNanos;
    }

    /** A quarantined tenant: which of the isolated positions runs it, and its crashes. */
    private static final class Quarantine {
        int position;
        int crashes;
        long backoffUntil;
        long until;
    }

    Supervisor(EngineOptions options, EngineEvents events, long heapBytes, int engineId) {
        this.options = options;
        this.events = events;
        this.heapBytes = heapBytes;
        this.perTenant = !options.shareProcesses();
        // a process of one tenant runs at most that tenant's share of turns at once
        this.lanes = perTenant ? options.tenantShare() : options.threads();
        this.launcher = new ChildLauncher(Confiner.of(options.confinement()));
        this.launcherThread = Executors.newSingleThreadExecutor(r -> daemon(r, "forge-v8-" + engineId + "-launcher"));
        this.handshakes = Executors.newCachedThreadPool(r -> daemon(r, "forge-v8-" + engineId + "-start"));
        this.shared = new Position[perTenant ? 0 : options.processes()];
        this.isolated = new Position[perTenant ? 0 : Math.max(4, 2 * options.processes())];
        synchronized (lock) {
            for (int i = 0; i < shared.length; i++) {
                shared[i] = new Position();
            }
            for (int i = 0; i < isolated.length; i++) {
                isolated[i] = new Position();
            }
            if (perTenant) {
                // one ready to take the first tenant even with no spares asked for: the engine starts warm
                for (int i = 0; i < Math.max(1, options.spares()); i++) {
                    spares.add(launch());
                }
                first = spares.peekFirst();
            } else {
                shared[0].child = launch();
                shared[0].launchedNanos = System.nanoTime();
                first = shared[0].child;
                for (int i = 0; i < options.spares(); i++) {
                    spares.add(launch());
                }
            }
        }
        this.monitor = daemon(this::monitor, "forge-v8-" + engineId + "-monitor");
        monitor.start();
    }

    private static Thread daemon(Runnable r, String name) {
        Thread t = new Thread(r, name);
        t.setDaemon(true);
        return t;
    }

    void listen(Listener value) {
        this.listener = value;
    }

    /**
     * Waits until the first shared child is ready: an engine is warm when it is built.
     *
     * @throws IllegalStateException if it could not start
     */
    void awaitFirst() {
        try {
            first.get(START_TIMEOUT_MILLIS + 5_000, TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
            throw new IllegalStateException("isolation: the first isolate process did not start: " + e.getCause().getMessage(), e.getCause());
        } catch (TimeoutException e) {
            throw new IllegalStateException("isolation: the first isolate process did not start in time");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("isolation: interrupted while the first isolate process started");
        }
    }

    // ---- placement ----------------------------------------------------------------------------------------

    /**
     * The child that runs {@code tenant}'s scripts, waiting for it to be ready until {@code deadlineNanos}.
     *
     * @throws Unavailable if the tenant is in its quarantine backoff, no child is ready by the deadline, or
     *                     none could be started
     */
    ChildProcess childFor(String tenant, long deadlineNanos) throws Unavailable {
        CompletableFuture<ChildProcess> f;
        synchronized (lock) {
            if (closed) {
                throw new Unavailable("Forge is closing", false, false);
            }
            long now = System.nanoTime();
            Quarantine q = quarantines.get(tenant);
            if (q != null && now - q.until >= 0) {
                release(tenant, q);
                q = null;
            }
            if (q != null && now - q.backoffUntil < 0) {
                throw new Unavailable("tenant '" + tenant + "' is quarantined after " + q.crashes + " crash"
                        + (q.crashes == 1 ? "" : "es") + " of its isolate process; its scripts run again in "
                        + TimeUnit.NANOSECONDS.toMillis(q.backoffUntil - now) + " ms", true, false);
            }
            Position p;
            if (perTenant) {
                p = homes.get(tenant);
                if (p == null) {
                    p = new Position();
                    homes.put(tenant, p);
                    evictLeastRecentlyUsed(tenant);
                }
            } else {
                p = q != null ? isolated[q.position] : shared[Math.floorMod(tenant.hashCode(), shared.length)];
            }
            if (p.child == null || !usable(p.child) && now - p.launchedNanos > RELAUNCH_NANOS) {
                p.child = takeSpare();
                p.launchedNanos = now;
                if (perTenant || q != null) {
                    p.child.thenAccept(c -> c.tenant = tenant);
                }
            }
            f = p.child;
        }
        return await(f, deadlineNanos);
    }

    private static boolean usable(CompletableFuture<ChildProcess> f) {
        if (!f.isDone()) {
            return true;
        }
        if (f.isCompletedExceptionally()) {
            return false;
        }
        ChildProcess c = f.join();
        return c.alive() && !c.retiring;
    }

    private static ChildProcess await(CompletableFuture<ChildProcess> f, long deadlineNanos) throws Unavailable {
        try {
            long left = deadlineNanos - System.nanoTime();
            ChildProcess c = f.isDone() ? f.join() : f.get(Math.max(0, left), TimeUnit.NANOSECONDS);
            return c;
        } catch (TimeoutException e) {
            throw new Unavailable("no isolate process was ready before the deadline", false, true);
        } catch (ExecutionException | CompletionException | CancellationException e) {
            Throwable cause = e.getCause() == null ? e : e.getCause();
            throw new Unavailable("no isolate process could be started: " + cause.getMessage(), false, false);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new Unavailable("interrupted while waiting for an isolate process", false, false);
        }
    }

    /** A ready spare if there is one, else the one closest to ready; another is started in its place. */
    private CompletableFuture<ChildProcess> takeSpare() {
        CompletableFuture<ChildProcess> pick = null;
        for (Iterator<CompletableFuture<ChildProcess>> it = spares.iterator(); it.hasNext(); ) {
            CompletableFuture<ChildProcess> s = it.next();
            if (s.isDone() && !usable(s)) {
                it.remove();
            } else if (pick == null || s.isDone() && !pick.isDone()) {
                pick = s;
            }
        }
        if (pick == null) {
            return launch();
        }
        spares.remove(pick);
        refillSpares();
        return pick;
    }

    /**
     * Starts spares until there are {@code spares} again, dropping any that died or failed to start; after a
     * start failed, not again for {@link #RELAUNCH_NANOS}, so a machine that cannot start one is not hammered.
     * Call holding {@code lock}.
     */
    private void refillSpares() {
        spares.removeIf(s -> s.isDone() && !usable(s));
        if (closed || launchFailedNanos != 0 && System.nanoTime() - launchFailedNanos < RELAUNCH_NANOS) {
            return;
        }
        while (spares.size() < options.spares()) {
            spares.add(launch());
        }
    }

    // ---- starting ---------------------------------------------------------------------------------------

    private CompletableFuture<ChildProcess> launch() {
        CompletableFuture<ChildProcess> f = new CompletableFuture<>();
        launch(f);
        f.whenComplete((c, failed) -> {
            if (failed != null) {
                synchronized (lock) {
                    launchFailedNanos = System.nanoTime() | 1;
                }
                if (closed) {
                    // cut short by close(): nothing went wrong
                    V8Engine.LOG.debug("isolation: closed while an isolate process started: {}", failed.getMessage());
                } else {
                    V8Engine.LOG.warn("isolation: an isolate process did not start: {}", failed.getMessage());
                }
            }
        });
        return f;
    }

    /**
     * Starts a child that completes {@code f} when it is ready. A child that cannot start confined (or reports
     * a layer missing) fails {@code f} under {@link Confinement#REQUIRED}; under best effort the confinement is
     * given up, with the reason recorded, and an unconfined child takes its place.
     */
    private void launch(CompletableFuture<ChildProcess> f) {
        launcherThread.execute(() -> {
            if (closed) {
                f.completeExceptionally(new IOException("Forge is closing"));
                return;
            }
            ChildProcess c;
            boolean confined = launcher.confiner.active();
            try {
                c = ChildProcess.start(ids.incrementAndGet(), launcher, this::broken);
            } catch (IOException | RuntimeException e) {
                f.completeExceptionally(e);
                return;
            }
            live.add(c);
            c.process.onExit().whenComplete((p, e) -> exited(c));
            handshakes.execute(() -> {
                String refused = null;
                try {
                    c.handshake(lanes, heapBytes, CHILD_SPIN_MICROS, HOST_SPIN_NANOS, START_TIMEOUT_MILLIS);
                    List<String> missing = confined ? Confiner.missingFrom(c.confinement) : List.of();
                    if (!missing.isEmpty()) {
                        throw new IOException("it started without " + missing + " (it reports: " + c.confinement + ")");
                    }
                    confinedAs(c);
                    events.processStarted(c);
                    f.complete(c);
                    return;
                } catch (IOException | RuntimeException e) {
                    refused = e.getMessage();
                    c.kill(new Death(Death.Kind.CLOSED, "it did not start: " + refused, null, Set.of()));
                }
                if (confined && launcher.confiner.policy() == Confinement.BEST_EFFORT && !closed) {
                    launcher.confiner.giveUp("an isolate process could not start confined: " + refused);
                    launch(f);
                } else {
                    f.completeExceptionally(new IOException(confined
                            ? "confinement: an isolate process could not start with every layer (Confinement."
                            + launcher.confiner.policy() + "): " + refused : refused));
                }
            });
        });
    }

    /** Records (and logs, the first time) what confines the isolate processes. */
    private void confinedAs(ChildProcess c) {
        String missing = launcher.confiner.missing();
        String now = c.confinement + (missing == null ? "" : "; not confined: " + missing);
        String before = confinement;
        confinement = now;
        if (before == null) {
            if (missing == null && Confiner.missingFrom(c.confinement).isEmpty()) {
                V8Engine.LOG.info("isolate processes are confined: {}", c.confinement);
            } else if (launcher.confiner.policy() == Confinement.NONE) {
                V8Engine.LOG.info("isolate processes are not confined by the operating system (Confinement.NONE)");
            } else {
                V8Engine.LOG.warn("isolate processes are not fully confined: {}", now);
            }
        }
    }

    /** What confines the isolate processes, as the last one to start reported it, with any reason for less. */
    String confinement() {
        String c = confinement;
        return c == null ? "not started" : c;
    }

    // ---- killing and dying ------------------------------------------------------------------------------

    /** Kills {@code child} for {@code kind}, blaming {@code culprit} (null: see {@link #blame}). */
    void kill(ChildProcess child, Death.Kind kind, String message, IsolateLink culprit) {
        child.kill(new Death(kind, message, culprit != null ? Set.of(culprit) : blame(child), child.active()));
    }

    /** Whom to blame for a death that names no isolate: a turn that stands out, else (null) every turn running. */
    private static Set<IsolateLink> blame(ChildProcess child) {
        IsolateLink outlier = child.outlier();
        return outlier == null ? null : Set.of(outlier);
    }

    /**
     * {@code child} broke the protocol during a turn of {@code link} (a forged or malformed frame, a flood):
     * it is broken or compromised, and killed; only its own turns end.
     */
    void broken(ChildProcess child, RemoteLink link, String what) {
        events.forged(link == null ? null : link.tenant, link == null ? null : link.scriptId, child, what);
        kill(child, Death.Kind.PROTOCOL, child + " broke the protocol (" + ChildProcess.printable(what)
                + ") and was killed", link);
    }

    private void broken(ChildProcess child, String what) {
        broken(child, null, what);
    }

    /** The death of a child whose lane just failed; kills it if it is still alive after a moment. */
    Death awaitDeath(ChildProcess child) {
        try {
            return child.death.get(2, TimeUnit.SECONDS);
        } catch (TimeoutException e) {
            kill(child, Death.Kind.PROTOCOL, child + " closed a lane and was killed", null);
        } catch (ExecutionException e) {
            throw new IllegalStateException(e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        try {
            return child.death.get(10, TimeUnit.SECONDS);
        } catch (ExecutionException | TimeoutException e) {
            return new Death(Death.Kind.CRASH, child + " did not exit after it was killed", null, child.active());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new Death(Death.Kind.CRASH, "interrupted while " + child + " died", null, child.active());
        }
    }

    private void exited(ChildProcess child) {
        Death death = verdict(child);
        live.remove(child);
        child.closeLanes();
        Set<String> blamed = new LinkedHashSet<>();
        Set<String> quarantinedNow = new HashSet<>();
        if (death.kind() != Death.Kind.CLOSED) {
            for (IsolateLink link : death.culprits() != null ? death.culprits() : death.active()) {
                if (link instanceof RemoteLink r) {
                    blamed.add(r.tenant);
                }
            }
        }
        synchronized (lock) {
            long now = System.nanoTime();
            for (Position s : shared) {
                if (s.child != null && is(s.child, child) && !closed) {
                    s.child = takeSpare();
                    s.launchedNanos = now;
                }
            }
            spares.removeIf(f -> is(f, child));
            refillSpares();
            for (Position p : isolated) {
                if (p.child != null && is(p.child, child)) {
                    p.child = null;
                }
            }
            for (Position p : homes.values()) {
                if (p.child != null && is(p.child, child)) {
                    p.child = null;
                }
            }
            if (!closed) {
                boolean known = death.culprits() != null;
                Set<String> culprits = blamed;
                if (!known && blamed.size() > 1) {
                    // several suspects: one with a record (quarantined, or a suspect before) is the one to blame
                    Set<String> withRecord = new LinkedHashSet<>();
                    for (String tenant : blamed) {
                        Long strike = strikes.get(tenant);
                        if (quarantines.containsKey(tenant) || strike != null && now - strike < QUARANTINE_NANOS) {
                            withRecord.add(tenant);
                        }
                    }
                    if (!withRecord.isEmpty()) {
                        culprits = withRecord;
                        known = true;
                    }
                }
                for (String tenant : culprits) {
                    Quarantine q = quarantines.get(tenant);
                    if (q == null && !known && !struck(tenant, now)) {
                        continue;
                    }
                    if (q == null) {
                        q = new Quarantine();
                        q.position = perTenant ? 0 : leastUsedPosition();
                        q.backoffUntil = now;
                        quarantines.put(tenant, q);
                        quarantinedNow.add(tenant);
                    } else if (known) {
                        // only a known culprit backs off: a suspect beside another crashing tenant just runs again
                        q.backoffUntil = now + backoff(q.crashes + 1);
                    }
                    q.crashes++;
                    q.until = now + QUARANTINE_NANOS;
                }
            }
        }
        if (!closed) {
            events.processDied(child, death, blamed, quarantinedNow);
        }
        child.death.complete(death);
        Listener l = listener;
        if (l != null) {
            l.processDied(child, death);
        }
    }

    /**
     * Records that {@code tenant} was one of several suspects of a death; true if it already was within the
     * quarantine period. A known culprit is quarantined at once; a suspect only when it is one again, so that
     * a bystander that happened to run beside a crash is not sent to live among crashing tenants.
     */
    private boolean struck(String tenant, long now) {
        Long before = strikes.put(tenant, now);
        if (strikes.size() > 10_000) {
            strikes.values().removeIf(t -> now - t > QUARANTINE_NANOS);
        }
        return before != null && now - before < QUARANTINE_NANOS;
    }

    /**
     * Per-tenant mode: past {@code processes} tenants with a process, the least recently used other tenant's
     * process is retired (its idle isolates close now, busy ones when they finish; it stops when none is left).
     */
    private void evictLeastRecentlyUsed(String keep) {
        var it = homes.entrySet().iterator();
        while (homes.size() > options.processes() && it.hasNext()) {
            var e = it.next();
            CompletableFuture<ChildProcess> c = e.getValue().child;
            boolean busy = c != null && (!c.isDone() || !c.isCompletedExceptionally() && c.join().busy());
            if (!e.getKey().equals(keep) && !busy) {
                it.remove();
                retire(c);
            }
        }
    }

    /** The isolated position with the fewest quarantined tenants. */
    private int leastUsedPosition() {
        int[] count = new int[isolated.length];
        for (Quarantine q : quarantines.values()) {
            count[q.position]++;
        }
        int best = 0;
        for (int i = 1; i < count.length; i++) {
            if (count[i] < count[best]) {
                best = i;
            }
        }
        return best;
    }

    /** {@code tenant}'s quarantine is over: it runs in the shared children again; an emptied child retires. */
    private void release(String tenant, Quarantine q) {
        quarantines.remove(tenant);
        if (perTenant) {
            return;
        }
        for (Quarantine other : quarantines.values()) {
            if (other.position == q.position) {
                return;
            }
        }
        Position p = isolated[q.position];
        retire(p.child);
        p.child = null;
    }

    private static boolean is(CompletableFuture<ChildProcess> f, ChildProcess child) {
        return f.isDone() && !f.isCompletedExceptionally() && f.join() == child;
    }

    private static long backoff(int crashes) {
        long b = BACKOFF_MIN_NANOS << Math.min(20, Math.max(0, crashes - 2));
        return Math.min(BACKOFF_MAX_NANOS, b);
    }

    /** Why {@code child} died: the supervisor's own reason if it killed it, else what its exit and stderr say. */
    private Death verdict(ChildProcess child) {
        Death killed = child.killedFor();
        if (killed != null) {
            return killed;
        }
        Set<IsolateLink> active = child.active();
        if (closed || child.retiring) {
            return new Death(Death.Kind.CLOSED, child + " was stopped", null, active);
        }
        int code = child.process.exitValue();
        String tail = child.stderrTail();
        Matcher m = OUT_OF_MEMORY.matcher(tail);
        if (m.find()) {
            return new Death(Death.Kind.MEMORY, child + " ran out of memory (V8: " + ChildProcess.printable(clip(m.group()))
                    + ")", blame(child), active);
        }
        String last = lastLine(tail);
        return new Death(Death.Kind.CRASH, child + " died (exit " + code + (code > 128 ? ", signal " + (code - 128) : "")
                + ")" + (last.isEmpty() ? "" : ": " + ChildProcess.printable(clip(last))), blame(child), active);
    }

    private static String clip(String text) {
        return text.length() > 300 ? text.substring(0, 300) + "..." : text;
    }

    private static String lastLine(String text) {
        String t = text.strip();
        int nl = t.lastIndexOf('\n');
        return nl < 0 ? t : t.substring(nl + 1);
    }

    // ---- retiring ---------------------------------------------------------------------------------------

    private void retire(CompletableFuture<ChildProcess> f) {
        if (f == null) {
            return;
        }
        f.thenAccept(c -> {
            c.retiring = true;
            Listener l = listener;
            if (l != null) {
                l.processRetired(c);
            }
            if (c.slots() == 0 && !c.busy()) {
                stop(c);
            }
        });
    }

    /** An isolate in {@code child} was closed: a retiring child with none left stops. */
    void slotClosed(ChildProcess child) {
        if (child.slotClosed() <= 0 && child.retiring && !child.busy()) {
            stop(child);
        }
    }

    private void stop(ChildProcess child) {
        child.kill(new Death(Death.Kind.CLOSED, child + " was retired", null, Set.of()));
    }

    // ---- memory from outside ----------------------------------------------------------------------------

    private void monitor() {
        long lastBusy = 0;
        long lastRefill = System.nanoTime();
        while (!closed) {
            long now = System.nanoTime();
            if (now - lastRefill > RELAUNCH_NANOS) {
                // after a failed start the spares are short until a start is tried again
                synchronized (lock) {
                    refillSpares();
                }
                lastRefill = now;
            }
            boolean busy = false;
            for (ChildProcess c : live) {
                if (!c.ready()) {
                    continue;
                }
                busy |= c.busy();
                long rss = c.readRss();
                if (c.killedFor() != null) {
                    continue;
                }
                long turns = c.turnCeiling(TURN_ROOM_BYTES);
                if (rss > options.processMemoryBytes()) {
                    kill(c, Death.Kind.MEMORY, c + " used " + (rss >> 20) + " MiB of memory, above its ceiling of "
                            + (options.processMemoryBytes() >> 20) + " MiB (EngineOptions.processMemoryBytes)", null);
                } else if (rss > turns) {
                    kill(c, Death.Kind.MEMORY, c + " grew to " + (rss >> 20) + " MiB while scripts ran, above what "
                            + "their memory limits allow (" + (turns >> 20) + " MiB)", null);
                }
            }
            if (busy) {
                lastBusy = now;
            }
            LockSupport.parkNanos(this, now - lastBusy < TimeUnit.SECONDS.toNanos(1) ? BUSY_SAMPLE_NANOS : IDLE_SAMPLE_NANOS);
        }
    }

    // ---- counts and close -------------------------------------------------------------------------------

    int live() {
        return live.size();
    }

    /** Spares that are ready now. */
    int readySpares() {
        synchronized (lock) {
            int ready = 0;
            for (CompletableFuture<ChildProcess> s : spares) {
                if (s.isDone() && usable(s)) {
                    ready++;
                }
            }
            return ready;
        }
    }

    /** The children alive now, for tests and stats. */
    Set<ChildProcess> children() {
        return Set.copyOf(live);
    }

    @Override
    public void close() {
        synchronized (lock) {
            if (closed) {
                return;
            }
            closed = true;
        }
        launcherThread.shutdown();
        try {
            launcherThread.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        for (ChildProcess c : live) {
            c.kill(new Death(Death.Kind.CLOSED, "Forge closed", null, Set.of()));
        }
        for (ChildProcess c : live) {
            try {
                c.process.waitFor(5, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        handshakes.shutdownNow();
        LockSupport.unpark(monitor);
        launcher.cleanUp();
    }
}
