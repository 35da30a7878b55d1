package dev.forge.integrations;

import dev.forge.integrations.internal.EventJson;

import java.util.List;

/**
 * The record of a call that has ended, raised into {@code oncdr(data)}. Times are seconds since 1970 unless
 * said otherwise; durations are milliseconds.
 *
 * <p>Thread-safety: immutable.
 *
 * @param domain        the tenant's address; required
 * @param callid        the call-ID; required
 * @param from          the call's From header; required
 * @param to            the call's To header; required
 * @param cmc           the client matter code the agent entered, or null
 * @param comment       the comment the agent entered, or null
 * @param category      the category the agent entered, or null
 * @param rating        the rating the caller gave, or null
 * @param start         when the call started; required
 * @param connect       when it connected, or null if it never did
 * @param end           when it ended; required
 * @param recordings    the call's recordings; empty when none
 * @param states        the states the call went through; empty when none
 * @param trunklegs     the trunk legs of the call; empty when none
 * @param extensionlegs the extension legs of the call; empty when none
 *
 * @since 0.1.0
 */
public record CdrEvent(String domain, String callid, String from, String to, String cmc, String comment,
                       String category, Integer rating, Long start, Long connect, Long end,
                       List<Recording> recordings, List<State> states, List<TrunkLeg> trunklegs,
                       List<ExtensionLeg> extensionlegs) implements PbxEvent {

    public CdrEvent {
        Fields.text("domain", domain, "the tenant's address, e.g. tenant1.pbx.com");
        Fields.text("callid", callid, "the call-ID of the call");
        Fields.text("from", from, "the call's From header");
        Fields.text("to", to, "the call's To header");
        Fields.present("start", start, "when the call started, in seconds since 1970");
        Fields.present("end", end, "when the call ended, in seconds since 1970");
        recordings = Fields.orEmpty(recordings);
        states = Fields.orEmpty(states);
        trunklegs = Fields.orEmpty(trunklegs);
        extensionlegs = Fields.orEmpty(extensionlegs);
    }

    /** Parses the JSON of a CDR; errors name the field, e.g. {@code cdr: trunklegs[1].start: expected ...}. */
    public static CdrEvent fromJson(String json) {
        return EventJson.read("cdr", json, CdrEvent.class);
    }

    @Override
    public String hook() {
        return "oncdr";
    }

    @Override
    public String tenant() {
        return domain;
    }

    /**
     * One recording of the call.
     *
     * @param time      when the recording started
     * @param file      where the recording is stored
     * @param log       the log of accesses to the recording (e.g. a manager played it back)
     * @param account   the group account the recording belongs to (e.g. the queue)
     * @param extension the extension that was connected
     */
    public record Recording(Long time, String file, String log, String account, String extension) {
    }

    /**
     * One state the call went through.
     *
     * @param from          the From header in that state
     * @param to            the To header in that state
     * @param language      the language code in that state
     * @param code          the state's code, e.g. 200
     * @param start         when the state began
     * @param durationivr   how long the IVR played, in ms
     * @param durationring  how long ringback played, in ms
     * @param durationtalk  how long the call was connected, hold included, in ms
     * @param durationhold  how long the call was held, in ms
     * @param durationidle  how long the agent was idle before taking the call, in ms
     * @param missed        the ids of the extensions that missed the call
     * @param reason        the reason code for redirecting the call
     * @param type          the state's type, e.g. {@code acd}
     * @param account       the account number of the state's group
     * @param accountuser   the account id of the state's group
     * @param extension     the extension number of the state's group
     * @param extensionuser the extension id of the state's group
     */
    public record State(String from, String to, String language, Integer code, Long start, Long durationivr,
                        Long durationring, Long durationtalk, Long durationhold, Long durationidle, List<Long> missed,
                        String reason, String type, String account, Long accountuser, String extension,
                        Long extensionuser) {
        public State {
            missed = Fields.optional(missed);
        }
    }

    /**
     * One trunk involved in the call.
     *
     * @param direction   the direction of the trunk call
     * @param from        the From header of the leg
     * @param to          the To header of the leg
     * @param remoteparty the remote party (depending on the direction)
     * @param localparty  the local party
     * @param trunk       the trunk
     * @param cost        the cost of the leg
     * @param start       when the leg started
     * @param connect     when it connected, or null
     * @param end         when it ended
     * @param code        the SIP response code
     * @param ipadr       the IP address the trunk's SIP packets came from
     * @param quality     the quality report
     * @param extension   the extension that triggered the leg
     * @param codec       the codec used
     * @param mos         the estimated MOS
     */
    public record TrunkLeg(String direction, String from, String to, String remoteparty, String localparty,
                           String trunk, Double cost, Long start, Long connect, Long end, Integer code, String ipadr,
                           String quality, String extension, String codec, Double mos) {
    }

    /**
     * One extension involved in the call.
     *
     * @param callid    the call-ID of the leg
     * @param from      the From header of the leg
     * @param to        the To header of the leg
     * @param direction the direction of the leg
     * @param extension the extension
     * @param redirect  the redirect information
     * @param idle      how long the agent had been idle
     * @param start     when the leg started
     * @param connect   when it connected, or null
     * @param end       when it ended
     * @param ipadr     the extension's IP address
     * @param quality   the quality report
     * @param type      whether the call was missed and whether the user marked it as read
     * @param deleted   whether the user marked the leg as deleted
     * @param ua        the User-Agent
     * @param codec     the codec used
     */
    public record ExtensionLeg(String callid, String from, String to, String direction, String extension,
                               String redirect, Long idle, Long start, Long connect, Long end, String ipadr,
                               String quality, String type, Boolean deleted, String ua, String codec) {
    }
}
