package dev.forge.testkit.ivr;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Duration;
import java.util.Iterator;
import java.util.Map;
import java.util.Objects;

/**
 * How {@link FakeIvrPlatform} answers a component a controller applies: after {@link #after()}, the caller
 * presses {@link #dtmf()} (one digit every {@link #dtmfGap()}, in component mode), then the component stops
 * ({@code ivrapi_component_stopped} with {@link #transferKey()} and {@link #results()}), and the call may end
 * ({@link #endCall()}). A component that ends the call by itself (hangup, transfer, a final 3xx–6xx response)
 * ends it after its stop whatever the reaction says.
 *
 * <pre>{@code
 * platform.react(Reaction.on(204).after(Duration.ofMillis(200)).pressing("1234", Duration.ofMillis(50)).build());
 * }</pre>
 *
 * <p>Thread-safety: immutable.
 *
 * @param oType   the oType it answers, or null for any
 * @param match   fields the apply's {@code data} must have with these values (e.g. {@code {"file": "menu.wav"}}),
 *                or null
 * @param nth     answers only the call's n-th apply (1 for the first), or null for every one
 * @param after   the wait after the apply's answer before anything happens
 * @param dtmf    digits the caller presses, or null
 * @param dtmfGap the time between two digits
 * @param stop    false leaves the component running after the digits (until terminated)
 * @param results the stop's {@code results}; null means {@code {"dtmfBuffer": dtmf}} when digits were pressed,
 *                else {@code {}}
 * @param endCall after the stop, end the call with api_stop of this reason (e.g. {@code script}), or null
 *
 * @since 0.1.0
 */
public record Reaction(Integer oType, ObjectNode match, Integer nth, Duration after, String dtmf, Duration dtmfGap,
                       boolean stop, String transferKey, ObjectNode results, String endCall) {

    /** The branch a component leaves by when a reaction names none (the seed's example uses it). */
    public static final String DEFAULT_TRANSFER_KEY = "transfer";
    public static final Duration DEFAULT_DTMF_GAP = Duration.ofMillis(50);

    public Reaction {
        Objects.requireNonNull(after, "after");
        Objects.requireNonNull(dtmfGap, "dtmfGap");
        if (after.isNegative() || dtmfGap.isNegative()) {
            throw new IllegalArgumentException("after and dtmfGap must be 0 or more, got " + after + " and "
                    + dtmfGap);
        }
        if (nth != null && nth < 1) {
            throw new IllegalArgumentException("nth counts applies from 1, got " + nth);
        }
        match = match == null ? null : match.deepCopy();
        results = results == null ? null : results.deepCopy();
        transferKey = transferKey == null ? DEFAULT_TRANSFER_KEY : transferKey;
    }

    public static Builder on(int oType) {
        return new Builder(oType);
    }

    public static Builder onAny() {
        return new Builder(null);
    }

    /** True when this reaction answers {@code data}, the call's {@code index}-th apply (from 1). */
    public boolean matches(ObjectNode data, int index) {
        if (oType != null && data.path("oType").asInt(-1) != oType) {
            return false;
        }
        if (nth != null && nth != index) {
            return false;
        }
        if (match != null) {
            for (Iterator<Map.Entry<String, JsonNode>> it = match.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> f = it.next();
                if (!f.getValue().equals(data.get(f.getKey()))) {
                    return false;
                }
            }
        }
        return true;
    }

    /** The results the stop carries. */
    public ObjectNode stopResults() {
        if (results != null) {
            return results.deepCopy();
        }
        ObjectNode r = JsonNodeFactory.instance.objectNode();
        if (dtmf != null && !dtmf.isEmpty()) {
            r.put("dtmfBuffer", dtmf);
        }
        return r;
    }

    /** Builds a {@link Reaction}. Not thread-safe. */
    public static final class Builder {
        private final Integer oType;
        private ObjectNode match;
        private Integer nth;
        private Duration after = Duration.ZERO;
        private String dtmf;
        private Duration dtmfGap = DEFAULT_DTMF_GAP;
        private boolean stop = true;
        private String transferKey;
        private ObjectNode results;
        private String endCall;

        private Builder(Integer oType) {
            this.oType = oType;
        }

        public Builder matching(ObjectNode fields) {
            this.match = Objects.requireNonNull(fields, "fields");
            return this;
        }

        public Builder nth(int value) {
            this.nth = value;
            return this;
        }

        public Builder after(Duration value) {
            this.after = Objects.requireNonNull(value, "after");
            return this;
        }

        public Builder pressing(String digits, Duration gap) {
            this.dtmf = Objects.requireNonNull(digits, "digits");
            this.dtmfGap = Objects.requireNonNull(gap, "gap");
            return this;
        }

        public Builder keepRunning() {
            this.stop = false;
            return this;
        }

        public Builder stopWith(String branch, ObjectNode values) {
            this.transferKey = branch;
            this.results = values;
            return this;
        }

        public Builder endCall(String reason) {
            this.endCall = Objects.requireNonNull(reason, "reason");
            return this;
        }

        public Reaction build() {
            return new Reaction(oType, match, nth, after, dtmf, dtmfGap, stop, transferKey, results, endCall);
        }
    }
}
