package dev.forge.testkit.ivr;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * A call for {@link FakeIvrPlatform#startCall(CallSpec)}: the api_start it sends, whether another controller
 * competes for it, how the platform answers applied components ({@link Reaction}s, tried before the platform's
 * own) and what the caller does on a timeline that starts when a controller takes the call ({@link Step}s).
 *
 * @param state         the SIP state in api_start: dialog, early, ringing or incoming
 * @param params        component 224's {@code params} string
 * @param rival         a competing controller: {@link Rival#WINS} takes the call before any accept arrives,
 *                      {@link Rival#LOSES} tries after the first accept and is refused
 * @param acceptTimeout without an accept by then, api_stop {@code timeout}; null for the platform's setting
 *
 * @since 0.1.0
 */
public record CallSpec(String ivrid, String key, String state, String params, Rival rival, Duration acceptTimeout,
                       List<Reaction> reactions, List<Step> steps) {

    public enum Rival { NONE, WINS, LOSES }

    /**
     * Something the caller (or the platform) does, {@link #at()} after a controller took the call: press digits
     * ({@link Kind#DTMF}), hang up ({@link Kind#HANGUP}: api_stop {@code script}), or end the running component
     * ({@link Kind#STOP_COMPONENT}).
     */
    public record Step(Duration at, Kind kind, String digits, Duration gap, String transferKey, ObjectNode results) {
        public enum Kind { DTMF, HANGUP, STOP_COMPONENT }

        public Step {
            Objects.requireNonNull(at, "at");
            Objects.requireNonNull(kind, "kind");
            if (kind == Kind.DTMF && (digits == null || digits.isEmpty())) {
                throw new IllegalArgumentException("dtmf: a DTMF step needs digits");
            }
            gap = gap == null ? Reaction.DEFAULT_DTMF_GAP : gap;
            results = results == null ? null : results.deepCopy();
        }

        public static Step dtmf(Duration at, String digits, Duration gap) {
            return new Step(at, Kind.DTMF, digits, gap, null, null);
        }

        public static Step hangup(Duration at) {
            return new Step(at, Kind.HANGUP, null, null, null, null);
        }

        public static Step stopComponent(Duration at, String transferKey, ObjectNode results) {
            return new Step(at, Kind.STOP_COMPONENT, null, null, transferKey, results);
        }
    }

    public CallSpec {
        Objects.requireNonNull(ivrid, "ivrid");
        Objects.requireNonNull(key, "key");
        Objects.requireNonNull(rival, "rival");
        reactions = List.copyOf(reactions == null ? List.of() : reactions);
        steps = List.copyOf(steps == null ? List.of() : steps);
    }

    public static Builder builder(String ivrid, String key, String state) {
        return new Builder(ivrid, key, state);
    }

    /** Builds a {@link CallSpec}. Not thread-safe. */
    public static final class Builder {
        private final String ivrid;
        private final String key;
        private final String state;
        private String params = "{}";
        private Rival rival = Rival.NONE;
        private Duration acceptTimeout;
        private final List<Reaction> reactions = new ArrayList<>();
        private final List<Step> steps = new ArrayList<>();

        private Builder(String ivrid, String key, String state) {
            this.ivrid = ivrid;
            this.key = key;
            this.state = state;
        }

        public Builder params(String value) {
            this.params = value;
            return this;
        }

        public Builder rival(Rival value) {
            this.rival = Objects.requireNonNull(value, "rival");
            return this;
        }

        public Builder acceptTimeout(Duration value) {
            this.acceptTimeout = value;
            return this;
        }

        public Builder react(Reaction reaction) {
            reactions.add(Objects.requireNonNull(reaction, "reaction"));
            return this;
        }

        public Builder step(Step step) {
            steps.add(Objects.requireNonNull(step, "step"));
            return this;
        }

        public CallSpec build() {
            return new CallSpec(ivrid, key, state, params, rival, acceptTimeout, reactions, steps);
        }
    }
}
