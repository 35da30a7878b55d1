package dev.forge.testkit.voice;

import dev.forge.testkit.internal.TestJson;
import dev.forge.spi.VoiceChannel;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * A {@link VoiceChannel} with a scripted caller, for testing Class 5 voice scripts without a PBX: the
 * caller's digits are queued up front ({@link Builder#press}) and handed to the script's {@code ctx.ivr} and
 * {@code ctx.waitFor} as it asks; when none are left, the caller is silent and a gather times out at once
 * (no real waiting, so tests are fast and deterministic). Every verb the script applies is recorded as a
 * line ({@code "answer"}, {@code "play ivr/welcome.wav"}, {@code "gather ivr/pin.wav"},
 * {@code "bridge sip:100@pbx false"}, {@code "hangup"}, ...) for {@link #verbs()} and {@link #takeVerb}.
 *
 * <pre>{@code
 * FakeVoiceChannel caller = FakeVoiceChannel.builder().press("1234#").build();
 * Outcome outcome = forge.invokeVoice("t1/pin", caller, "{}").get();
 * assertEquals(List.of("answer", "gather ivr/pin.wav", "bridge sip:sales@pbx false"), caller.verbs());
 * }</pre>
 *
 * <p>Thread-safety: thread-safe.
 *
 * @since 0.1.0
 */
public final class FakeVoiceChannel implements VoiceChannel {

    private final String callId;
    private final Map<String, String> variables;
    private final Map<String, String> headers;
    private final ArrayDeque<String> digits = new ArrayDeque<>();
    private final List<String> verbs = new ArrayList<>();
    private final BlockingQueue<String> taken = new LinkedBlockingQueue<>();
    private final CompletableFuture<Void> ended = new CompletableFuture<>();
    private final int hangUpAfter;
    private String blocked = "";
    private boolean answered;

    private FakeVoiceChannel(Builder b) {
        this.callId = b.callId;
        this.variables = Map.copyOf(b.variables);
        this.headers = Map.copyOf(b.headers);
        for (char c : b.digits.toString().toCharArray()) {
            digits.add(String.valueOf(c));
        }
        this.hangUpAfter = b.hangUpAfter;
    }

    public static Builder builder() {
        return new Builder();
    }

    /** The verbs applied so far, in order. */
    public synchronized List<String> verbs() {
        return List.copyOf(verbs);
    }

    /** The next verb applied, waiting up to {@code timeout} for it; null if none came. */
    public String takeVerb(Duration timeout) throws InterruptedException {
        return taken.poll(timeout.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** Whether the script answered the call. */
    public synchronized boolean answered() {
        return answered;
    }

    /** Whether the call has ended (the script hung up, or the caller did). */
    public boolean isEnded() {
        return ended.isDone();
    }

    /** The caller hangs up now: verbs from now on fail, as on a real call. */
    public void callerHangsUp() {
        ended.complete(null);
    }

    /** Records {@code line}; fails with the reason if the call has ended. */
    private synchronized CompletableFuture<Void> apply(String line) {
        if (ended.isDone()) {
            return CompletableFuture.failedFuture(new IllegalStateException("the call has ended"));
        }
        verbs.add(line);
        taken.add(line);
        if (hangUpAfter > 0 && verbs.size() >= hangUpAfter) {
            ended.complete(null);
        }
        return CompletableFuture.completedFuture(null);
    }

    @Override
    public String callId() {
        return callId;
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
        synchronized (this) {
            answered = true;
        }
        return apply("answer");
    }

    @Override
    public CompletionStage<Void> play(String file) {
        return apply("play " + file);
    }

    @Override
    public CompletionStage<Void> tts(String text) {
        return apply("tts " + text);
    }

    @Override
    public CompletionStage<String> gather(Gather gather) {
        return apply("gather " + (gather.file() == null ? "" : gather.file())).thenApply(v -> collect(gather));
    }

    private synchronized String collect(Gather gather) {
        StringBuilder got = new StringBuilder();
        String digit;
        while (got.length() < gather.maxDigits() && (digit = nextUnblocked()) != null) {
            if (gather.terminators().contains(digit)) {
                break;
            }
            got.append(digit);
        }
        return got.toString();
    }

    private String nextUnblocked() {
        String digit;
        while ((digit = digits.poll()) != null) {
            if (!blocked.contains(digit)) {
                return digit;
            }
        }
        return null;
    }

    @Override
    public CompletionStage<Void> record(String name) {
        return apply("record " + name);
    }

    @Override
    public CompletionStage<String> bridge(String destination, String continueOn) {
        return apply("bridge " + destination + " " + continueOn)
                .thenApply(v -> TestJson.write(TestJson.object().put("destination", destination).put("status", "answered")));
    }

    @Override
    public CompletionStage<Void> hangup() {
        CompletableFuture<Void> done = apply("hangup");
        ended.complete(null);
        return done;
    }

    @Override
    public CompletionStage<String> nextDigit(Duration timeout) {
        synchronized (this) {
            if (ended.isDone()) {
                return CompletableFuture.failedFuture(new IllegalStateException("the call has ended"));
            }
            return CompletableFuture.completedFuture(nextUnblocked());
        }
    }

    @Override
    public CompletionStage<Void> blockDtmf(String digitsToBlock) {
        synchronized (this) {
            blocked = digitsToBlock;
        }
        return apply("blockDtmf " + digitsToBlock);
    }

    @Override
    public CompletionStage<Void> setVariable(String name, String value) {
        return apply("set " + name + "=" + value);
    }

    @Override
    public CompletionStage<Void> setHeader(String name, String value) {
        return apply("header " + name + ": " + value);
    }

    @Override
    public CompletionStage<Void> ended() {
        return ended;
    }

    /** Builds a {@link FakeVoiceChannel}. Not thread-safe. */
    public static final class Builder {
        private String callId = "fake-call-1";
        private Map<String, String> variables = Map.of();
        private Map<String, String> headers = Map.of();
        private final StringBuilder digits = new StringBuilder();
        private int hangUpAfter;

        private Builder() {
        }

        public Builder callId(String value) {
            this.callId = Objects.requireNonNull(value, "callId");
            return this;
        }

        /** Channel variables the script reads with {@code ctx.get}. */
        public Builder variables(Map<String, String> value) {
            this.variables = Objects.requireNonNull(value, "variables");
            return this;
        }

        /** SIP headers the script reads with {@code ctx.header(name)}. */
        public Builder headers(Map<String, String> value) {
            this.headers = Objects.requireNonNull(value, "headers");
            return this;
        }

        /** Digits the caller types, in order ({@code 0-9}, {@code *}, {@code #}, {@code A-D}). */
        public Builder press(String keys) {
            if (keys == null || !keys.matches("[0-9*#A-D]*")) {
                throw new IllegalArgumentException("press: DTMF digits are 0-9, *, # and A-D, got '" + keys + "'");
            }
            digits.append(keys);
            return this;
        }

        /** The caller hangs up right after the script's {@code n}th verb. */
        public Builder hangUpAfter(int n) {
            if (n < 1) {
                throw new IllegalArgumentException("hangUpAfter: must be at least 1, got " + n);
            }
            this.hangUpAfter = n;
            return this;
        }

        public FakeVoiceChannel build() {
            return new FakeVoiceChannel(this);
        }
    }
}
