package dev.forge.integrations;

import dev.forge.integrations.internal.EventJson;

/**
 * A change to an agent, raised into {@code onagent(data)}. The fields are those of {@link GroupEvent} except
 * that there are no {@code ringing} and {@code missed} lists and {@code group} is the group's number.
 *
 * <p>Thread-safety: immutable.
 *
 * @param domain     the tenant; required
 * @param state      the call's state; required
 * @param timestamps the call's main moments; required
 * @param inbound    whether the call is inbound; required
 * @param agent      the agent, or null
 * @param caller     the caller; required
 * @param callee     the callee; required
 * @param group      the number of the group; required
 * @param reason     why the call was disconnected, or null
 * @param callid     the call-ID; required
 *
 * @since 0.1.0
 */
public record AgentEvent(Domain domain, String state, Timestamps timestamps, Boolean inbound, Agent agent,
                         Party caller, Party callee, String group, Reason reason, String callid) implements PbxEvent {

    public AgentEvent {
        Fields.present("domain", domain, "the tenant as {address, name, id}");
        Fields.text("state", state, "the call's state, e.g. connected");
        Fields.present("timestamps", timestamps, "the call's moments as {start, connect, end}");
        Fields.present("inbound", inbound, "true for an inbound call, false for an outbound one");
        Fields.present("caller", caller, "the caller as {number, name}");
        Fields.present("callee", callee, "the callee as {number, name}");
        Fields.text("group", group, "the number of the group");
        Fields.text("callid", callid, "the call-ID of the call");
    }

    /** Parses the JSON of an agent event; errors name the field. */
    public static AgentEvent fromJson(String json) {
        return EventJson.read("agent event", json, AgentEvent.class);
    }

    @Override
    public String hook() {
        return "onagent";
    }

    @Override
    public String tenant() {
        return domain.address();
    }
}
