package dev.forge.internal;

import dev.forge.Outcome;
import dev.forge.ScriptException;
import dev.forge.SipStatus;

import dev.forge.spi.Transport;

import java.util.Objects;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.function.Consumer;

/** The outcome rules every {@link dev.forge.spi.Transport} shares. */
public final class TransportOutcomes {

    private TransportOutcomes() {
    }

    /** Ok and Rejected end a message; anything else leaves it to be delivered again. */
    public static boolean isFinal(Outcome outcome) {
        return outcome instanceof Outcome.Ok || outcome instanceof Outcome.Rejected;
    }

    /**
     * Runs one delivery on the calling thread and passes its outcome to {@code answered} exactly once: a
     * handler that throws, returns {@code null}, or whose stage fails answers {@link #handlerFailed}.
     */
    public static void handle(Transport.Handler handler, Transport.Delivery delivery, Consumer<Outcome> answered) {
        CompletionStage<Outcome> stage;
        try {
            stage = Objects.requireNonNull(handler.handle(delivery), "the handler returned null");
        } catch (RuntimeException | Error thrown) {
            answered.accept(handlerFailed(thrown));
            return;
        }
        stage.whenComplete((o, err) -> answered.accept(err != null ? handlerFailed(err)
                : o != null ? o : handlerFailed(new NullPointerException("the handler's stage completed with null"))));
    }

    /** The outcome recorded for a handler that threw, or whose stage failed. */
    public static Outcome handlerFailed(Throwable error) {
        Throwable cause = error;
        while ((cause instanceof CompletionException || cause instanceof ExecutionException) && cause.getCause() != null) {
            cause = cause.getCause();
        }
        String message = cause.getMessage() == null ? cause.getClass().getName() : cause.getMessage();
        // the two-argument constructor: ScriptException(kind, message, cause) cannot take a cause (its super
        // call already fixed the cause to null, so initCause throws)
        return new Outcome.Failed(new ScriptException(ScriptException.Kind.HOST, "transport handler failed: " + message), 0);
    }

    /**
     * What {@code request} completes with when a message was dead-lettered and no handler ever answered:
     * a timeout with the default timeout action.
     */
    public static Outcome noAnswer(long micros) {
        return new Outcome.TimedOut(SipStatus.DEFAULT_TIMEOUT_ACTION, micros);
    }
}
