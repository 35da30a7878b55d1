package dev.forge.ivr;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.forge.spi.VoiceChannel;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

/**
 * A Class 5 script's call on an ivrapi-controlled IVR dialog: the {@link VoiceChannel} that
 * {@code forge ivr-agent} runs voice scripts on. Each verb becomes components on the {@link IvrSession}:
 *
 * <table>
 *   <caption>ctx verbs as ivrapi components</caption>
 *   <tr><th>verb</th><th>component</th></tr>
 *   <tr><td>answer</td><td>SIP response 202 with 200 (nothing when the dialog is already confirmed)</td></tr>
 *   <tr><td>play</td><td>playback 204 of the file</td></tr>
 *   <tr><td>ivr (gather)</td><td>playback 204, terminated at the caller's first digit, then the session's digits</td></tr>
 *   <tr><td>record</td><td>record 208; resolves once it has been sent (the platform runs one component at a
 *       time, so the next verb waits for the recording to end)</td></tr>
 *   <tr><td>bridge, transfer</td><td>transfer 203 (a 302 before the dialog is confirmed)</td></tr>
 *   <tr><td>hangup</td><td>hangup 201 (a 480 before the dialog is confirmed)</td></tr>
 *   <tr><td>tts</td><td>the component {@code ttsComponent} makes; none by default (the seed has no TTS component)</td></tr>
 * </table>
 *
 * Channel variables are the api_start's fields ({@code callid}, {@code ivrid}, {@code key}, {@code state}, ...)
 * and, when {@code params} is a JSON object, its fields; {@code set} and {@code header} keep values for this
 * call only, since ivrapi has no channel variables. Digits come from the session's DTMF buffer, so digits typed
 * ahead are kept for the next {@code ivr} or {@code waitFor}.
 *
 * <p>Thread-safety: thread-safe.
 *
 * @since 0.1.0
 */
public final class IvrVoiceChannel implements VoiceChannel {

    /** The longest a recording runs when the script gives no limit. */
    public static final Duration DEFAULT_RECORD_LIMIT = Duration.ofMinutes(5);
    /** How often a component lost or interrupted in a disconnect is applied again before the verb gives up. */
    static final int RETRIES_AFTER_RECONNECT = 3;

    private static final ObjectMapper JSON = new ObjectMapper();

    private final IvrSession session;
    private final ScheduledExecutorService timers;
    private final Function<String, Component> ttsComponent;
    private final Map<String, String> variables;
    private final Map<String, String> headers = new ConcurrentHashMap<>();
    private final List<Component> applied = Collections.synchronizedList(new ArrayList<>());
    private volatile String blocked = "";

    /**
     * @param session      the dialog, as an {@link IvrController} handed it over
     * @param timers       runs digit timeouts; shared by many channels, owned by the caller
     * @param ttsComponent makes the component that speaks a text, or {@code null} if the platform has none
     */
    public IvrVoiceChannel(IvrSession session, ScheduledExecutorService timers, Function<String, Component> ttsComponent) {
        this.session = Objects.requireNonNull(session, "session");
        this.timers = Objects.requireNonNull(timers, "timers");
        this.ttsComponent = ttsComponent;
        this.variables = variablesOf(session.start());
    }

    /**
     * What a voice script's {@code main} gets as {@code data} for this dialog: the api_start's fields
     * ({@code callid}, {@code ivrid}, {@code key}, {@code componentid}, {@code state}, ...), with {@code params}
     * parsed when it is JSON text.
     */
    public static ObjectNode dataOf(ApiEvent start) {
        ObjectNode data = start.toNotify(0).data().deepCopy();
        data.remove("reason");
        JsonNode params = parsed(start.params());
        if (params != null) {
            data.set("params", params);
        }
        return data;
    }

    private static JsonNode parsed(String params) {
        if (params == null || params.isBlank()) {
            return null;
        }
        try {
            return JSON.readTree(params);
        } catch (JsonProcessingException e) {
            return null;
        }
    }

    /** The variables {@code ctx.get} sees at the start: the api_start's fields and, for JSON params, theirs. */
    static Map<String, String> variablesOf(ApiEvent start) {
        Map<String, String> vars = new ConcurrentHashMap<>();
        start.toNotify(0).data().fields().forEachRemaining(f -> vars.put(f.getKey(), text(f.getValue())));
        JsonNode params = parsed(start.params());
        if (params != null && params.isObject()) {
            params.fields().forEachRemaining(p -> vars.putIfAbsent(p.getKey(), text(p.getValue())));
        }
        return vars;
    }

    private static String text(JsonNode value) {
        return value.isTextual() ? value.asText() : value.toString();
    }

    /** The session this channel drives. */
    public IvrSession session() {
        return session;
    }

    /** The components this channel applied, in order (as asked; the session may send one in its early form). */
    public List<Component> applied() {
        synchronized (applied) {
            return List.copyOf(applied);
        }
    }

    private CompletableFuture<ComponentResult> apply(Component component) {
        applied.add(component);
        CompletableFuture<ComponentResult> result = new CompletableFuture<>();
        attempt(component, result, RETRIES_AFTER_RECONNECT);
        return result;
    }

    /**
     * Applies {@code component} for {@code result}. A component whose answer was lost with the socket was
     * terminated by the session after its reaccept; the script is still waiting for it, so it is applied again
     * (a prompt starts over) rather than failing the call. So is one that was still running after a reconnect and
     * that the session's probe stopped ({@link ComponentResult#interrupted()}), except a recording: recording again
     * would lose what the caller already said, and the recording's stop event carries its file. One whose stop was
     * lost in the disconnect ({@link ComponentResult#lost()}) had run to its end: the script goes on. Cancelling
     * {@code result} reaches the session.
     */
    private void attempt(Component component, CompletableFuture<ComponentResult> result, int retries) {
        CompletableFuture<ComponentResult> stage = session.apply(component).toCompletableFuture();
        result.whenComplete((r, e) -> {
            if (result.isCancelled()) {
                stage.cancel(true);
            }
        });
        stage.whenComplete((r, e) -> {
            Throwable error = e == null ? null : unwrap(e);
            if (error == null) {
                if (r.interrupted() && component.oType() != Component.RECORD && retries > 0 && !result.isDone()
                        && !session.ended().toCompletableFuture().isDone()) {
                    attempt(component, result, retries - 1);
                } else {
                    result.complete(r);
                }
            } else if (error instanceof IvrConnectionException && retries > 0 && !result.isDone()
                    && !session.ended().toCompletableFuture().isDone()) {
                if (component instanceof Component.SipResponse && ControlSession.DIALOG.equals(session.sipState())) {
                    result.complete(null); // the lost 200 did reach the platform: the call is answered
                } else {
                    attempt(component, result, retries - 1);
                }
            } else {
                result.completeExceptionally(error);
            }
        });
    }

    @Override
    public String callId() {
        return session.callid() != null ? session.callid() : session.ivrid();
    }

    @Override
    public Map<String, String> variables() {
        return variables;
    }

    @Override
    public Map<String, String> headers() {
        return headers;
    }

    @Override
    public CompletionStage<Void> answer() {
        if (ControlSession.DIALOG.equals(session.sipState())) {
            return CompletableFuture.completedFuture(null);
        }
        return apply(Component.sipResponse(200, "OK")).thenApply(r -> null);
    }

    @Override
    public CompletionStage<Void> play(String file) {
        return playback(file).thenApply(r -> null);
    }

    private CompletableFuture<ComponentResult> playback(String file) {
        if (file.startsWith(":")) {
            StoragePath.check("file", file);
        }
        return apply(Component.playback(file));
    }

    @Override
    public CompletionStage<Void> tts(String text) {
        if (ttsComponent == null) {
            return CompletableFuture.failedFuture(new UnsupportedOperationException("ivrapi has no text-to-speech "
                    + "component of its own; the host must name one (IvrVoiceChannel's ttsComponent, forge ivr-agent "
                    + "--tts-otype)"));
        }
        return apply(ttsComponent.apply(text)).thenApply(r -> null);
    }

    @Override
    public CompletionStage<String> gather(Gather gather) {
        StringBuilder digits = new StringBuilder();
        CompletableFuture<String> done = new CompletableFuture<>();
        if (gather.file() == null) {
            collect(gather, digits, done);
            return done;
        }
        CompletableFuture<ComponentResult> prompt;
        try {
            prompt = playback(gather.file());
        } catch (RuntimeException e) {
            return CompletableFuture.failedFuture(e);
        }
        // The first digit stops the prompt (barge-in); a prompt that ends first starts the timeout.
        CompletableFuture<String> first = new CompletableFuture<>();
        awaitDigit(first, Long.MAX_VALUE);
        first.whenComplete((digit, error) -> {
            if (error != null) {
                prompt.cancel(true);
                done.completeExceptionally(unwrap(error));
            } else if (digit != null) {
                prompt.cancel(true);
                if (take(gather, digits, digit)) {
                    collect(gather, digits, done);
                } else {
                    done.complete(digits.toString());
                }
            }
        });
        prompt.whenComplete((result, error) -> {
            if (first.isDone()) {
                return;
            }
            if (error != null && !(unwrap(error) instanceof CancellationException)) {
                done.completeExceptionally(unwrap(error));
                first.cancel(false);
                return;
            }
            ScheduledFuture<?> timeout = timers.schedule(() -> first.complete(null), gather.timeout().toNanos(),
                    TimeUnit.NANOSECONDS);
            first.whenComplete((digit, e) -> {
                timeout.cancel(false);
                if (digit == null && e == null) {
                    done.complete(digits.toString());
                }
            });
        });
        return done;
    }

    /** Adds {@code digit}; whether to go on collecting. */
    private static boolean take(Gather gather, StringBuilder digits, String digit) {
        if (gather.terminators().contains(digit)) {
            return false;
        }
        digits.append(digit);
        return digits.length() < gather.maxDigits();
    }

    private void collect(Gather gather, StringBuilder digits, CompletableFuture<String> done) {
        nextDigit(gather.timeout()).whenComplete((digit, error) -> {
            if (error != null) {
                done.completeExceptionally(unwrap(error));
            } else if (digit == null || !take(gather, digits, digit)) {
                done.complete(digits.toString());
            } else {
                collect(gather, digits, done);
            }
        });
    }

    @Override
    public CompletionStage<String> nextDigit(Duration timeout) {
        CompletableFuture<String> result = new CompletableFuture<>();
        long deadline = System.nanoTime() + timeout.toNanos();
        awaitDigit(result, deadline);
        return result;
    }

    /** Completes {@code result} with the next digit that is not blocked, or null at {@code deadline}. */
    private void awaitDigit(CompletableFuture<String> result, long deadline) {
        CompletableFuture<DtmfEvent> next = session.nextDtmf().toCompletableFuture();
        ScheduledFuture<?> timer = deadline == Long.MAX_VALUE ? null : timers.schedule(() -> {
            if (next.cancel(false)) {
                result.complete(null);
            }
        }, deadline - System.nanoTime(), TimeUnit.NANOSECONDS);
        // Whoever gives up on the result (a prompt that ended, a timeout) stops the wait for the digit.
        result.whenComplete((v, e) -> next.cancel(false));
        next.whenComplete((dtmf, error) -> {
            if (timer != null) {
                timer.cancel(false);
            }
            if (error != null) {
                if (!(unwrap(error) instanceof CancellationException)) {
                    result.completeExceptionally(unwrap(error));
                }
            } else if (blocked.contains(dtmf.digit())) {
                awaitDigit(result, deadline);
            } else {
                result.complete(dtmf.digit());
            }
        });
    }

    @Override
    public CompletionStage<Void> record(String name) {
        CompletableFuture<ComponentResult> recording = apply(Component.record(DEFAULT_RECORD_LIMIT)
                .with("name", name));
        // It has started once sent; the next component waits in the session's queue until it ends.
        return recording.isCompletedExceptionally() ? recording.thenApply(r -> null) : CompletableFuture.completedFuture(null);
    }

    @Override
    public CompletionStage<String> bridge(String destination, String continueOn) {
        return apply(Component.transfer(destination)).thenApply(result -> {
            ObjectNode leg = JsonNodeFactory.instance.objectNode();
            leg.put("destination", destination);
            leg.put("status", "transferred");
            leg.put("transferKey", result.transferKey());
            leg.set("results", result.results());
            return leg.toString();
        });
    }

    @Override
    public CompletionStage<Void> hangup() {
        // A hangup whose answer was lost in a disconnect may have ended the call already: that is success.
        return apply(Component.hangup()).handle((r, e) -> {
            if (e != null && !(unwrap(e) instanceof IvrSessionEndedException)) {
                throw e instanceof CompletionException ce ? ce : new CompletionException(e);
            }
            return null;
        });
    }

    @Override
    public CompletionStage<Void> blockDtmf(String digits) {
        blocked = digits;
        return CompletableFuture.completedFuture(null);
    }

    @Override
    public CompletionStage<Void> setVariable(String name, String value) {
        variables.put(name, value);
        return CompletableFuture.completedFuture(null);
    }

    @Override
    public CompletionStage<Void> setHeader(String name, String value) {
        headers.put(name, value);
        return CompletableFuture.completedFuture(null);
    }

    @Override
    public CompletionStage<Void> ended() {
        return session.ended().thenApply(reason -> null);
    }

    private static Throwable unwrap(Throwable error) {
        return error instanceof CompletionException && error.getCause() != null ? error.getCause() : error;
    }
}
