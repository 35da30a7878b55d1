package dev.forge;

import com.fasterxml.jackson.databind.JsonNode;
import dev.forge.internal.Json;

import java.time.Duration;
import java.util.Objects;

/**
 * One request to run a script: which script, the call's data, and the assignment's options.
 *
 * <p>The data crosses into the script as one JSON string; give it as text ({@link Builder#data(String)})
 * or as a Jackson tree ({@link Builder#data(JsonNode)}). A {@code timeout} here overrides the script's
 * limit for this call (ScriptForge sets it per route and per DID); {@code timeoutAction} is what the call
 * gets when the deadline passes. {@code callId} goes into the logs' MDC as {@code callid}.
 *
 * <p>Thread-safety: immutable.
 *
 * @since 0.1.0
 */
public final class Invocation {

    private final String scriptId;
    private final String dataJson;
    private final Duration timeout;
    private final SipStatus timeoutAction;
    private final String callId;
    private final String function;
    private final Object attachment;
    private final Duration stretch;

    private Invocation(Builder b) {
        this.attachment = b.attachment;
        this.stretch = b.stretch;
        this.scriptId = b.scriptId;
        this.dataJson = b.dataJson;
        this.timeout = b.timeout;
        this.timeoutAction = b.timeoutAction;
        this.callId = b.callId;
        this.function = b.function;
    }

    public static Builder builder(String scriptId) {
        return new Builder(scriptId);
    }

    /** The script's id in the {@link dev.forge.spi.ScriptStore}. */
    public String scriptId() {
        return scriptId;
    }

    /** The call's data as JSON text. */
    public String dataJson() {
        return dataJson;
    }

    /** The timeout for this call, or {@code null} for the script's limit. */
    public Duration timeout() {
        return timeout;
    }

    /** What a timed-out call gets; {@code null} for {@link SipStatus#DEFAULT_TIMEOUT_ACTION}. */
    public SipStatus timeoutAction() {
        return timeoutAction;
    }

    /** The call's id for logs, or {@code null}. */
    public String callId() {
        return callId;
    }

    /**
     * The exported function to call, for Drivers; {@code null} means {@code main(data)}. When set,
     * {@link #dataJson()} is the JSON array of its arguments.
     */
    public String function() {
        return function;
    }

    /**
     * What the host attached for the script's {@link dev.forge.spi.Bindings} (a voice script's
     * {@link dev.forge.spi.VoiceChannel}), or {@code null}. Never handed to the script itself.
     */
    public Object attachment() {
        return attachment;
    }

    /**
     * The limit on each synchronous stretch of the invocation (from its start to its first await, and from
     * each resumption to the next), or {@code null} when only the overall {@link #timeout()} applies. A voice
     * call lasts as long as the caller stays, but no stretch of its code may hog the isolate.
     */
    public Duration stretch() {
        return stretch;
    }

    public Builder toBuilder() {
        Builder b = new Builder(scriptId);
        b.function = function;
        b.dataJson = dataJson;
        b.timeout = timeout;
        b.timeoutAction = timeoutAction;
        b.callId = callId;
        b.attachment = attachment;
        b.stretch = stretch;
        return b;
    }

    /** Builds an {@link Invocation}. Not thread-safe. */
    public static final class Builder {
        private final String scriptId;
        private String dataJson = "{}";
        private Duration timeout;
        private SipStatus timeoutAction;
        private String callId;
        private String function;
        private Object attachment;
        private Duration stretch;

        private Builder(String scriptId) {
            this.scriptId = Objects.requireNonNull(scriptId, "scriptId");
        }

        /** The data as JSON text. It is checked by the script's {@code JSON.parse}, not here. */
        public Builder data(String json) {
            this.dataJson = Objects.requireNonNull(json, "data");
            return this;
        }

        /** The data as a Jackson tree. */
        public Builder data(JsonNode tree) {
            this.dataJson = Json.write(Objects.requireNonNull(tree, "data"));
            return this;
        }

        public Builder timeout(Duration value) {
            this.timeout = value;
            return this;
        }

        /** The timeout action, e.g. {@code SipStatus.parse("480 Temporarily Unavailable")}. */
        public Builder timeoutAction(SipStatus value) {
            this.timeoutAction = value;
            return this;
        }

        /** Parses and sets the timeout action from ScriptForge's {@code "[sip code] [reason]"} form. */
        public Builder timeoutAction(String value) {
            this.timeoutAction = SipStatus.parse("timeoutAction", value);
            return this;
        }

        /**
         * Calls the exported function {@code name} (a Driver's {@code search}, {@code send}, ...) with the
         * arguments in {@code argsJson}, a JSON array, instead of {@code main(data)}.
         */
        public Builder call(String name, String argsJson) {
            if (name == null || name.isBlank()) {
                throw new IllegalArgumentException("function: a name is required, got " + (name == null ? "null" : "''"));
            }
            this.function = name;
            this.dataJson = Objects.requireNonNull(argsJson, "args");
            return this;
        }

        /** Attaches a host object for the script's bindings; see {@link Invocation#attachment()}. */
        public Builder attachment(Object value) {
            this.attachment = value;
            return this;
        }

        /** Limits each synchronous stretch; see {@link Invocation#stretch()}. */
        public Builder stretch(Duration value) {
            this.stretch = value;
            return this;
        }

        public Builder callId(String value) {
            this.callId = value;
            return this;
        }

        public Invocation build() {
            if (scriptId.isBlank()) {
                throw new IllegalArgumentException("scriptId: required, got ''");
            }
            if (timeout != null && (timeout.isZero() || timeout.isNegative())) {
                throw new IllegalArgumentException("timeout: must be positive, got " + timeout.toMillis() + " ms");
            }
            if (stretch != null && (stretch.isZero() || stretch.isNegative())) {
                throw new IllegalArgumentException("stretch: must be positive, got " + stretch.toMillis() + " ms");
            }
            return new Invocation(this);
        }
    }
}
