package dev.forge.opentelemetry;

import dev.forge.InvocationListener;
import dev.forge.Outcome;
import dev.forge.Script;
import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanBuilder;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.context.Context;

import java.time.Instant;
import java.util.Objects;
import java.util.function.Function;

/**
 * A span per Forge invocation on the OpenTelemetry API, named {@code forge.invoke <script id>}, from the call to
 * {@code invoke} to the outcome, with the tenant, script, call id and outcome as attributes. Failed, timed-out and
 * overloaded invocations have status ERROR; a rejection (a SIP answer the script chose) does not.
 *
 * <pre>{@code
 * ForgeTracing tracing = ForgeTracing.builder(openTelemetry).build();
 * Forge forge = Forge.builder().listener(InvocationListener.all(metrics, tracing)).build();
 * }</pre>
 *
 * <p>It is an {@link InvocationListener}: the span is made when the invocation has ended, with the start time
 * it had, and a {@value #RUN_EVENT} event where the wait for an isolate ended and the script started. It has no parent unless
 * {@link Builder#parent} finds one (the host's span for the call, by call id, say): the listener runs on the
 * thread that completed the invocation, whose current context is not the caller's.
 *
 * <p>Error messages stay out of spans unless {@link Builder#recordErrors(boolean) recordErrors(true)}: a script's
 * message may carry what its tenant's data held.
 *
 * <p>Thread-safety: thread-safe.
 *
 * @since 0.1.0
 */
public final class ForgeTracing implements InvocationListener {

    /** The instrumentation scope name the tracer is asked for. */
    public static final String INSTRUMENTATION_SCOPE = "dev.forge";

    /** The script's tenant. */
    public static final AttributeKey<String> TENANT = AttributeKey.stringKey("forge.tenant");
    /** The script's id, {@code tenant/name}. */
    public static final AttributeKey<String> SCRIPT_ID = AttributeKey.stringKey("forge.script.id");
    /** The script's version (its content hash). */
    public static final AttributeKey<String> SCRIPT_VERSION = AttributeKey.stringKey("forge.script.version");
    /** The invocation's call id, when it has one. */
    public static final AttributeKey<String> CALL_ID = AttributeKey.stringKey("forge.call.id");
    /** How it ended: ok, rejected, timeout, error, overloaded. */
    public static final AttributeKey<String> OUTCOME = AttributeKey.stringKey("forge.outcome");
    /** The SIP status the call gets: the rejection, the timeout action or the overload status. */
    public static final AttributeKey<Long> SIP_STATUS = AttributeKey.longKey("forge.sip.status");
    /** Whether an isolate was built for it. */
    public static final AttributeKey<Boolean> COLD_START = AttributeKey.booleanKey("forge.cold_start");
    /** OpenTelemetry's {@code error.type}: the error's kind (runtime, memory, ...), timeout or overloaded. */
    public static final AttributeKey<String> ERROR_TYPE = AttributeKey.stringKey("error.type");

    /** The event where the wait for an isolate ended and the script started. */
    public static final String RUN_EVENT = "forge.run";

    private final Tracer tracer;
    private final Function<InvocationEvent, Context> parent;
    private final boolean recordErrors;

    private ForgeTracing(Builder b) {
        this.tracer = b.tracer;
        this.parent = b.parent;
        this.recordErrors = b.recordErrors;
    }

    /** Spans on {@code openTelemetry}'s tracer for {@value #INSTRUMENTATION_SCOPE}. */
    public static Builder builder(OpenTelemetry openTelemetry) {
        return new Builder(Objects.requireNonNull(openTelemetry, "openTelemetry").getTracer(INSTRUMENTATION_SCOPE));
    }

    /** Spans on {@code tracer}. */
    public static Builder builder(Tracer tracer) {
        return new Builder(Objects.requireNonNull(tracer, "tracer"));
    }

    /** Makes and ends the invocation's span; Forge calls it (give this to {@code Forge.builder().listener(...)}). */
    @Override
    public void onInvocation(InvocationEvent event) {
        Instant end = Instant.now();
        Outcome outcome = event.outcome();
        Instant start = end.minusNanos(outcome.micros() * 1_000);
        Script script = event.script();
        Context context = parent.apply(event);
        SpanBuilder b = tracer.spanBuilder("forge.invoke " + script.id())
                .setSpanKind(SpanKind.INTERNAL)
                .setStartTimestamp(start)
                .setAttribute(TENANT, script.tenant())
                .setAttribute(SCRIPT_ID, script.id())
                .setAttribute(SCRIPT_VERSION, script.version())
                .setAttribute(OUTCOME, outcome.name())
                .setAttribute(COLD_START, event.coldStart());
        b = context == null ? b.setNoParent() : b.setParent(context);
        if (event.callId() != null) {
            b.setAttribute(CALL_ID, event.callId());
        }
        if (outcome.sip() != null) {
            b.setAttribute(SIP_STATUS, (long) outcome.sip().code());
        }
        Span span = b.startSpan();
        if (event.runMicros() > 0) { // it ran (one that timed out in the queue never did)
            span.addEvent(RUN_EVENT, start.plusNanos(Math.min(event.queuedMicros(), outcome.micros()) * 1_000));
        }
        if (outcome instanceof Outcome.Failed failed) {
            span.setAttribute(ERROR_TYPE, failed.error().kind().id());
            span.setStatus(StatusCode.ERROR, "error: " + failed.error().kind().id());
            if (recordErrors) {
                span.recordException(failed.error());
            }
        } else if (outcome instanceof Outcome.TimedOut) {
            span.setAttribute(ERROR_TYPE, "timeout");
            span.setStatus(StatusCode.ERROR, "timeout");
        } else if (outcome instanceof Outcome.Overloaded) {
            span.setAttribute(ERROR_TYPE, "overloaded");
            span.setStatus(StatusCode.ERROR, "overloaded");
        }
        span.end(end);
    }

    @Override
    public String toString() {
        return "ForgeTracing[" + tracer + "]";
    }

    /** Builds a {@link ForgeTracing}. Not thread-safe. */
    public static final class Builder {
        private final Tracer tracer;
        private Function<InvocationEvent, Context> parent = e -> null;
        private boolean recordErrors;

        private Builder(Tracer tracer) {
            this.tracer = tracer;
        }

        /**
         * Finds the parent context of an invocation's span (e.g. the host's span for the SIP call, kept by call
         * id), or null for none. None by default.
         */
        public Builder parent(Function<InvocationEvent, Context> value) {
            this.parent = Objects.requireNonNull(value, "parent");
            return this;
        }

        /**
         * Whether a failed invocation's span records the error as an exception event, with the script's message
         * and stack (off by default: a message may carry a tenant's data).
         */
        public Builder recordErrors(boolean value) {
            this.recordErrors = value;
            return this;
        }

        public ForgeTracing build() {
            return new ForgeTracing(this);
        }
    }
}
