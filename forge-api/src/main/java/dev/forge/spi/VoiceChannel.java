package dev.forge.spi;

import java.time.Duration;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * One live call, as a Class 5 voice script drives it: the media and signalling verbs behind the script's
 * {@code ctx} ({@code ctx.answer()}, {@code ctx.play(file)}, {@code ctx.ivr(...)}, ...). A PBX vendor
 * implements it over its own media engine; forge-ivr-client ships one over the {@code ivrapi} WebSocket
 * protocol.
 *
 * <p>Every verb returns a stage that completes when the verb has done its work on the call (a prompt has
 * played, a transfer was accepted); a stage that fails carries a message the script sees, so say what went
 * wrong on the call. Once the call has ended, every verb must fail at once with a message saying so. The
 * script calls one verb at a time: Forge refuses a second while one is running.
 *
 * <p>DTMF the caller types while no verb collects it is buffered (type-ahead) and handed to the next
 * {@link #gather} or {@link #nextDigit}; digits blocked by {@link #blockDtmf} are dropped.
 *
 * <p>Thread-safety: implementations must be thread-safe; verbs are called on engine threads and must not
 * block.
 *
 * @since 0.1.0
 */
public interface VoiceChannel {

    /** How {@link #gather} collects digits. */
    record Gather(String file, Duration timeout, int minDigits, int maxDigits, String terminators) {
        public Gather {
            Objects.requireNonNull(timeout, "timeout");
            if (timeout.isNegative() || timeout.isZero()) {
                throw new IllegalArgumentException("timeout: must be positive, got " + timeout.toMillis() + " ms");
            }
            if (minDigits < 0 || maxDigits < 1 || minDigits > maxDigits) {
                throw new IllegalArgumentException("minDigits/maxDigits: need 0 <= min <= max and max >= 1, got "
                        + minDigits + "/" + maxDigits);
            }
            terminators = terminators == null ? "" : terminators;
        }
    }

    /** The call's id (the SIP Call-ID or the platform's). */
    String callId();

    /** Channel variables as the call started (FreeSWITCH-style names such as {@code sip_from_user}). */
    Map<String, String> variables();

    /** SIP headers of the call's INVITE, by name. */
    Map<String, String> headers();

    /** Answers the call (200 OK). */
    CompletionStage<Void> answer();

    /** Plays an audio file; completes when it has played or was stopped. */
    CompletionStage<Void> play(String file);

    /** Speaks {@code text}; completes when it has been spoken. */
    CompletionStage<Void> tts(String text);

    /**
     * Plays {@code gather.file()} (if not null), stops it at the first digit, and collects digits until
     * {@code maxDigits}, a terminator (not included), or {@code timeout} without a digit.
     *
     * @return the digits collected, possibly empty
     */
    CompletionStage<String> gather(Gather gather);

    /** Starts recording the call into {@code name}; completes once recording has started. */
    CompletionStage<Void> record(String name);

    /**
     * Connects the call to {@code destination}. {@code continueOn} is ScriptForge's: {@code "false"} (hand
     * the call over), {@code "true"}, {@code "fail"} or {@code "completed"} (come back to the script then).
     *
     * @return what became of the other leg, as a JSON object
     */
    CompletionStage<String> bridge(String destination, String continueOn);

    /** Hangs the call up (or, before it is answered, rejects it). */
    CompletionStage<Void> hangup();

    /** The next digit the caller types, or {@code null} if none comes within {@code timeout}. */
    CompletionStage<String> nextDigit(Duration timeout);

    /** Drops the caller's digits in {@code digits} from now on (an empty string unblocks all). */
    CompletionStage<Void> blockDtmf(String digits);

    /** Sets a channel variable. */
    CompletionStage<Void> setVariable(String name, String value);

    /** Sets a SIP header for the call's next request or response. */
    CompletionStage<Void> setHeader(String name, String value);

    /** Completes when the call ends, however it ends. */
    CompletionStage<Void> ended();

    /** Echoes the caller's audio back after {@code delay}; channels that cannot say so. */
    default CompletionStage<Void> echo(Duration delay) {
        return CompletableFuture.failedFuture(new UnsupportedOperationException(
                "this voice channel (" + getClass().getSimpleName() + ") cannot echo"));
    }
}
