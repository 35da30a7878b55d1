package dev.forge.engine.v8.internal.host;

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
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * One invocation: its deadline, its timeout action and the future its caller waits on. Completes exactly
 * once, from whichever thread gets there first; the {@link Scheduler} does the bookkeeping around that, so a
 * call never reaches back into the engine.
 *
 * <p>Thread-safety: thread-safe; {@link #complete} is idempotent. {@link #slot} and {@link #retried} are
 * guarded by the scheduler's lock; {@link #inv} is written by the thread that starts the call.
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
    private final AtomicBoolean settled = new AtomicBoolean();
    private final InvocationListener listener;
    volatile long runStartNanos;
    volatile boolean coldStart;
    /** The script version it runs, set when it is submitted. */
    volatile ScriptState state;
    /** The isolate the call was admitted to, or null. */
    Slot slot;
    /** Whether it was run again after the process it ran in died for another script. */
    boolean retried;
    volatile int inv;
    /** Host operations it started; touched by the thread running its turns. */
    int started;
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
        return settled.get();
    }

    long elapsedMicros() {
        return TimeUnit.NANOSECONDS.toMicros(System.nanoTime() - startNanos);
    }

    Outcome timedOut() {
        return new Outcome.TimedOut(timeoutAction, elapsedMicros());
    }

    Outcome failed(ScriptException error) {
        return new Outcome.Failed(error, elapsedMicros());
    }

    Outcome failed(ScriptException.Kind kind, String message) {
        return failed(new ScriptException(kind, message));
    }

    Outcome overloaded(SipStatus status, String why) {
        return new Outcome.Overloaded(status, why, elapsedMicros());
    }

    /** Ties a host operation to this call: it is cancelled when the call ends, or now if it has ended. */
    void addOperation(Future<?> operation) {
        synchronized (this) {
            if (!settled.get()) {
                if (operations == null) {
                    operations = new ArrayList<>(2);
                }
                operations.add(operation);
                return;
            }
        }
        operation.cancel(true);
    }

    /** Fails the caller's future with a host mistake (data that is not JSON): no outcome, no listener. */
    boolean fail(RuntimeException hostMistake) {
        if (!settled.compareAndSet(false, true)) {
            return false;
        }
        future.completeExceptionally(hostMistake);
        cancelOperations();
        return true;
    }

    /** As {@link #complete(Outcome, Runnable)}, with nothing to do first. */
    boolean complete(Outcome outcome) {
        return complete(outcome, null);
    }

    /**
     * Completes with {@code outcome} unless already complete, cancels the call's host operations and tells
     * the listener; the scheduler calls it. {@code first} (a log line, say) runs before the caller can see
     * the outcome, and only if this call completes it.
     *
     * @return true if this completed the call
     */
    boolean complete(Outcome outcome, Runnable first) {
        if (!settled.compareAndSet(false, true)) {
            return false;
        }
        if (first != null) {
            first.run();
        }
        future.complete(outcome);
        cancelOperations();
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

    private void cancelOperations() {
        List<Future<?>> ops;
        synchronized (this) {
            ops = operations;
            operations = null;
        }
        if (ops != null) {
            for (Future<?> op : ops) {
                op.cancel(true);
            }
        }
    }
}
