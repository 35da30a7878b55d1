package dev.forge.integrations;

import dev.forge.integrations.internal.EventJson;

/**
 * An event the PBX raises into integrations: {@link GroupEvent} ({@code ongroup}), {@link AgentEvent}
 * ({@code onagent}) or {@link CdrEvent} ({@code oncdr}). Its JSON, which the hook receives as {@code data},
 * carries exactly the integrations framework's field names; absent optional fields are left out.
 *
 * <p>Thread-safety: every implementation is an immutable record.
 *
 * @since 0.1.0
 */
public sealed interface PbxEvent permits GroupEvent, AgentEvent, CdrEvent {

    /** The hook this event is raised into, e.g. {@code ongroup}. */
    String hook();

    /** The address of the tenant the event belongs to: it selects the integrations. */
    String tenant();

    /** The call-ID of the call. */
    String callid();

    /** The event as the hook's {@code data}, one line of JSON. */
    default String toJson() {
        return EventJson.write(this);
    }

    /**
     * Parses an event of the kind {@code group}, {@code agent} or {@code cdr}.
     *
     * @throws IllegalArgumentException naming the kind and the field that is missing or malformed, e.g.
     *                                  {@code group event: callid: required; ...}
     */
    static PbxEvent parse(String kind, String json) {
        return switch (kind == null ? "" : kind) {
            case "group" -> GroupEvent.fromJson(json);
            case "agent" -> AgentEvent.fromJson(json);
            case "cdr" -> CdrEvent.fromJson(json);
            default -> throw new IllegalArgumentException("kind: unknown event kind '" + kind + "'; use group, agent or cdr");
        };
    }
}
