package dev.forge.engine.v8.internal.host;

import dev.forge.engine.v8.internal.child.HostCalls;

import java.util.ArrayDeque;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Future;

/**
 * The host's record of one isolate of one script, wherever it runs: the work waiting for it, the invocations
 * in flight on it, their host operations, and the turn running now. This record, never a child's message, is
 * what the host checks a child's requests against.
 *
 * <p>Thread-safety, by field group: the scheduling fields are guarded by the {@link Scheduler}'s lock; the
 * owner's fields are touched only by the thread that owns the slot; the in-flight maps are concurrent; the
 * turn fields are published to the {@link Watchdog} through volatiles and {@link #watchLock}.
 */
final class Slot {

    /** A host result on its way back to an invocation. */
    record Delivery(Call call, int operation, String payload) {
    }

    final ScriptState script;
    /** Names the isolate to its process; unique in the engine. */
    final int id;
    /** The isolate itself; set by the owner before the first load. */
    volatile IsolateLink link;
    /** What the isolate's turns may ask of the host, checked against this record. */
    HostCalls host;

    // ---- guarded by the scheduler's lock
    /** Calls admitted here and not started yet, and host results to deliver. */
    final ArrayDeque<Object> mailbox = new ArrayDeque<>();
    boolean owned;
    /** The owner is one of the engine's threads (not a caller's). */
    boolean ownerIsWorker;
    int inFlight;
    /** Removed from its script: closing, dead, evicted or abandoned. */
    boolean gone;
    /** Its thread was left in V8 past the kill grace (in-process). */
    boolean abandoned;
    /** In the scheduler's list of slots with host results waiting for a thread. */
    boolean waiting;

    // ---- the owner's
    boolean loaded;
    boolean healthy = true;
    /** The last invocation number handed out here; invocations are numbered from 1. */
    int lastInv;
    /** The last host operation number the isolate used; they only grow. */
    int lastOp;
    /** Console lines and frames of the running turn, against their caps. */
    int consoleLines;
    int turnFrames;
    final ArrayDeque<Call> unwatched = new ArrayDeque<>();
    long unwatchedSince;

    // ---- any thread
    /** Invocations in flight here, by number. */
    final Map<Integer, Call> calls = new ConcurrentHashMap<>();
    /** Host operations in flight here, by the isolate's number for them. */
    final Map<Integer, Future<?>> operations = new ConcurrentHashMap<>();
    /**
     * Invocations the host ended while the isolate still thinks them alive, not yet told to it: it forgets
     * them at the start of its next turn. Until then a request for one is refused quietly (it may race with
     * the end); after, a request for one is forged.
     */
    final Set<Integer> untold = ConcurrentHashMap.newKeySet();

    // ---- the running turn, for the watchdog
    final Object watchLock = new Object();
    volatile long deadline;
    volatile long turn;
    volatile Call current;
    /** The watchdog found this turn past its deadline (guarded by {@link #watchLock}). */
    boolean expired;
    boolean overran;

    Slot(ScriptState script, int id) {
        this.script = script;
        this.id = id;
    }

    /** How many invocations may be in flight here at once: one for a Script, many for an App. */
    int capacity(int appInFlight) {
        return script.app ? appInFlight : 1;
    }

    /** The invocations the isolate must forget before its next turn, comma-separated, or null; now told. */
    String takeForgettable() {
        if (untold.isEmpty()) {
            return null;
        }
        StringBuilder ids = new StringBuilder();
        for (Integer id : List.copyOf(untold)) {
            untold.remove(id);
            if (ids.length() > 0) {
                ids.append(',');
            }
            ids.append(id);
        }
        return ids.toString();
    }

    @Override
    public String toString() {
        return "isolate " + id + " of " + script.script.id();
    }
}
