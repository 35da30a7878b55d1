package dev.forge.ivr;

import java.time.Duration;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * The one place where the blocking facade waits for the async core: it waits at most {@code timeout}, cancels
 * the stage when it gives up (so cancellation reaches the wire), restores the interrupt flag, and turns every
 * failure into an {@link IvrException}.
 */
final class Await {
    private Await() {
    }

    /**
     * Waits for {@code stage}.
     *
     * @param what names the awaited thing in messages, e.g. "the result of playback (204) of a.wav"
     */
    static <T> T await(CompletionStage<T> stage, Duration timeout, String what) {
        CompletableFuture<T> future = stage.toCompletableFuture();
        try {
            return future.get(timeout.toNanos(), TimeUnit.NANOSECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            future.cancel(true);
            throw new IvrException("Interrupted while waiting for " + what + "; it was cancelled", e);
        } catch (TimeoutException e) {
            future.cancel(true);
            throw new IvrTimeoutException("No " + what + " within " + timeout + "; it was cancelled");
        } catch (CancellationException e) {
            throw new IvrException(what + " was cancelled", e);
        } catch (ExecutionException e) {
            throw translate(e.getCause(), what);
        }
    }

    /** A failure of an async stage as the exception the blocking facade throws. */
    static IvrException translate(Throwable cause, String what) {
        while (cause instanceof java.util.concurrent.CompletionException && cause.getCause() != null) {
            cause = cause.getCause();
        }
        if (cause instanceof IvrException ivr) {
            return ivr;
        }
        if (cause instanceof CancellationException) {
            return new IvrException(what + " was cancelled", cause);
        }
        return new IvrException(what + " failed: " + cause, cause);
    }

    /** Refuses to block a session's own thread, where the awaited answer would be queued behind the caller. */
    static void notOnSessionThread(String method) {
        if (SerialExecutor.inAnySession()) {
            throw new IllegalStateException(method + " would block an ivrapi session thread, which delivers the"
                    + " answer it waits for; call it from your own thread, or use the async method");
        }
    }
}
