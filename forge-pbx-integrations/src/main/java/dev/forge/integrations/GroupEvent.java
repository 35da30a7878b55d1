package dev.forge.integrations;

import dev.forge.integrations.internal.EventJson;

import java.util.List;

/**
 * A change to a group (a queue or a ring group), raised into {@code ongroup(data)}.
 *
 * <p>Thread-safety: immutable.
 *
 * @param domain     the tenant; required
 * @param state      the call's state, e.g. {@code ringing}; required
 * @param timestamps the call's main moments; required
 * @param inbound    whether the call is inbound; required
 * @param ringing    the agents ringing now, or null
 * @param missed     the agents that missed the call, or null
 * @param agent      the connected agent, or null
 * @param caller     the caller; required
 * @param callee     the callee; required
 * @param group      the group, with the call's type; required
 * @param reason     why the call was disconnected, or null
 * @param callid     the call-ID, unique across calls; required
 *
 * @since 0.1.0
 */
public record GroupEvent(Domain domain, String state, Timestamps timestamps, Boolean inbound, List<Agent> ringing,
                         List<Agent> missed, Agent agent, Party caller, Party callee, Group group, Reason reason,
                         String callid) implements PbxEvent {

    public GroupEvent {
        Fields.present("domain", domain, "the tenant as {address, name, id}");
        Fields.text("state", state, "the call's state, e.g. ringing");
        Fields.present("timestamps", timestamps, "the call's moments as {start, connect, end}");
        Fields.present("inbound", inbound, "true for an inbound call, false for an outbound one");
        ringing = Fields.optional(ringing);
        missed = Fields.optional(missed);
        Fields.present("caller", caller, "the caller as {number, name}");
        Fields.present("callee", callee, "the callee as {number, name}");
        Fields.present("group", group, "the group as {type, number, name}");
        Fields.text("callid", callid, "the call-ID of the call");
    }

    /** Parses the JSON of a group event; errors name the field, e.g. {@code group event: callid: required; ...}. */
    public static GroupEvent fromJson(String json) {
        return EventJson.read("group event", json, GroupEvent.class);
    }

    @Override
    public String hook() {
        return "ongroup";
    }

    @Override
    public String tenant() {
        return domain.address();
    }
}
