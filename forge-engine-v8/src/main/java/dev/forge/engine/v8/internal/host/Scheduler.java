package dev.forge.engine.v8.internal.host;

import dev.forge.EngineOptions;
import dev.forge.Limits;
import dev.forge.Outcome;
import dev.forge.Script;
import dev.forge.ScriptException;
import dev.forge.ScriptKind;
import dev.forge.engine.v8.internal.child.HostCalls;
import dev.forge.engine.v8.internal.child.IsolateRunner;
import dev.forge.engine.v8.internal.wire.Tags;
import dev.forge.spi.HostServices;
import org.slf4j.Logger;
import org.slf4j.MDC;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.Future;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Hands isolates to work, and owns every piece of scheduling state: scripts, their queues, their isolates
 * ({@link Slot}s), the tenants' shares, and what each isolate has in flight.
 *
 * <p>Every isolate has a mailbox (calls admitted to it, host results coming back) and is owned by at most one
 * thread at a time; a thread that owns it runs its turns, then lets it go. At most {@code threads} isolates
 * are owned at once, and at most {@code tenantShare} of one tenant's, so that one tenant's stuck calls never
 * take every thread. A Script has up to {@code concurrencyPerScript} isolates running one invocation each; an
 * App has one isolate on which up to {@code appInFlight} invocations interleave at their awaits. At most
 * {@code maxIsolates} live in all, and one tenant keeps at most its share of them; idle ones are evicted
 * least-recently-used when a new one is needed. Work that cannot start waits in order and is watched by its
 * deadline all the while.
 *
 * <p>One call, start to end: {@link #submit} admits it to an isolate (or queues it); the owning thread (the
 * caller's own, when it may run scripts) loads the isolate if needed and runs the call's turn through the
 * isolate's {@link IsolateLink}; the script's host operations come back through a {@link HostCalls} bound to
 * the isolate and are checked against this record; the result becomes an outcome in {@link #finish}.
 *
 * <p>Thread-safety: thread-safe. One lock guards the bookkeeping; no V8 work happens under it.
 */
final class Scheduler implements Watchdog.Deadlines, HostOps.Poster, Supervisor.Listener {

    private static final long PROBE_NANOS = TimeUnit.MILLISECONDS.toNanos(50);
    private static final long UNWATCHED_NANOS = TimeUnit.MILLISECONDS.toNanos(1);
    /** A call caught in a dead process runs again only if this much of its time is left. */
    private static final long MIN_RETRY_NANOS = TimeUnit.MILLISECONDS.toNanos(20);
    /** How long preparing a script (Forge.load) waits for its tenant's isolate process to start. */
    private static final long PREPARE_WAIT_NANOS = TimeUnit.SECONDS.toNanos(30);

    private final Object lock = new Object();
    private final Map<String, ScriptState> scripts = new HashMap<>();
    private final Map<String, TenantState> tenants = new HashMap<>();
    private final LinkedHashSet<Slot> idleLru = new LinkedHashSet<>();
    /** Scripts with calls waiting for a thread or an isolate, oldest first. */
    private final ArrayDeque<ScriptState> waiting = new ArrayDeque<>();
    /** Isolates with host results waiting for a thread. */
    private final ArrayDeque<Slot> waitingSlots = new ArrayDeque<>();
    private final EngineOptions options;
    private final Limits defaults;
    private final HostServices services;
    private final Watchdog watchdog;
    private final Workers workers;
    private final Executor closer;
    private final HostOps hostOps;
    private final Isolates isolates;
    private final EngineEvents events;
    private final int tenantIsolates;
    private final long graceNanos;
    private final AtomicInteger slotIds = new AtomicInteger();
    private int live;
    private int running;
    private int queued;
    private boolean closed;
    final AtomicLong built = new AtomicLong();
    final AtomicLong rebuilt = new AtomicLong();
    final AtomicLong evicted = new AtomicLong();

    Scheduler(EngineOptions options, Limits defaults, HostServices services, Watchdog watchdog, Workers workers,
              Executor closer, ScheduledExecutorService timers, Isolates isolates,
              EngineEvents events) {
        this.options = options;
        this.defaults = defaults;
        this.services = services;
        this.watchdog = watchdog;
        this.workers = workers;
        this.closer = closer;
        this.isolates = isolates;
        this.events = events;
        this.hostOps = new HostOps(services, timers, this);
        this.tenantIsolates = Math.max(1, (int) ((long) options.maxIsolates() * options.tenantShare() / options.threads()));
        this.graceNanos = options.killGrace().toNanos();
    }

    /** The state of this script version, made on first use. */
    ScriptState state(Script script) {
        String key = ScriptState.key(script);
        synchronized (lock) {
            ScriptState s = scripts.get(key);
            if (s == null) {
                Limits limits = script.limitsOr(defaults);
                isolates.checkHeap(limits.heapBytes());
                TenantState tenant = tenants.computeIfAbsent(script.tenant(), TenantState::new);
                s = new ScriptState(script, limits, tenant, options, services);
                scripts.put(key, s);
            }
            return s;
        }
    }

    // ---- admission --------------------------------------------------------------------------------------

    /**
     * Starts {@code call} now on an isolate with room (on this thread if {@code inline}), or queues it, or
     * ends it as overloaded when the script's queue is full.
     */
    void submit(ScriptState s, Call call, boolean inline) {
        call.state = s;
        Slot slot = null;
        List<Slot> evictedNow = null;
        ScriptException broken;
        synchronized (lock) {
            if (closed) {
                call.complete(call.failed(ScriptException.Kind.CANCELLED, "Forge is closing"));
                return;
            }
            broken = s.broken;
            if (s.forgotten && !s.retired) {
                // dropped between state() and here: keep its bookkeeping visible
                scripts.putIfAbsent(ScriptState.key(s.script), s);
                s.forgotten = false;
            }
            if (broken == null) {
                Slot busy = ownedWithRoom(s);
                if (busy != null) {
                    // an App's isolate is owned by a thread right now: that thread starts this call next
                    admit(busy, call);
                    busy.mailbox.addLast(call);
                    watchdog.await(call);
                    return;
                }
                if (canRun(s.tenant)) {
                    slot = admittable(s);
                    if (slot == null && s.slots.size() < s.maxSlots && (evictedNow = reserve(s.tenant)) != null) {
                        slot = newSlot(s);
                    }
                    if (slot != null) {
                        own(slot, !inline);
                        admit(slot, call);
                    }
                }
                if (slot == null) {
                    if (s.queue.size() >= options.queuePerScript()) {
                        call.complete(call.overloaded(options.overloadStatus(), "script " + s.script.id() + " has "
                                + s.queue.size() + " invocations waiting, the most allowed (queuePerScript)"));
                        return;
                    }
                    s.queue.addLast(call);
                    queued++;
                    markWaiting(s);
                    watchdog.await(call);
                    return;
                }
            }
        }
        if (broken != null) {
            call.complete(call.failed(broken));
            return;
        }
        closeLater(evictedNow);
        Slot owned = slot;
        if (inline) {
            drive(owned, call, true);
        } else {
            workers.execute(() -> drive(owned, call, false));
        }
    }

    /**
     * Builds the script's first isolate now, on an engine thread, and waits for it: the first call then
     * costs what a warm one costs. Does nothing if the script has an isolate, cannot get one now, or does
     * not load (its calls will say why).
     */
    void prepare(Script script) {
        ScriptState s = state(script);
        Slot slot;
        List<Slot> evictedNow;
        synchronized (lock) {
            if (closed || s.broken != null || !s.slots.isEmpty() || !canRun(s.tenant)
                    || (evictedNow = reserve(s.tenant)) == null) {
                return;
            }
            slot = newSlot(s);
            own(slot, true);
        }
        closeLater(evictedNow);
        CompletableFuture<Void> done = new CompletableFuture<>();
        workers.execute(() -> {
            try {
                runOne(slot, null, null);
                drive(slot, null, false);
            } finally {
                // once the slot is let go, so that the first call runs on its caller's thread
                done.complete(null);
            }
        });
        try {
            done.get(TimeUnit.NANOSECONDS.toMillis(PREPARE_WAIT_NANOS) + s.limits.timeout().toMillis()
                    + options.killGrace().toMillis() + 5_000, TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (Exception e) {
            V8Engine.LOG.debug("preparing {} did not finish: {}", script.id(), e.toString());
        }
    }

    private boolean canRun(TenantState t) {
        return running < options.threads() && t.running < options.tenantShare();
    }

    private Slot admittable(ScriptState s) {
        for (Slot i : s.slots) {
            if (!i.owned && i.loaded && i.healthy && i.inFlight < i.capacity(options.appInFlight())) {
                return i;
            }
        }
        return null;
    }

    private Slot ownedWithRoom(ScriptState s) {
        for (Slot i : s.slots) {
            if (i.owned && i.loaded && i.healthy && i.inFlight < i.capacity(options.appInFlight())) {
                return i;
            }
        }
        return null;
    }

    private Slot newSlot(ScriptState s) {
        Slot slot = new Slot(s, slotIds.incrementAndGet());
        slot.host = new SlotHost(slot);
        s.slots.add(slot);
        return slot;
    }

    private void own(Slot slot, boolean worker) {
        slot.owned = true;
        slot.ownerIsWorker = worker;
        running++;
        slot.script.tenant.running++;
        idleLru.remove(slot);
    }

    private void disown(Slot slot) {
        slot.owned = false;
        running--;
        slot.script.tenant.running--;
    }

    private static void admit(Slot slot, Call call) {
        slot.inFlight++;
        call.slot = slot;
    }

    private void markWaiting(ScriptState s) {
        if (!s.waiting) {
            s.waiting = true;
            waiting.addLast(s);
        }
    }

    /** The next queued call of {@code slot}'s script that has not ended while it waited, admitted. */
    private Call admitQueued(Slot slot) {
        ScriptState s = slot.script;
        if (slot.inFlight >= slot.capacity(options.appInFlight()) || s.broken != null) {
            return null;
        }
        Call c;
        while ((c = s.queue.pollFirst()) != null) {
            queued--;
            if (!c.isDone()) {
                admit(slot, c);
                return c;
            }
        }
        return null;
    }

    /**
     * Takes an isolate slot under the caps: the tenant's share, then {@code maxIsolates}, evicting the least
     * recently used idle isolate (the tenant's own first when it is at its share) if needed.
     *
     * @return the isolates evicted to make room (to close off the lock), or null if there is no room
     */
    private List<Slot> reserve(TenantState t) {
        if (t.slots >= tenantIsolates) {
            for (Slot victim : idleLru) {
                if (victim.script.tenant == t) {
                    evictIdle(victim);
                    t.slots++;
                    live++;
                    return List.of(victim);
                }
            }
            return null;
        }
        if (live < options.maxIsolates()) {
            live++;
            t.slots++;
            return List.of();
        }
        Iterator<Slot> lru = idleLru.iterator();
        if (!lru.hasNext()) {
            return null;
        }
        Slot victim = lru.next();
        evictIdle(victim);
        live++;
        t.slots++;
        return List.of(victim);
    }

    private void evictIdle(Slot victim) {
        drop(victim);
        evicted.incrementAndGet();
    }

    /** Removes a slot from its script and the counts (its owner, if any, keeps running it). */
    private void drop(Slot slot) {
        if (slot.gone) {
            return;
        }
        slot.gone = true;
        ScriptState s = slot.script;
        s.slots.remove(slot);
        idleLru.remove(slot);
        live--;
        s.tenant.slots--;
        forgetIfUnused(s);
    }

    /** Starts waiting work while threads and shares allow: host results first, then queued calls. */
    private void dispatch() {
        if (closed) {
            return;
        }
        List<Slot> toClose = null;
        for (Iterator<Slot> it = waitingSlots.iterator(); it.hasNext() && running < options.threads(); ) {
            Slot slot = it.next();
            if (slot.gone || slot.owned || !hasWork(slot)) {
                it.remove();
                slot.waiting = false;
            } else if (slot.script.tenant.running < options.tenantShare()) {
                it.remove();
                slot.waiting = false;
                own(slot, true);
                workers.execute(() -> drive(slot, null, false));
            }
        }
        for (Iterator<ScriptState> it = waiting.iterator(); it.hasNext() && running < options.threads(); ) {
            ScriptState s = it.next();
            if (s.broken != null || s.queue.isEmpty()) {
                it.remove();
                s.waiting = false;
                continue;
            }
            if (s.tenant.running >= options.tenantShare()) {
                continue;
            }
            Slot slot = admittable(s);
            if (slot == null && s.slots.size() < s.maxSlots) {
                List<Slot> ev = reserve(s.tenant);
                if (ev != null) {
                    if (!ev.isEmpty()) {
                        toClose = toClose == null ? new ArrayList<>() : toClose;
                        toClose.addAll(ev);
                    }
                    slot = newSlot(s);
                }
            }
            if (slot == null) {
                continue;
            }
            Call c = admitQueued(slot);
            if (c == null) {
                if (slot.link == null && !slot.loaded) {
                    drop(slot);
                }
                it.remove();
                s.waiting = false;
                continue;
            }
            own(slot, true);
            if (s.queue.isEmpty()) {
                it.remove();
                s.waiting = false;
            }
            Slot owned = slot;
            workers.execute(() -> drive(owned, c, false));
        }
        closeLater(toClose);
    }

    // ---- running ----------------------------------------------------------------------------------------

    /**
     * Works on {@code slot}, which this thread owns: {@code first} (if any), then its mailbox and the
     * invocations waiting for its script, until there is nothing left or, on a caller's thread, until the
     * caller's own invocation has what it waits for.
     */
    private void drive(Slot slot, Call first, boolean callerThread) {
        Slot current = slot;
        Call call = first;
        Slot.Delivery delivery = null;
        while (true) {
            if (call != null || delivery != null) {
                runOne(current, call, delivery);
                if (current.abandoned) {
                    leftBehind(current);
                    return;
                }
                watchPending(current, false);
            }
            if (!current.loaded || !current.healthy) {
                Replacement next = discard(current);
                if (next == null) {
                    return;
                }
                current = next.slot;
                call = next.call;
                delivery = null;
                continue;
            }
            Runnable handOff = null;
            synchronized (lock) {
                Object task = current.mailbox.pollFirst();
                delivery = task instanceof Slot.Delivery d ? d : null;
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
                    watchPending(current, true);
                    if (callerThread && hasWork(current)) {
                        Slot owned = current;
                        owned.ownerIsWorker = true;
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

    private boolean hasWork(Slot slot) {
        return !slot.mailbox.isEmpty()
                || slot.inFlight < slot.capacity(options.appInFlight()) && !slot.script.queue.isEmpty();
    }

    /** Lets a slot go: an idle one joins the LRU list (or closes, if its script or process is retiring). */
    private void release(Slot slot) {
        disown(slot);
        if (slot.gone) {
            closeLater(List.of(slot));
        } else if (slot.inFlight == 0 && slot.mailbox.isEmpty()) {
            IsolateLink link = slot.link;
            if (closed || slot.script.retired || link instanceof RemoteLink r && r.child.retiring) {
                drop(slot);
                closeLater(List.of(slot));
            } else {
                idleLru.add(slot);
            }
        }
        dispatch();
    }

    /** A new isolate and its first call, for a script whose isolate had to go. */
    private record Replacement(Slot slot, Call call) {
    }

    /** Closes an isolate that failed to load or is no longer healthy; starts a new one if calls wait. */
    private Replacement discard(Slot slot) {
        ScriptState s = slot.script;
        if (slot.loaded) {
            rebuilt.incrementAndGet();
        }
        Replacement next = null;
        List<Call> failQueued = null;
        synchronized (lock) {
            drop(slot);
            requeueStarts(slot);
            disown(slot);
            if (s.broken != null) {
                failQueued = new ArrayList<>(s.queue);
                queued -= s.queue.size();
                s.queue.clear();
            } else if (!closed && !s.queue.isEmpty() && canRun(s.tenant) && s.slots.size() < s.maxSlots) {
                List<Slot> ev = reserve(s.tenant);
                if (ev != null) {
                    closeLater(ev);
                    Slot fresh = newSlot(s);
                    Call c = admitQueued(fresh);
                    if (c != null) {
                        own(fresh, slot.ownerIsWorker);
                        next = new Replacement(fresh, c);
                    } else {
                        drop(fresh);
                    }
                }
            }
            dispatch();
        }
        if (failQueued != null) {
            for (Call c : failQueued) {
                finish(c, c.failed(s.broken));
            }
        }
        for (Call c : slot.calls.values()) {
            finish(c, c.failed(ScriptException.Kind.CANCELLED, "the isolate was closed while the invocation waited"));
        }
        closeLink(slot);
        return next;
    }

    /** Calls admitted to an isolate that is going away, but not started there, wait again in front. */
    private void requeueStarts(Slot slot) {
        Object task;
        while ((task = slot.mailbox.pollLast()) != null) {
            if (task instanceof Call c && !c.isDone()) {
                c.slot = null;
                slot.inFlight--;
                slot.script.queue.addFirst(c);
                queued++;
                markWaiting(slot.script);
            }
        }
    }

    /** Runs one call (loading the isolate first if needed) or one delivery, with the call's MDC. */
    private void runOne(Slot slot, Call call, Slot.Delivery delivery) {
        ScriptState s = slot.script;
        Call subject = call != null ? call : delivery != null ? delivery.call() : null;
        MDC.put("tenant", s.script.tenant());
        MDC.put("script", s.script.id());
        if (subject != null && subject.callId != null) {
            MDC.put("callid", subject.callId);
        }
        try {
            if (delivery != null) {
                deliver(slot, delivery);
            } else if (call != null && call.isDone()) {
                return;
            } else if ((slot.loaded || load(slot, call)) && call != null) {
                start(slot, call);
            }
        } finally {
            MDC.remove("tenant");
            MDC.remove("script");
            MDC.remove("callid");
        }
    }

    /** Builds {@code slot}'s isolate under {@code call}'s deadline (or the script's timeout, with no call). */
    private boolean load(Slot slot, Call call) {
        ScriptState s = slot.script;
        long now = System.nanoTime();
        if (call != null) {
            call.coldStart = true;
            call.runStartNanos = now;
        }
        if (slot.link == null) {
            // a call waits for its isolate's process within its own deadline; preparing waits for it to start
            long ready = call != null ? call.stretchDeadline(now) : now + PREPARE_WAIT_NANOS;
            try {
                slot.link = isolates.create(s, ready);
                watchdog.register(slot);
            } catch (Supervisor.Unavailable e) {
                slot.healthy = false;
                if (call != null) {
                    finish(call, e.quarantined ? call.overloaded(options.overloadStatus(), e.getMessage())
                            : e.timedOut ? call.timedOut() : call.failed(ScriptException.Kind.HOST, e.getMessage()));
                }
                return false;
            } catch (RuntimeException e) {
                slot.healthy = false;
                if (call != null) {
                    finish(call, call.failed(new ScriptException(ScriptException.Kind.HOST, e.getMessage(), e)));
                }
                return false;
            }
        }
        long start = System.nanoTime();
        long deadline = call != null ? call.stretchDeadline(start) : start + s.limits.timeout().toNanos();
        long turn = beginTurn(slot, deadline, call);
        try {
            IsolateRunner.LoadFailure failure = slot.link.load(turn, s.spec, slot.host);
            if (failure == null) {
                slot.loaded = true;
                built.incrementAndGet();
                return true;
            }
            ScriptException e = loadError(s, failure);
            if (e.kind() == ScriptException.Kind.SYNTAX) {
                synchronized (lock) {
                    s.broken = e;
                }
            }
            if (call != null) {
                finish(call, call.failed(e));
            }
        } catch (IsolateRunner.Terminated e) {
            slot.healthy = false;
            terminated(call, e);
        } catch (IsolateRunner.Broken e) {
            slot.healthy = false;
            if (call != null) {
                finish(call, call.failed(ScriptException.Kind.HOST, e.getMessage()));
            }
        } catch (LinkDied e) {
            lost(slot, e.death(), call, false);
        } finally {
            endTurn(slot);
        }
        return false;
    }

    private static ScriptException loadError(ScriptState s, IsolateRunner.LoadFailure f) {
        ScriptException.Kind kind = switch (f.kind()) {
            case "syntax" -> ScriptException.Kind.SYNTAX;
            case "stack" -> ScriptException.Kind.STACK;
            case "host" -> ScriptException.Kind.HOST;
            default -> ScriptException.Kind.RUNTIME;
        };
        String message = f.message();
        if (kind == ScriptException.Kind.SYNTAX && !s.app && message.contains("await")) {
            message += " (a Script is synchronous; make it an App, type app, to use await)";
        }
        return new ScriptException(kind, message, f.stack(), f.line(), f.column());
    }

    /** Starts one invocation on the owner's thread. A Script's call ends here; an App's may wait on promises. */
    private void start(Slot slot, Call call) {
        long now = System.nanoTime();
        call.runStartNanos = now;
        int inv = ++slot.lastInv;
        call.inv = inv;
        if (slot.script.tracked) {
            slot.calls.put(inv, call);
        }
        String forget = slot.takeForgettable();
        long turn = beginTurn(slot, call.stretchDeadline(now), call);
        String result;
        try {
            result = slot.link.enter(turn, Tags.MODE_START, inv, call.function, call.dataJson, forget, slot.host);
        } catch (IsolateRunner.Terminated e) {
            afterTermination(slot, call, e);
            return;
        } catch (IsolateRunner.Broken e) {
            slot.healthy = false;
            finish(call, call.failed(ScriptException.Kind.HOST, "V8 failed: " + e.getMessage()));
            return;
        } catch (LinkDied e) {
            lost(slot, e.death(), call);
            return;
        } finally {
            endTurn(slot);
        }
        if (Tags.is(result, Tags.PENDING)) {
            if (!call.isDone()) {
                // handed to the watchdog by watchPending: most awaits are answered before that is needed
                if (slot.unwatched.isEmpty()) {
                    slot.unwatchedSince = System.nanoTime();
                }
                slot.unwatched.add(call);
            }
            return;
        }
        if (slot.script.tracked) {
            slot.calls.remove(inv, call);
        }
        settled(call, result, true);
    }

    /** Hands a host result to the invocation that asked for it, unless that invocation has ended. */
    private void deliver(Slot slot, Slot.Delivery delivery) {
        Call call = delivery.call();
        if (call.isDone() || slot.calls.get(call.inv) != call) {
            return;
        }
        String forget = slot.takeForgettable();
        long turn = beginTurn(slot, call.stretchDeadline(System.nanoTime()), call);
        try {
            slot.link.enter(turn, Tags.MODE_DELIVER, call.inv, delivery.operation(), delivery.payload(), forget, slot.host);
        } catch (IsolateRunner.Terminated e) {
            afterTermination(slot, call, e);
        } catch (IsolateRunner.Broken e) {
            slot.healthy = false;
            finish(call, call.failed(ScriptException.Kind.HOST, "V8 failed: " + e.getMessage()));
        } catch (LinkDied e) {
            lost(slot, e.death(), call);
        } finally {
            endTurn(slot);
        }
    }

    /** A settled result of {@code call}: its outcome (or, for data that is not JSON, the host's mistake). */
    private void settled(Call call, String result, boolean scriptKnows) {
        Outcome outcome;
        try {
            outcome = Results.outcome(call, result, call.script.name());
        } catch (IllegalArgumentException hostMistake) {
            if (call.fail(hostMistake)) {
                ended(call, scriptKnows);
            }
            return;
        }
        if (call.complete(outcome)) {
            ended(call, scriptKnows);
        }
    }

    private void terminated(Call call, IsolateRunner.Terminated e) {
        if (call == null || call.isDone()) {
            return;
        }
        if (e.memoryMessage() != null) {
            finish(call, call.failed(ScriptException.Kind.MEMORY, e.memoryMessage()), () -> events.memory(call, e.memoryMessage()));
        } else {
            finish(call, call.timedOut(), () -> events.timeout(call));
        }
    }

    private void afterTermination(Slot slot, Call call, IsolateRunner.Terminated e) {
        terminated(call, e);
        if (e.memoryMessage() != null) {
            slot.healthy = false;
            return;
        }
        // A Script's isolate is rebuilt after a timeout: V8 can leave a function that was terminated over and
        // over checking for interrupts only every few hundred milliseconds, and nothing else waits on it.
        // An App's isolate carries other invocations' awaits, so it is kept if it still answers.
        slot.healthy = slot.script.app && probe(slot);
    }

    private boolean probe(Slot slot) {
        long turn = beginTurn(slot, System.nanoTime() + PROBE_NANOS, null);
        try {
            return slot.link.probe(turn);
        } catch (LinkDied e) {
            lost(slot, e.death(), null);
            return false;
        } finally {
            endTurn(slot);
        }
    }

    /**
     * Puts a slot's waiting calls under the watchdog, so that they time out at their deadlines: at once if
     * {@code now} (the owner is letting the slot go), else once the oldest has waited {@link #UNWATCHED_NANOS}.
     * Until then the owner is still working here and will most likely deliver what they wait for, so the
     * usual fast await costs the watchdog nothing. Owner thread only.
     */
    private void watchPending(Slot slot, boolean now) {
        if (slot.unwatched.isEmpty() || !now && System.nanoTime() - slot.unwatchedSince < UNWATCHED_NANOS) {
            return;
        }
        Call call;
        while ((call = slot.unwatched.poll()) != null) {
            if (!call.isDone()) {
                watchdog.await(call);
            }
        }
    }

    // ---- turns and their deadlines ----------------------------------------------------------------------

    private long beginTurn(Slot slot, long deadline, Call call) {
        // unguessable, so that an answer a broken child wrote ahead for a later turn never matches it
        long turn = ThreadLocalRandom.current().nextLong() | 1;
        slot.consoleLines = 0;
        slot.turnFrames = 0;
        synchronized (slot.watchLock) {
            slot.expired = false;
            slot.overran = false;
            slot.current = call;
            slot.turn = turn;
            slot.deadline = deadline;
        }
        watchdog.armed(deadline);
        return turn;
    }

    /** Ends the watch; a watchdog that raced with it may still ask V8 to end this turn, which is checked there. */
    private void endTurn(Slot slot) {
        slot.deadline = 0;
        slot.current = null;
    }

    @Override
    public void turnExpired(Slot slot, long deadline, long now) {
        Call call;
        long turn;
        boolean first;
        boolean overrun = false;
        synchronized (slot.watchLock) {
            if (slot.deadline != deadline) {
                return;
            }
            first = !slot.expired;
            slot.expired = true;
            call = slot.current;
            turn = slot.turn;
            if (!slot.overran && now - deadline >= graceNanos) {
                slot.overran = true;
                overrun = true;
            }
        }
        if (first && call != null) {
            finish(call, call.timedOut(), () -> events.timeout(call));
        }
        IsolateLink link = slot.link;
        if (link != null) {
            link.terminate(turn);
        }
        if (overrun) {
            overran(slot, call, link);
        }
    }

    @Override
    public void callExpired(Call call) {
        finish(call, call.timedOut(), () -> events.timeout(call));
    }

    /** A turn ignored termination past the grace: kill its process, or (in-process) leave its thread behind. */
    private void overran(Slot slot, Call call, IsolateLink link) {
        long graceMillis = TimeUnit.NANOSECONDS.toMillis(graceNanos);
        boolean killable = link != null && link.killable();
        events.overrun(slot, call, graceMillis, killable ? "its isolate process was killed"
                : "its thread and isolate were abandoned and replaced");
        if (killable) {
            link.kill("isolate " + slot.id + " of " + slot.script.script.id() + " ignored termination for "
                    + graceMillis + " ms past its deadline");
        } else {
            abandon(slot);
        }
    }

    /** In-process: takes a slot whose thread is stuck in V8 out of every count, and replaces the thread. */
    private void abandon(Slot slot) {
        boolean worker;
        List<Call> orphans = new ArrayList<>();
        synchronized (lock) {
            if (slot.gone && !slot.owned || !slot.owned) {
                return;
            }
            slot.abandoned = true;
            worker = slot.ownerIsWorker;
            drop(slot);
            requeueStarts(slot);
            disown(slot);
            for (Call c : slot.calls.values()) {
                if (c != slot.current) {
                    orphans.add(c);
                }
            }
            dispatch();
        }
        for (Call c : orphans) {
            finish(c, c.failed(ScriptException.Kind.CANCELLED, "its isolate was abandoned: another invocation on it "
                    + "ignored termination"));
        }
        if (worker) {
            workers.grow();
        }
    }

    /** The thread left behind came back from V8: free what it held. */
    private void leftBehind(Slot slot) {
        closeLink(slot);
        boolean worker;
        synchronized (lock) {
            worker = slot.ownerIsWorker;
        }
        if (worker) {
            workers.shrink();
        }
    }

    // ---- dead processes ---------------------------------------------------------------------------------

    /**
     * The process of {@code slot}'s isolate died during a turn for {@code active} (or a load for it, or a
     * probe): the call ends with the death's outcome, or runs again elsewhere when it did not cause it.
     */
    private void lost(Slot slot, Death death, Call active) {
        lost(slot, death, active, true);
    }

    /**
     * As above; {@code started} is false when the process died while the isolate was being built for the call,
     * so that none of the call's code had run.
     */
    private void lost(Slot slot, Death death, Call active, boolean started) {
        slot.healthy = false;
        if (active == null || active.isDone()) {
            return;
        }
        if (death.kind() == Death.Kind.CLOSED && !closing() && (!started || retryable(active))) {
            // its process was retired (not the engine closing): nobody's fault, so it runs elsewhere
            retry(slot, active, death.message());
            return;
        }
        if (death.blames(slot.link)) {
            if (death.suspectsOnly() && retryable(active)) {
                retry(slot, active, death.message());
                return;
            }
            Outcome outcome = switch (death.kind()) {
                case OVERRUN -> active.timedOut();
                case MEMORY -> active.failed(ScriptException.Kind.MEMORY, death.message());
                case CLOSED -> active.failed(ScriptException.Kind.CANCELLED, death.message());
                default -> active.failed(ScriptException.Kind.HOST, death.message());
            };
            finish(active, outcome, death.kind() == Death.Kind.MEMORY ? () -> events.memory(active, death.message()) : null);
        } else if (death.kind() != Death.Kind.CLOSED && retryable(active)) {
            retry(slot, active, death.message());
        } else {
            finish(active, active.failed(ScriptException.Kind.CANCELLED, "its isolate process stopped while it ran: "
                    + death.message()));
        }
    }

    private boolean closing() {
        synchronized (lock) {
            return closed;
        }
    }

    /** A Script (no side effects) with time left runs again, once. */
    private static boolean retryable(Call call) {
        return call.script.kind() == ScriptKind.SCRIPT && call.script.bindings() == null && !call.retried
                && call.deadlineNanos - System.nanoTime() > MIN_RETRY_NANOS;
    }

    private void retry(Slot slot, Call call, String why) {
        synchronized (lock) {
            if (call.isDone()) {
                return;
            }
            slot.calls.remove(call.inv, call);
            if (call.slot == slot) {
                call.slot = null;
                slot.inFlight--;
            }
            call.retried = true;
            call.inv = 0;
        }
        events.retried(call, why);
        submit(call.state, call, false);
    }

    @Override
    public void processDied(ChildProcess child, Death death) {
        List<Call> orphans = new ArrayList<>();
        synchronized (lock) {
            for (ScriptState s : List.copyOf(scripts.values())) {
                for (Slot slot : List.copyOf(s.slots)) {
                    if (slot.owned || !(slot.link instanceof RemoteLink r) || r.child != child) {
                        continue;
                    }
                    drop(slot);
                    requeueStarts(slot);
                    orphans.addAll(slot.calls.values());
                    watchdog.unregister(slot);
                }
            }
            dispatch();
        }
        for (Call c : orphans) {
            finish(c, c.failed(ScriptException.Kind.CANCELLED, "its isolate process died while it waited: "
                    + death.message()));
        }
    }

    @Override
    public void processRetired(ChildProcess child) {
        List<Slot> idle = new ArrayList<>();
        synchronized (lock) {
            for (ScriptState s : List.copyOf(scripts.values())) {
                for (Slot slot : List.copyOf(s.slots)) {
                    if (!slot.owned && slot.inFlight == 0 && slot.mailbox.isEmpty()
                            && slot.link instanceof RemoteLink r && r.child == child) {
                        drop(slot);
                        idle.add(slot);
                    }
                }
            }
        }
        closeLater(idle);
    }

    // ---- events from other threads ----------------------------------------------------------------------

    /** A host result for one of {@code slot}'s calls: queue it, and find a thread if none owns the slot. */
    @Override
    public void post(Slot slot, Slot.Delivery delivery) {
        synchronized (lock) {
            if (closed || slot.gone) {
                return;
            }
            slot.mailbox.addLast(delivery);
            if (!slot.owned) {
                runOrWait(slot);
            }
        }
    }

    /** Under the lock: a thread for {@code slot} now if the shares allow, else a place in line. */
    private void runOrWait(Slot slot) {
        if (canRun(slot.script.tenant)) {
            own(slot, true);
            workers.execute(() -> drive(slot, null, false));
        } else if (!slot.waiting) {
            slot.waiting = true;
            waitingSlots.addLast(slot);
        }
    }

    /** Completes {@code call} with {@code outcome} unless it has ended; true if this ended it. */
    boolean finish(Call call, Outcome outcome) {
        return finish(call, outcome, null);
    }

    /** As {@link #finish(Call, Outcome)}; {@code log} runs first, only if this ends the call. */
    private boolean finish(Call call, Outcome outcome, Runnable log) {
        if (!call.complete(outcome, log)) {
            return false;
        }
        ended(call, false);
        return true;
    }

    /**
     * One of a slot's calls ended (on any thread): there is room for the next. Unless the script itself
     * ended it (returned or settled), an App's isolate must forget it before its next turn.
     */
    private void ended(Call call, boolean scriptKnows) {
        synchronized (lock) {
            ScriptState s = call.state;
            Slot slot = call.slot;
            if (slot == null) {
                if (s != null && s.queue.remove(call)) {
                    queued--;
                }
                return;
            }
            call.slot = null;
            slot.inFlight--;
            slot.mailbox.remove(call);
            if (call.inv != 0 && slot.calls.remove(call.inv, call) && !scriptKnows) {
                slot.untold.add(call.inv);
            }
            if (slot.owned || slot.gone || closed || !slot.loaded) {
                return;
            }
            if (hasWork(slot)) {
                runOrWait(slot);
            } else if (slot.inFlight == 0 && slot.mailbox.isEmpty()) {
                idleLru.add(slot);
            }
        }
    }

    // ---- housekeeping -----------------------------------------------------------------------------------

    /**
     * Drops a script that has no isolate and nothing queued, so that the map does not grow with every
     * script ever run. A script that failed to compile is kept (unless retired), so that the failure is not
     * compiled again on every call.
     */
    private void forgetIfUnused(ScriptState s) {
        if (s.slots.isEmpty() && s.queue.isEmpty() && (s.retired || s.broken == null)) {
            if (scripts.remove(ScriptState.key(s.script), s)) {
                s.forgotten = true;
            }
        }
    }

    /** Retires every version of a script: idle isolates close now, busy ones when they finish. */
    void evict(String scriptId) {
        List<Slot> toClose = new ArrayList<>();
        synchronized (lock) {
            for (ScriptState s : new ArrayList<>(scripts.values())) {
                if (s.script.id().equals(scriptId)) {
                    s.retired = true;
                    for (Slot i : new ArrayList<>(s.slots)) {
                        if (!i.owned && i.inFlight == 0 && i.mailbox.isEmpty()) {
                            drop(i);
                            toClose.add(i);
                        }
                    }
                    scripts.remove(ScriptState.key(s.script));
                    s.forgotten = true;
                }
            }
        }
        closeLater(toClose);
    }

    /** live, busy, queued, scripts kept. */
    int[] counts() {
        synchronized (lock) {
            return new int[] {live, running, queued, scripts.size()};
        }
    }

    /** Ends queued invocations as cancelled and closes idle isolates; busy ones close as they finish. */
    void close() {
        List<Slot> toClose = new ArrayList<>();
        List<Call> cancel = new ArrayList<>();
        synchronized (lock) {
            closed = true;
            for (ScriptState s : List.copyOf(scripts.values())) {
                cancel.addAll(s.queue);
                s.queue.clear();
                for (Slot i : new ArrayList<>(s.slots)) {
                    if (!i.owned) {
                        drop(i);
                        toClose.add(i);
                        cancel.addAll(i.calls.values());
                    }
                }
            }
            queued = 0;
            idleLru.clear();
            waiting.clear();
            waitingSlots.clear();
        }
        for (Call c : cancel) {
            finish(c, c.failed(ScriptException.Kind.CANCELLED, "Forge closed before the invocation ran"));
        }
        toClose.forEach(this::closeLink);
        hostOps.close();
    }

    /** Closes isolates off the caller's path. */
    private void closeLater(List<Slot> slots) {
        if (slots != null && !slots.isEmpty()) {
            closer.execute(() -> slots.forEach(this::closeLink));
        }
    }

    private void closeLink(Slot slot) {
        watchdog.unregister(slot);
        for (Future<?> f : slot.operations.values()) {
            f.cancel(true);
        }
        IsolateLink link = slot.link;
        if (link != null) {
            try {
                link.close();
            } catch (RuntimeException e) {
                V8Engine.LOG.debug("closing {} failed", slot, e);
            }
        }
    }

    // ---- the host side of a turn ------------------------------------------------------------------------

    /**
     * What a turn of one slot may ask of the host. Every request is checked against the slot's own record:
     * an invocation the host ended but has not told the isolate about yet is refused quietly (it may race with
     * its end); any other invocation that is not live here is {@link Forged}, as is more than the prelude ever
     * sends (console lines past the cap, host operations past the cap, requests past the turn's budget).
     * Tenant and script always come from the slot, never from the request.
     */
    final class SlotHost implements HostCalls {

        private final Slot slot;

        SlotHost(Slot slot) {
            this.slot = slot;
        }

        /** Counts a request against the turn's budget. */
        private void request(String what) {
            if (++slot.turnFrames > ScriptState.MAX_TURN_REQUESTS) {
                throw new Forged("more than " + ScriptState.MAX_TURN_REQUESTS + " requests in one turn (the last: " + what
                        + ")");
            }
        }

        @Override
        public void log(String level, String line) {
            request("a console line");
            int cap = options.consoleLines();
            int n = ++slot.consoleLines;
            Logger log = slot.script.consoleLog;
            if (n > cap + 1) {
                throw new Forged("console line " + n + " in one turn; the prelude sends at most " + (cap + 1));
            }
            if (n > cap) {
                log.warn("console output capped at {} lines for this invocation", cap);
                return;
            }
            int chars = options.consoleLineChars();
            String text = line.length() > chars + 16 ? line.substring(0, chars) + "... (truncated)" : line;
            switch (level) {
                case "error" -> log.error(text);
                case "warn" -> log.warn(text);
                case "debug" -> log.debug(text);
                default -> log.info(text);
            }
        }

        @Override
        public void settle(int inv, String result) {
            request("settle");
            Call call = live(inv, "settle");
            if (call != null) {
                slot.calls.remove(inv, call);
                settled(call, result, true);
            }
        }

        @Override
        public void op(int inv, int op, String kind, String argsJson) {
            request(kind);
            if (op <= slot.lastOp) {
                throw new Forged("host operation " + op + " after " + slot.lastOp + " in " + slot);
            }
            slot.lastOp = op;
            Call call = live(inv, kind);
            if (call == null) {
                return;
            }
            if (++call.started > ScriptState.MAX_OPERATIONS) {
                throw new Forged("host operation " + call.started + " of one invocation; the prelude starts at most "
                        + ScriptState.MAX_OPERATIONS);
            }
            String refused = hostOps.start(slot, call, op, kind, argsJson);
            if (refused != null) {
                post(slot, new Slot.Delivery(call, op, Tags.ERROR + refused));
            }
        }

        @Override
        public void cancel(int op) {
            request("cancel");
            Future<?> f = slot.operations.remove(op);
            if (f != null) {
                f.cancel(true);
            }
        }

        @Override
        public String module(String name) {
            request("module " + name);
            return hostOps.moduleSource(slot.script.script.tenant(), name);
        }

        @Override
        public String sync(int inv, String fn, String argsJson) {
            request(fn);
            Call call = live(inv, fn);
            if (call == null) {
                return Tags.ERROR + fn + ": the invocation has ended";
            }
            if (slot.script.bindings == null) {
                return Tags.ERROR + "no synchronous host functions here";
            }
            return HostOps.startSync(slot.script.bindings, call, fn, argsJson);
        }

        /**
         * The live call numbered {@code inv}, or null if the host ended it and has not told the isolate yet;
         * any other number is forged.
         */
        private Call live(int inv, String what) {
            Call call = slot.calls.get(inv);
            if (call != null && !call.isDone()) {
                return call;
            }
            if (slot.untold.contains(inv)) {
                return null;
            }
            if (inv <= 0 || inv > slot.lastInv) {
                throw new Forged(what + " for invocation " + inv + ", which was never started in " + slot);
            }
            throw new Forged(what + " for invocation " + inv + ", which has ended in " + slot);
        }
    }
}
