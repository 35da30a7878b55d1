package dev.forge.engine.v8.internal;

import dev.forge.Invocation;
import dev.forge.InvocationListener;
import dev.forge.Outcome;
import dev.forge.Script;
import dev.forge.ScriptException;
import dev.forge.SipStatus;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

/**
 * One invocation in flight: its deadline, its timeout action and the future its caller waits on.
 * Completes exactly once, from whichever thread gets there first (the isolate's owner or the watchdog).
 *
 * <p>Thread-safety: thread-safe; {@link #complete} is idempotent.
 */
final class Call {

    final Script script;
    final String dataJson;
    /** The exported function to call, or '' for main. */
    final String function;
    final String callId;
    final SipStatus timeoutAction;
    final long startNanos;
    final long deadlineNanos;
    /** The limit on each synchronous stretch, or 0 when only the deadline applies. */
    final long stretchNanos;
    /** The host's attachment for the script's bindings, or null. */
    final Object attachment;
    final CompletableFuture<Outcome> future = new CompletableFuture<>();
    private final InvocationListener listener;
    volatile long runStartNanos;
    volatile boolean coldStart;
    /** Set when the call is admitted to an isolate; the pool is told when the call ends. */
    volatile Isolate isolate;
    volatile int inv;
    private List<Future<?>> operations;

    Call(Script script, Invocation invocation, SipStatus timeoutAction, long startNanos, long timeoutNanos,
         InvocationListener listener) {
        this.script = script;
        this.function = invocation.function() == null ? "" : invocation.function();
        this.dataJson = invocation.dataJson();
        this.callId = invocation.callId();
        this.attachment = invocation.attachment();
        this.stretchNanos = invocation.stretch() == null ? 0 : invocation.stretch().toNanos();
        this.timeoutAction = timeoutAction;
        this.startNanos = startNanos;
        this.deadlineNanos = startNanos + timeoutNanos;
        this.listener = listener;
    }

    /** When the stretch starting now must end: the stretch limit, but never past the deadline. */
    long stretchDeadline(long now) {
        return stretchNanos > 0 && now + stretchNanos - deadlineNanos < 0 ? now + stretchNanos : deadlineNanos;
    }

    boolean isDone() {
        return future.isDone();
    }

    long elapsedMicros() {
        return TimeUnit.NANOSECONDS.toMicros(System.nanoTime() - startNanos);
    }

    void ok(String json) {
        complete(new Outcome.Ok(json, elapsedMicros()));
    }

    void rejected(SipStatus status) {
        complete(new Outcome.Rejected(status, elapsedMicros()));
    }

    void timedOut() {
        complete(new Outcome.TimedOut(timeoutAction, elapsedMicros()));
    }

    void failed(ScriptException error) {
        complete(new Outcome.Failed(error, elapsedMicros()));
    }

    void overloaded(SipStatus status, String why) {
        complete(new Outcome.Overloaded(status, why, elapsedMicros()));
    }

    /** Ties a host operation to this call: it is cancelled when the call ends, or now if it has ended. */
    void addOperation(Future<?> operation) {
        synchronized (this) {
            if (!future.isDone()) {
                if (operations == null) {
                    operations = new ArrayList<>(2);
                }
                operations.add(operation);
                return;
            }
        }
        operation.cancel(true);
    }

    /** Completes with {@code outcome} unless already complete; tells the listener once. */
    boolean complete(Outcome outcome) {
        if (!future.complete(outcome)) {
            return false;
        }
        List<Future<?>> ops;
        synchronized (this) {
            ops = operations;
            operations = null;
        }
        boolean leftovers = false;
        if (ops != null) {
            for (Future<?> op : ops) {
                leftovers |= !op.isDone();
                op.cancel(true);
            }
        }
        Isolate owner = isolate;
        if (owner != null) {
            owner.callEnded(this, leftovers);
        }
        long now = System.nanoTime();
        long runStart = runStartNanos;
        long queued = runStart == 0 ? now - startNanos : runStart - startNanos;
        long run = runStart == 0 ? 0 : now - runStart;
        try {
            listener.onInvocation(new InvocationListener.InvocationEvent(script, callId, outcome,
                    TimeUnit.NANOSECONDS.toMicros(queued), TimeUnit.NANOSECONDS.toMicros(run), coldStart));
        } catch (RuntimeException e) {
            V8Engine.LOG.warn("InvocationListener threw for script {}; ignored", script.id(), e);
        }
        return true;
    }
}
