package dev.forge;

import dev.forge.internal.Json;

import java.util.Objects;

/**
 * How one invocation ended. Exactly one of:
 * <ul>
 *   <li>{@link Ok}: the script returned; {@link Ok#dataJson()} is what it returned, as JSON;</li>
 *   <li>{@link Rejected}: the script rejected the call with a SIP status ({@code throw '486 Busy Here'});</li>
 *   <li>{@link TimedOut}: the deadline passed; the call gets the assignment's timeout action;</li>
 *   <li>{@link Failed}: the script failed; {@link Failed#error()} says how;</li>
 *   <li>{@link Overloaded}: the engine had no room for the invocation; the call gets the overload status.</li>
 * </ul>
 * Every outcome carries {@code micros}, the wall-clock time from {@code invoke} to the outcome.
 *
 * <p>{@link #toJson()} gives the outcome in the form the {@code forge} CLI prints.
 *
 * <p>Thread-safety: immutable.
 *
 * @since 0.1.0
 */
public sealed interface Outcome {

    /** The outcome's name as printed in JSON: ok, rejected, timeout, error, overloaded. */
    String name();

    /** Microseconds from the call to {@code invoke} to this outcome. */
    long micros();

    /** This outcome as one line of JSON, as the {@code forge run} command prints it. */
    default String toJson() {
        return Json.outcome(this);
    }

    /** True for {@link Ok}. */
    default boolean isOk() {
        return this instanceof Ok;
    }

    /**
     * The SIP status the call should get for this outcome: the rejection, the timeout action or the
     * overload status; {@code null} for {@link Ok} and {@link Failed}.
     */
    default SipStatus sip() {
        return null;
    }

    /** The script returned; {@code dataJson} is its return value serialised as JSON. */
    record Ok(String dataJson, long micros) implements Outcome {
        public Ok {
            Objects.requireNonNull(dataJson, "dataJson");
        }

        @Override
        public String name() {
            return "ok";
        }

        /** The returned data as a Jackson tree. */
        public com.fasterxml.jackson.databind.JsonNode data() {
            return Json.parse("data", dataJson);
        }
    }

    /** The script rejected the call with a SIP status. */
    record Rejected(SipStatus status, long micros) implements Outcome {
        public Rejected {
            Objects.requireNonNull(status, "status");
        }

        @Override
        public String name() {
            return "rejected";
        }

        @Override
        public SipStatus sip() {
            return status;
        }
    }

    /** The deadline passed; the call gets {@code action}. */
    record TimedOut(SipStatus action, long micros) implements Outcome {
        public TimedOut {
            Objects.requireNonNull(action, "action");
        }

        @Override
        public String name() {
            return "timeout";
        }

        @Override
        public SipStatus sip() {
            return action;
        }
    }

    /** The script failed. */
    record Failed(ScriptException error, long micros) implements Outcome {
        public Failed {
            Objects.requireNonNull(error, "error");
        }

        @Override
        public String name() {
            return "error";
        }
    }

    /** The engine had no room for this invocation (the script's queue was full, or Forge was closing). */
    record Overloaded(SipStatus status, String why, long micros) implements Outcome {
        public Overloaded {
            Objects.requireNonNull(status, "status");
            Objects.requireNonNull(why, "why");
        }

        @Override
        public String name() {
            return "overloaded";
        }

        @Override
        public SipStatus sip() {
            return status;
        }
    }
}
