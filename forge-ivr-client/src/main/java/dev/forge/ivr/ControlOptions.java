package dev.forge.ivr;

import java.time.Duration;
import java.util.Objects;
import java.util.function.Predicate;

/**
 * Settings of the control layer ({@link IvrClient#control}). Build with {@link #builder()}; every setting has a
 * {@code DEFAULT_*}.
 *
 * <p>Thread-safety: immutable (the key filter must be safe to call from several threads).
 *
 * @param keyFilter       which api_start {@code key}s to take: {@link Builder#key(String)} for one exact key,
 *                        {@link Builder#keys(Predicate, String)} for a rule; by default every key
 * @param keyDescription  the filter in words, for logs and {@link #toString()}
 * @param overlap         what {@link IvrSession#apply} does while a component runs: queue it (the platform
 *                        refuses overlapping components) or refuse it at once
 * @param terminateGrace  after an answered {@code ivrapi_component_terminate}, how long to wait for the
 *                        component's {@code ivrapi_component_stopped} before counting it stopped anyway (the seed
 *                        does not say whether the platform sends one after a terminate)
 * @param dtmfBuffer      how many unread digits a session keeps for {@link IvrSession#nextDtmf()}; beyond it the
 *                        oldest is dropped
 * @param threads         the threads that run session work (callbacks, replies, events); sessions share them,
 *                        each session's work stays in order
 * @param firstOId        the first {@code oId} the controller puts on an applied component; each apply gets the
 *                        next one, so that {@code ivrapi_component_stopped} can be matched to its session. Far
 *                        above the component ids of a hand-made script by default
 * @param settleAfterReaccept after a reconnect, how long a component that was running when the socket dropped
 *                        may take to report its end before Forge probes it. A platform that keeps a session's
 *                        events for the reaccept sends the stop of a component that ended meanwhile right after
 *                        answering {@code ivrapi_reaccept}; one that does not keep them never sends it. When no
 *                        stop event came within this time, Forge sends {@code ivrapi_component_terminate}: a
 *                        refusal (nothing to terminate) means the component had ended and its stop was lost
 *                        ({@link ComponentResult.Ending#LOST}); an answer means it was still running and is now
 *                        stopped ({@link ComponentResult.Ending#INTERRUPTED}). Zero probes at once
 *
 * @since 0.1.0
 */
public record ControlOptions(Predicate<String> keyFilter, String keyDescription, Overlap overlap,
                             Duration terminateGrace, int dtmfBuffer, int threads, long firstOId,
                             Duration settleAfterReaccept) {

    /** What a second apply does while a component runs. */
    public enum Overlap {
        /** Wait for the running component (and those queued before) to stop, then send. */
        QUEUE,
        /** Fail the second apply's stage at once with an {@link IvrStateException}. */
        REFUSE
    }

    public static final Predicate<String> DEFAULT_KEY_FILTER = key -> true;
    public static final Overlap DEFAULT_OVERLAP = Overlap.QUEUE;
    public static final Duration DEFAULT_TERMINATE_GRACE = Duration.ofSeconds(2);
    public static final int DEFAULT_DTMF_BUFFER = 64;
    public static final int DEFAULT_THREADS = Math.max(2, Runtime.getRuntime().availableProcessors());
    public static final long DEFAULT_FIRST_OID = 1_000_000L;
    public static final Duration DEFAULT_SETTLE_AFTER_REACCEPT = Duration.ofSeconds(2);

    public ControlOptions {
        Objects.requireNonNull(keyFilter, "keyFilter");
        Objects.requireNonNull(keyDescription, "keyDescription");
        Objects.requireNonNull(overlap, "overlap");
        Objects.requireNonNull(terminateGrace, "terminateGrace");
        Objects.requireNonNull(settleAfterReaccept, "settleAfterReaccept");
        if (terminateGrace.isNegative() || terminateGrace.isZero()) {
            throw new IllegalArgumentException("terminateGrace must be positive, got " + terminateGrace);
        }
        if (dtmfBuffer < 1) {
            throw new IllegalArgumentException("dtmfBuffer must be at least 1 digit, got " + dtmfBuffer);
        }
        if (threads < 1) {
            throw new IllegalArgumentException("threads must be at least 1, got " + threads);
        }
        if (firstOId < 0) {
            throw new IllegalArgumentException("firstOId must be 0 or more, got " + firstOId);
        }
        if (settleAfterReaccept.isNegative()) {
            throw new IllegalArgumentException("settleAfterReaccept must be zero (probe at once) or more, got "
                    + settleAfterReaccept);
        }
    }

    public static ControlOptions defaults() {
        return builder().build();
    }

    public static Builder builder() {
        return new Builder();
    }

    public Builder toBuilder() {
        Builder b = new Builder();
        b.keyFilter = keyFilter;
        b.keyDescription = keyDescription;
        return b.overlap(overlap).terminateGrace(terminateGrace).dtmfBuffer(dtmfBuffer).threads(threads)
                .firstOId(firstOId).settleAfterReaccept(settleAfterReaccept);
    }

    /** True when this controller takes sessions with {@code key}. */
    public boolean matches(String key) {
        return keyFilter.test(key);
    }

    @Override
    public String toString() {
        return "ControlOptions[keys=" + keyDescription + ", overlap=" + overlap + ", terminateGrace=" + terminateGrace
                + ", dtmfBuffer=" + dtmfBuffer + ", threads=" + threads + ", firstOId=" + firstOId
                + ", settleAfterReaccept=" + settleAfterReaccept + "]";
    }

    /** Builds {@link ControlOptions}; {@link #build()} validates. Not thread-safe. */
    public static final class Builder {
        private Predicate<String> keyFilter = DEFAULT_KEY_FILTER;
        private String keyDescription = "any key";
        private Overlap overlap = DEFAULT_OVERLAP;
        private Duration terminateGrace = DEFAULT_TERMINATE_GRACE;
        private int dtmfBuffer = DEFAULT_DTMF_BUFFER;
        private int threads = DEFAULT_THREADS;
        private long firstOId = DEFAULT_FIRST_OID;
        private Duration settleAfterReaccept = DEFAULT_SETTLE_AFTER_REACCEPT;

        private Builder() {
        }

        /** Takes only sessions whose api_start {@code key} equals {@code key}. */
        public Builder key(String key) {
            Objects.requireNonNull(key, "key");
            this.keyFilter = key::equals;
            this.keyDescription = "key '" + key + "'";
            return this;
        }

        /** Takes the sessions whose key {@code filter} accepts; {@code description} names the rule in logs. */
        public Builder keys(Predicate<String> filter, String description) {
            this.keyFilter = Objects.requireNonNull(filter, "filter");
            this.keyDescription = Objects.requireNonNull(description, "description");
            return this;
        }

        /** Takes every session (the default). */
        public Builder anyKey() {
            return keys(DEFAULT_KEY_FILTER, "any key");
        }

        public Builder overlap(Overlap value) {
            this.overlap = Objects.requireNonNull(value, "overlap");
            return this;
        }

        public Builder terminateGrace(Duration value) {
            this.terminateGrace = Objects.requireNonNull(value, "terminateGrace");
            return this;
        }

        public Builder dtmfBuffer(int value) {
            this.dtmfBuffer = value;
            return this;
        }

        public Builder threads(int value) {
            this.threads = value;
            return this;
        }

        public Builder firstOId(long value) {
            this.firstOId = value;
            return this;
        }

        /** See {@link ControlOptions#settleAfterReaccept()}; {@link Duration#ZERO} probes at once after a reaccept. */
        public Builder settleAfterReaccept(Duration value) {
            this.settleAfterReaccept = Objects.requireNonNull(value, "settleAfterReaccept");
            return this;
        }

        public ControlOptions build() {
            return new ControlOptions(keyFilter, keyDescription, overlap, terminateGrace, dtmfBuffer, threads,
                    firstOId, settleAfterReaccept);
        }
    }
}
