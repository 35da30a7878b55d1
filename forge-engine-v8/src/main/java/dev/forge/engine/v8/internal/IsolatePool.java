package dev.forge.engine.v8.internal;

import dev.forge.EngineOptions;
import dev.forge.Limits;
import dev.forge.Script;
import dev.forge.ScriptException;
import org.slf4j.MDC;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Hands isolates to invocations: at most {@code concurrencyPerScript} per script version, at most
 * {@code maxIsolates} in all, idle ones evicted least-recently-used when a new one is needed.
 *
 * <p>An invocation runs on an isolate that is free, on the caller's thread when it may, else on one of
 * the engine's platform threads. When the isolate is done it takes the next invocation waiting for the
 * same script, so a busy script keeps its isolates warm. A script that cannot get an isolate because
 * the cap is reached waits as "starving" and gets the next one freed anywhere.
 *
 * <p>Thread-safety: thread-safe. One lock guards the bookkeeping; no V8 work happens under it.
 */
final class IsolatePool {

    private final Object lock = new Object();
    private final Map<String, ScriptRunner> runners = new HashMap<>();
    private final LinkedHashSet<Isolate> idleLru = new LinkedHashSet<>();
    private final ArrayList<ScriptRunner> starving = new ArrayList<>();
    private final EngineOptions options;
    private final Limits defaults;
    private final Watchdog watchdog;
    private final Executor workers;
    private int live;
    private int busy;
    private int queued;
    private boolean closed;
    final AtomicLong built = new AtomicLong();
    final AtomicLong rebuilt = new AtomicLong();
    final AtomicLong evicted = new AtomicLong();

    IsolatePool(EngineOptions options, Limits defaults, Watchdog watchdog, Executor workers) {
        this.options = options;
        this.defaults = defaults;
        this.watchdog = watchdog;
        this.workers = workers;
    }

    /** The runner for this script version, made on first use. */
    ScriptRunner runner(Script script) {
        String key = ScriptRunner.key(script);
        synchronized (lock) {
            ScriptRunner runner = runners.get(key);
            if (runner == null) {
                Limits limits = script.limitsOr(defaults);
                V8Platform.ensure(limits.heapBytes());
                runner = new ScriptRunner(script, limits, options);
                runners.put(key, runner);
            }
            return runner;
        }
    }

    /**
     * Runs {@code call} now on a free isolate (on this thread if {@code inline}), or queues it, or ends it
     * as overloaded when the script's queue is full.
     */
    void submit(ScriptRunner runner, Call call, boolean inline) {
        Isolate isolate;
        List<Isolate> toClose = null;
        ScriptException broken;
        synchronized (lock) {
            broken = runner.broken;
            if (closed) {
                call.failed(new ScriptException(ScriptException.Kind.CANCELLED, "Forge is closing"));
                return;
            }
            if (broken == null) {
                isolate = runner.idle.pollLast();
                if (isolate != null) {
                    idleLru.remove(isolate);
                    busy++;
                } else if (runner.live < options.concurrencyPerScript() && (toClose = reserve()) != null) {
                    runner.live++;
                    busy++;
                } else if (runner.queue.size() < options.queuePerScript()) {
                    runner.queue.addLast(call);
                    queued++;
                    if (runner.live == 0 && !starving.contains(runner)) {
                        starving.add(runner);
                    }
                    watchdog.await(call);
                    return;
                } else {
                    call.overloaded(options.overloadStatus(), "script " + runner.script.id() + " has "
                            + runner.queue.size() + " invocations waiting, the most allowed (queuePerScript)");
                    return;
                }
            } else {
                isolate = null;
            }
        }
        if (broken != null) {
            call.failed(broken);
            return;
        }
        if (toClose != null && !toClose.isEmpty()) {
            // an evicted isolate is closed off the caller's path
            List<Isolate> evictedNow = toClose;
            workers.execute(() -> closeAll(evictedNow));
        }
        Isolate owned = isolate;
        if (inline) {
            drive(runner, owned, call, true);
        } else {
            workers.execute(() -> drive(runner, owned, call, false));
        }
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
        victim.runner.idle.remove(victim);
        victim.runner.live--;
        forgetIfRetired(victim.runner);
        evicted.incrementAndGet();
        return List.of(victim);
    }

    /**
     * Runs {@code call} and then whatever else waits for the same script, on this thread. A caller's
     * thread runs only its own call and hands the rest to a worker.
     */
    private void drive(ScriptRunner runner, Isolate isolate, Call call, boolean callerThread) {
        Isolate current = isolate;
        Call next = call;
        while (true) {
            if (!next.isDone()) {
                current = runOne(runner, current, next);
            }
            Isolate toClose = null;
            ScriptRunner wake = null;
            synchronized (lock) {
                next = runner.broken == null ? runner.queue.pollFirst() : null;
                if (next != null) {
                    queued--;
                    if (callerThread) {
                        Isolate handOff = current;
                        Call handOffCall = next;
                        workers.execute(() -> drive(runner, handOff, handOffCall, false));
                        return;
                    }
                    continue;
                }
                busy--;
                if (runner.broken != null) {
                    failQueued(runner);
                }
                if (current == null || closed || runner.retired || !starving.isEmpty()) {
                    toClose = current;
                    runner.live--;
                    live--;
                    forgetIfRetired(runner);
                    wake = closed ? null : takeStarving();
                } else {
                    runner.idle.addLast(current);
                    idleLru.add(current);
                }
            }
            if (toClose != null) {
                toClose.close();
            }
            if (wake != null) {
                ScriptRunner starved = wake;
                Call first = pollQueued(starved);
                if (first != null) {
                    workers.execute(() -> drive(starved, null, first, false));
                }
            }
            return;
        }
    }

    /** Runs one call, building the isolate first if needed; returns the isolate to keep, or null. */
    private Isolate runOne(ScriptRunner runner, Isolate isolate, Call call) {
        Script script = runner.script;
        MDC.put("tenant", script.tenant());
        MDC.put("script", script.id());
        if (call.callId != null) {
            MDC.put("callid", call.callId);
        }
        try {
            if (isolate == null) {
                isolate = build(runner, call);
                if (isolate == null) {
                    return null;
                }
            }
            isolate.run(call);
            if (!isolate.healthy()) {
                isolate.close();
                rebuilt.incrementAndGet();
                return null;
            }
            return isolate;
        } finally {
            MDC.remove("tenant");
            MDC.remove("script");
            MDC.remove("callid");
        }
    }

    private Isolate build(ScriptRunner runner, Call call) {
        call.coldStart = true;
        call.runStartNanos = System.nanoTime();
        try {
            Isolate isolate = Isolate.build(runner, watchdog, call);
            built.incrementAndGet();
            return isolate;
        } catch (Isolate.LoadTimeout e) {
            call.timedOut();
        } catch (ScriptException e) {
            if (e.kind() == ScriptException.Kind.SYNTAX) {
                synchronized (lock) {
                    runner.broken = e;
                }
            }
            call.failed(e);
        } catch (IllegalStateException e) {
            call.failed(new ScriptException(ScriptException.Kind.HOST, e.getMessage(), e));
        }
        return null;
    }

    private ScriptRunner takeStarving() {
        while (!starving.isEmpty()) {
            ScriptRunner r = starving.remove(0);
            if (!r.queue.isEmpty() && r.live < options.concurrencyPerScript() && live < options.maxIsolates()) {
                r.live++;
                live++;
                busy++;
                return r;
            }
        }
        return null;
    }

    private Call pollQueued(ScriptRunner runner) {
        synchronized (lock) {
            Call c = runner.queue.pollFirst();
            if (c != null) {
                queued--;
            } else {
                runner.live--;
                live--;
                busy--;
            }
            return c;
        }
    }

    private void failQueued(ScriptRunner runner) {
        Call c;
        while ((c = runner.queue.pollFirst()) != null) {
            queued--;
            c.failed(runner.broken);
        }
    }

    private void forgetIfRetired(ScriptRunner runner) {
        if (runner.live == 0 && (runner.retired || runner.broken != null) && runner.queue.isEmpty()) {
            runners.remove(ScriptRunner.key(runner.script), runner);
        }
    }

    /** Retires every version of a script: idle isolates close now, busy ones when they finish. */
    void evict(String scriptId) {
        List<Isolate> toClose = new ArrayList<>();
        synchronized (lock) {
            for (ScriptRunner runner : new ArrayList<>(runners.values())) {
                if (runner.script.id().equals(scriptId)) {
                    runner.retired = true;
                    Isolate i;
                    while ((i = runner.idle.pollFirst()) != null) {
                        idleLru.remove(i);
                        runner.live--;
                        live--;
                        toClose.add(i);
                    }
                    runners.remove(ScriptRunner.key(runner.script));
                }
            }
        }
        closeAll(toClose);
    }

    int[] counts() {
        synchronized (lock) {
            return new int[] {live, busy, queued};
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
                toClose.addAll(runner.idle);
                runner.live -= runner.idle.size();
                live -= runner.idle.size();
                runner.idle.clear();
            }
            queued = 0;
            idleLru.clear();
        }
        closeAll(toClose);
    }

    private static void closeAll(List<Isolate> isolates) {
        if (isolates != null) {
            for (Isolate i : isolates) {
                i.close();
            }
        }
    }
}
