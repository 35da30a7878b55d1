package dev.forge.engine.v8.internal;

import dev.forge.EngineOptions;
import dev.forge.Limits;
import dev.forge.Script;
import dev.forge.ScriptException;
import dev.forge.spi.HostServices;
import org.slf4j.MDC;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Hands isolates to work: new invocations, and host results coming back to invocations in flight.
 *
 * <p>Every isolate has a mailbox of host results and is owned by at most one thread at a time; a thread
 * that owns it runs its mailbox and the invocations waiting for its script, then lets it go. A Script
 * has up to {@code concurrencyPerScript} isolates running one invocation each; an App has one isolate on
 * which up to {@code appInFlight} invocations interleave at their awaits. At most {@code maxIsolates}
 * live in all; idle ones are evicted least-recently-used when a new one is needed, and a script that
 * cannot get one waits as "starving" for the next one freed anywhere.
 *
 * <p>A synchronous caller's thread runs its own invocation (and the host results it waits for) when an
 * isolate is free, then hands the rest to the engine's platform threads.
 *
 * <p>Thread-safety: thread-safe. One lock guards the bookkeeping; no V8 work happens under it.
 */
final class IsolatePool {

    private final Object lock = new Object();
    private final Map<String, ScriptRunner> runners = new HashMap<>();
    private final LinkedHashSet<Isolate> idleLru = new LinkedHashSet<>();
    private final ArrayDeque<ScriptRunner> starving = new ArrayDeque<>();
    private final EngineOptions options;
    private final Limits defaults;
    private final HostServices services;
    private final Watchdog watchdog;
    private final Executor workers;
    private final HostOps hostOps;
    private int live;
    private int busy;
    private int queued;
    private boolean closed;
    final AtomicLong built = new AtomicLong();
    final AtomicLong rebuilt = new AtomicLong();
    final AtomicLong evicted = new AtomicLong();

    IsolatePool(EngineOptions options, Limits defaults, HostServices services, Watchdog watchdog, Executor workers,
                HostOps hostOps) {
        this.options = options;
        this.defaults = defaults;
        this.services = services;
        this.watchdog = watchdog;
        this.workers = workers;
        this.hostOps = hostOps;
    }

    /** The runner for this script version, made on first use. */
    ScriptRunner runner(Script script) {
        String key = ScriptRunner.key(script);
        synchronized (lock) {
            ScriptRunner runner = runners.get(key);
            if (runner == null) {
                Limits limits = script.limitsOr(defaults);
                V8Platform.ensure(limits.heapBytes());
                runner = new ScriptRunner(script, limits, options, services);
                runners.put(key, runner);
            }
            return runner;
        }
    }

    // ---- admission --------------------------------------------------------------------------------------

    /**
     * Starts {@code call} now on an isolate with room (on this thread if {@code inline}), or queues it, or
     * ends it as overloaded when the script's queue is full.
     */
    void submit(ScriptRunner runner, Call call, boolean inline) {
        Isolate isolate = null;
        List<Isolate> evictedNow = null;
        ScriptException broken;
        synchronized (lock) {
            if (closed) {
                call.failed(new ScriptException(ScriptException.Kind.CANCELLED, "Forge is closing"));
                return;
            }
            broken = runner.broken;
            if (runner.forgotten && !runner.retired) {
                // dropped between runner() and here: keep its bookkeeping visible
                runners.putIfAbsent(ScriptRunner.key(runner.script), runner);
                runner.forgotten = false;
            }
            if (broken == null) {
                Isolate busyWithRoom = withRoom(runner);
                if (busyWithRoom != null) {
                    // an App's isolate is owned by a thread right now: that thread starts this call next
                    admit(busyWithRoom, call);
                    busyWithRoom.mailbox.addLast(call);
                    return;
                }
                isolate = admittable(runner);
                if (isolate == null && runner.isolates.size() < runner.maxIsolates && (evictedNow = reserve()) != null) {
                    isolate = newIsolate(runner);
                }
                if (isolate != null) {
                    own(isolate);
                    admit(isolate, call);
                } else if (runner.queue.size() < options.queuePerScript()) {
                    runner.queue.addLast(call);
                    queued++;
                    if (runner.isolates.isEmpty() && !starving.contains(runner)) {
                        starving.addLast(runner);
                    }
                    watchdog.await(call);
                    return;
                } else {
                    call.overloaded(options.overloadStatus(), "script " + runner.script.id() + " has "
                            + runner.queue.size() + " invocations waiting, the most allowed (queuePerScript)");
                    return;
                }
            }
        }
        if (broken != null) {
            call.failed(broken);
            return;
        }
        closeLater(evictedNow);
        Isolate owned = isolate;
        if (inline) {
            drive(owned, call, true);
        } else {
            workers.execute(() -> drive(owned, call, false));
        }
    }

    private Isolate admittable(ScriptRunner runner) {
        for (Isolate i : runner.isolates) {
            if (!i.owned && i.loaded() && i.healthy() && i.inFlight < i.capacity()) {
                return i;
            }
        }
        return null;
    }

    private Isolate withRoom(ScriptRunner runner) {
        for (Isolate i : runner.isolates) {
            if (i.owned && i.healthy() && i.inFlight < i.capacity()) {
                return i;
            }
        }
        return null;
    }

    private Isolate newIsolate(ScriptRunner runner) {
        Isolate isolate = new Isolate(runner, watchdog, this, hostOps);
        runner.isolates.add(isolate);
        return isolate;
    }

    private void own(Isolate isolate) {
        isolate.owned = true;
        busy++;
        idleLru.remove(isolate);
    }

    private static void admit(Isolate isolate, Call call) {
        isolate.inFlight++;
        call.isolate = isolate;
    }

    /** The next queued call of {@code isolate}'s script that has not ended while it waited, admitted. */
    private Call admitQueued(Isolate isolate) {
        if (isolate.inFlight >= isolate.capacity() || isolate.runner.broken != null) {
            return null;
        }
        Call c;
        while ((c = isolate.runner.queue.pollFirst()) != null) {
            queued--;
            if (!c.isDone()) {
                admit(isolate, c);
                return c;
            }
        }
        return null;
    }

    /** Takes a slot under the cap, evicting the least recently used idle isolate if needed; null if none. */
    private List<Isolate> reserve() {
        if (live < options.maxIsolates()) {
            live++;
            return List.of();
        }
        Iterator<Isolate> lru = idleLru.iterator();
        if (!lru.hasNext()) {
            return null;
        }
        Isolate victim = lru.next();
        lru.remove();
        victim.runner.isolates.remove(victim);
        forgetIfUnused(victim.runner);
        evicted.incrementAndGet();
        return List.of(victim);
    }

    // ---- running ----------------------------------------------------------------------------------------

    /**
     * Works on {@code isolate}, which this thread owns: {@code first} (if any), then its mailbox and the
     * invocations waiting for its script, until there is nothing left or, on a caller's thread, until the
     * caller's own invocation has what it waits for.
     */
    private void drive(Isolate isolate, Call first, boolean callerThread) {
        Isolate current = isolate;
        Call call = first;
        Isolate.Delivery delivery = null;
        while (true) {
            if (call != null || delivery != null) {
                runOne(current, call, delivery);
                current.watchPending(false);
            }
            if (!current.loaded() || !current.healthy()) {
                Replacement next = discard(current);
                if (next == null) {
                    return;
                }
                current = next.isolate;
                call = next.call;
                delivery = null;
                continue;
            }
            Runnable handOff = null;
            synchronized (lock) {
                Object task = current.mailbox.pollFirst();
                delivery = task instanceof Isolate.Delivery d ? d : null;
                call = task instanceof Call c ? c : null;
                if (task != null && callerThread && (call != null || first.isDone())) {
                    // a caller's thread only waits for its own call's results
                    current.mailbox.addFirst(task);
                    delivery = null;
                    call = null;
                } else if (task == null && !callerThread) {
                    call = admitQueued(current);
                }
                if (delivery == null && call == null) {
                    current.watchPending(true);
                    if (callerThread && hasWork(current)) {
                        Isolate owned = current;
                        handOff = () -> drive(owned, null, false);
                    } else {
                        release(current);
                    }
                }
            }
            if (delivery == null && call == null) {
                if (handOff != null) {
                    workers.execute(handOff);
                }
                return;
            }
        }
    }

    private boolean hasWork(Isolate isolate) {
        return !isolate.mailbox.isEmpty()
                || isolate.inFlight < isolate.capacity() && !isolate.runner.queue.isEmpty();
    }

    /** Lets an isolate go; an idle one joins the LRU list, or gives its slot to a starving script. */
    private void release(Isolate isolate) {
        isolate.owned = false;
        busy--;
        if (isolate.inFlight == 0 && isolate.mailbox.isEmpty()) {
            if (!starving.isEmpty() && !closed) {
                isolate.runner.isolates.remove(isolate);
                live--;
                forgetIfUnused(isolate.runner);
                closeLater(List.of(isolate));
                wakeStarving();
            } else if (closed || isolate.runner.retired) {
                isolate.runner.isolates.remove(isolate);
                live--;
                forgetIfUnused(isolate.runner);
                closeLater(List.of(isolate));
            } else {
                idleLru.add(isolate);
            }
        }
    }

    /** A new isolate and its first call, for a script whose last isolate had to go. */
    private record Replacement(Isolate isolate, Call call) {
    }

    /** Closes an isolate that failed to load or is no longer healthy; starts a new one if calls wait. */
    private Replacement discard(Isolate isolate) {
        ScriptRunner runner = isolate.runner;
        if (isolate.loaded()) {
            rebuilt.incrementAndGet();
        }
        Replacement next = null;
        synchronized (lock) {
            runner.isolates.remove(isolate);
            idleLru.remove(isolate);
            requeueStarts(isolate);
            isolate.owned = false;
            busy--;
            live--;
            if (runner.broken != null) {
                failQueued(runner);
            } else if (!closed && !runner.queue.isEmpty() && runner.isolates.size() < runner.maxIsolates && live < options.maxIsolates()) {
                live++;
                Isolate fresh = newIsolate(runner);
                own(fresh);
                Call c = admitQueued(fresh);
                if (c != null) {
                    next = new Replacement(fresh, c);
                } else {
                    runner.isolates.remove(fresh);
                    fresh.owned = false;
                    busy--;
                    live--;
                }
            }
            if (next == null) {
                forgetIfUnused(runner);
                wakeStarving();
            }
        }
        isolate.close();
        return next;
    }

    /** Calls admitted to an isolate that is going away, but not yet started there, wait again in front. */
    private void requeueStarts(Isolate isolate) {
        Object task;
        while ((task = isolate.mailbox.pollLast()) != null) {
            if (task instanceof Call c && !c.isDone()) {
                c.isolate = null;
                isolate.inFlight--;
                isolate.runner.queue.addFirst(c);
                queued++;
            }
        }
    }

    /** Gives a free slot to the first starving script that still has calls waiting. */
    private void wakeStarving() {
        while (!starving.isEmpty() && live < options.maxIsolates() && !closed) {
            ScriptRunner r = starving.pollFirst();
            if (r.broken != null || r.queue.isEmpty() || r.isolates.size() >= r.maxIsolates) {
                continue;
            }
            live++;
            Isolate fresh = newIsolate(r);
            own(fresh);
            Call c = admitQueued(fresh);
            if (c == null) {
                r.isolates.remove(fresh);
                fresh.owned = false;
                busy--;
                live--;
                continue;
            }
            workers.execute(() -> drive(fresh, c, false));
            return;
        }
    }

    /** Runs one call (loading the isolate first if needed) or one delivery, with the call's MDC. */
    private void runOne(Isolate isolate, Call call, Isolate.Delivery delivery) {
        Script script = isolate.runner.script;
        Call subject = call != null ? call : delivery.call();
        MDC.put("tenant", script.tenant());
        MDC.put("script", script.id());
        if (subject.callId != null) {
            MDC.put("callid", subject.callId);
        }
        try {
            if (call == null) {
                isolate.deliver(delivery);
            } else if (isolate.loaded() || load(isolate, call)) {
                isolate.start(call);
            }
        } finally {
            MDC.remove("tenant");
            MDC.remove("script");
            MDC.remove("callid");
        }
    }

    private boolean load(Isolate isolate, Call call) {
        call.coldStart = true;
        call.runStartNanos = System.nanoTime();
        try {
            isolate.load(call);
            built.incrementAndGet();
            return true;
        } catch (Isolate.LoadTimeout e) {
            call.timedOut();
        } catch (ScriptException e) {
            if (e.kind() == ScriptException.Kind.SYNTAX) {
                synchronized (lock) {
                    isolate.runner.broken = e;
                }
            }
            call.failed(e);
        } catch (IllegalStateException e) {
            call.failed(new ScriptException(ScriptException.Kind.HOST, e.getMessage(), e));
        }
        return false;
    }

    // ---- events from other threads --------------------------------------------------------------------

    /** A host result for one of {@code isolate}'s calls: queue it, and find a thread if none owns the isolate. */
    void post(Isolate isolate, Isolate.Delivery delivery) {
        synchronized (lock) {
            if (closed || !isolate.runner.isolates.contains(isolate)) {
                return;
            }
            isolate.mailbox.addLast(delivery);
            if (!isolate.owned) {
                own(isolate);
                workers.execute(() -> drive(isolate, null, false));
            }
        }
    }

    /** One of {@code isolate}'s calls ended (on any thread): there is room for the next. */
    void callEnded(Isolate isolate, Call call) {
        synchronized (lock) {
            isolate.inFlight--;
            if (isolate.owned || closed || !isolate.loaded() || !isolate.runner.isolates.contains(isolate)) {
                return;
            }
            if (hasWork(isolate)) {
                own(isolate);
                workers.execute(() -> drive(isolate, null, false));
            } else if (isolate.inFlight == 0 && isolate.mailbox.isEmpty()) {
                idleLru.add(isolate);
            }
        }
    }

    // ---- housekeeping -----------------------------------------------------------------------------------

    private void failQueued(ScriptRunner runner) {
        Call c;
        while ((c = runner.queue.pollFirst()) != null) {
            queued--;
            c.failed(runner.broken);
        }
    }

    /**
     * Drops a runner that has no isolate and nothing queued, so that the map does not grow with every
     * script ever run. A runner whose script failed to compile is kept (unless retired), so that the
     * failure is not compiled again on every call.
     */
    private void forgetIfUnused(ScriptRunner runner) {
        if (runner.isolates.isEmpty() && runner.queue.isEmpty() && (runner.retired || runner.broken == null)) {
            if (runners.remove(ScriptRunner.key(runner.script), runner)) {
                runner.forgotten = true;
            }
        }
    }

    /** Retires every version of a script: idle isolates close now, busy ones when they finish. */
    void evict(String scriptId) {
        List<Isolate> toClose = new ArrayList<>();
        synchronized (lock) {
            for (ScriptRunner runner : new ArrayList<>(runners.values())) {
                if (runner.script.id().equals(scriptId)) {
                    runner.retired = true;
                    for (Isolate i : new ArrayList<>(runner.isolates)) {
                        if (!i.owned && i.inFlight == 0 && i.mailbox.isEmpty()) {
                            idleLru.remove(i);
                            runner.isolates.remove(i);
                            live--;
                            toClose.add(i);
                        }
                    }
                    runners.remove(ScriptRunner.key(runner.script));
                    runner.forgotten = true;
                }
            }
        }
        closeLater(toClose);
    }

    int[] counts() {
        synchronized (lock) {
            return new int[] {live, busy, queued, runners.size()};
        }
    }

    /** Ends queued invocations as cancelled and closes idle isolates; busy ones close as they finish. */
    void close() {
        List<Isolate> toClose = new ArrayList<>();
        synchronized (lock) {
            closed = true;
            for (ScriptRunner runner : runners.values()) {
                Call c;
                while ((c = runner.queue.pollFirst()) != null) {
                    c.failed(new ScriptException(ScriptException.Kind.CANCELLED, "Forge closed before the invocation ran"));
                }
                for (Isolate i : new ArrayList<>(runner.isolates)) {
                    if (!i.owned) {
                        runner.isolates.remove(i);
                        live--;
                        toClose.add(i);
                    }
                }
            }
            queued = 0;
            idleLru.clear();
        }
        toClose.forEach(Isolate::close);
    }

    /** Closes isolates on an engine thread, off the caller's path. */
    private void closeLater(List<Isolate> isolates) {
        if (isolates != null && !isolates.isEmpty()) {
            workers.execute(() -> isolates.forEach(Isolate::close));
        }
    }
}
