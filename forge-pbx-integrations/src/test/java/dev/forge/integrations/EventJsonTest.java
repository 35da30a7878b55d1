package dev.forge.integrations;

import com.fasterxml.jackson.databind.JsonNode;
import dev.forge.integrations.internal.EventJson;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Set;
import java.util.TreeSet;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The events' JSON: exactly the seed's field names, round trips, and errors that name the field. */
class EventJsonTest {

    private static Set<String> names(JsonNode node) {
        Set<String> names = new TreeSet<>();
        node.fieldNames().forEachRemaining(names::add);
        return names;
    }

    private static JsonNode tree(String json) {
        try {
            return EventJson.MAPPER.readTree(json);
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    @Test
    void groupEventsCarryTheSeedsFieldNames() {
        GroupEvent ringing = Fixtures.ringing();
        assertEquals(Set.of("domain", "state", "timestamps", "inbound", "ringing", "missed", "caller", "callee", "group",
                "callid"), names(tree(ringing.toJson())));
        GroupEvent gone = Fixtures.disconnected();
        assertEquals(Set.of("domain", "state", "timestamps", "inbound", "missed", "agent", "caller", "callee", "group",
                "reason", "callid"), names(tree(gone.toJson())));
        JsonNode json = tree(gone.toJson());
        assertEquals(Set.of("address", "name", "id"), names(json.get("domain")));
        assertEquals(Set.of("start", "connect", "end"), names(json.get("timestamps")));
        assertEquals(Set.of("number", "name", "id"), names(json.get("agent")));
        assertEquals(Set.of("number", "name"), names(json.get("caller")));
        assertEquals(Set.of("type", "number", "name"), names(json.get("group")));
        assertEquals(Set.of("code", "text"), names(json.get("reason")));
        assertEquals(487, gone.reason().code());
        assertEquals("tenant1.pbx.com", gone.tenant());
        assertEquals("ongroup", gone.hook());
        assertEquals(tree(Fixtures.json("group-disconnected.json")), json, "nothing lost or added");
    }

    @Test
    void agentEventsNameTheGroupByItsNumber() {
        AgentEvent agent = Fixtures.agent();
        JsonNode json = tree(agent.toJson());
        assertEquals(Set.of("domain", "state", "timestamps", "inbound", "agent", "caller", "callee", "group", "reason",
                "callid"), names(json));
        assertEquals("700", json.get("group").asText());
        assertEquals("onagent", agent.hook());
        assertEquals(tree(Fixtures.json("agent-connected.json")), json);
    }

    @Test
    void cdrsCarryLegsRecordingsAndStatesWithTheSeedsNames() {
        CdrEvent cdr = Fixtures.cdr();
        JsonNode json = tree(cdr.toJson());
        assertEquals(Set.of("domain", "callid", "from", "to", "cmc", "comment", "category", "rating", "start", "connect",
                "end", "recordings", "states", "trunklegs", "extensionlegs"), names(json));
        assertEquals(Set.of("time", "file", "log", "account", "extension"), names(json.get("recordings").get(0)));
        assertEquals(Set.of("from", "to", "language", "code", "start", "durationivr", "durationring", "durationtalk",
                "durationhold", "durationidle", "missed", "reason", "type", "account", "accountuser", "extension",
                "extensionuser"), names(json.get("states").get(0)));
        assertEquals(Set.of("direction", "from", "to", "remoteparty", "localparty", "trunk", "cost", "start", "connect",
                "end", "code", "ipadr", "quality", "extension", "codec", "mos"), names(json.get("trunklegs").get(0)));
        assertEquals(Set.of("callid", "from", "to", "direction", "extension", "redirect", "idle", "start", "connect",
                "end", "ipadr", "quality", "type", "deleted", "ua", "codec"), names(json.get("extensionlegs").get(0)));
        assertEquals(2, cdr.trunklegs().size());
        assertEquals(0.012, cdr.trunklegs().get(1).cost());
        assertEquals(List.of(4L), cdr.states().get(1).missed());
        assertEquals(tree(Fixtures.json("cdr.json")), json);
    }

    @Test
    void missingRequiredFieldsAreNamed() {
        String ringing = Fixtures.json("group-ringing.json");
        var noCallid = assertThrows(IllegalArgumentException.class,
                () -> GroupEvent.fromJson(ringing.replace("\"callid\"", "\"callId\"")));
        assertEquals("group event: callid: required; the call-ID of the call", noCallid.getMessage());

        var noInbound = assertThrows(IllegalArgumentException.class,
                () -> GroupEvent.fromJson(ringing.replace("\"inbound\": true,", "")));
        assertTrue(noInbound.getMessage().startsWith("group event: inbound: required"), noInbound.getMessage());

        var noAddress = assertThrows(IllegalArgumentException.class,
                () -> GroupEvent.fromJson(ringing.replace("\"address\": \"tenant1.pbx.com\", ", "")));
        assertEquals("group event: domain.address: required; the tenant's address, e.g. tenant1.pbx.com",
                noAddress.getMessage());

        var agentWithoutGroup = assertThrows(IllegalArgumentException.class,
                () -> AgentEvent.fromJson(Fixtures.json("agent-connected.json").replace("\"group\": \"700\",", "")));
        assertTrue(agentWithoutGroup.getMessage().startsWith("agent event: group: required"), agentWithoutGroup.getMessage());

        var cdrWithoutEnd = assertThrows(IllegalArgumentException.class,
                () -> CdrEvent.fromJson(Fixtures.json("cdr.json").replace("\"end\": 1732270190,\n  \"recordings\"",
                        "\"recordings\"")));
        assertEquals("cdr: end: required; when the call ended, in seconds since 1970", cdrWithoutEnd.getMessage());
    }

    @Test
    void malformedFieldsAreNamedWithTheirPath() {
        var badStart = assertThrows(IllegalArgumentException.class, () -> CdrEvent.fromJson(
                Fixtures.json("cdr.json").replace("\"start\": 1732270100,", "\"start\": \"soon\",")));
        assertEquals("cdr: trunklegs[1].start: expected a whole number, got \"soon\"", badStart.getMessage());

        var notJson = assertThrows(IllegalArgumentException.class, () -> PbxEvent.parse("group", "{\"domain\":"));
        assertTrue(notJson.getMessage().startsWith("group event: not valid JSON at line 1"), notJson.getMessage());

        var notObject = assertThrows(IllegalArgumentException.class, () -> PbxEvent.parse("cdr", "[1, 2]"));
        assertEquals("cdr: expected a JSON object, got something else", notObject.getMessage());

        var kind = assertThrows(IllegalArgumentException.class, () -> PbxEvent.parse("queue", "{}"));
        assertEquals("kind: unknown event kind 'queue'; use group, agent or cdr", kind.getMessage());
    }

    @Test
    void unknownFieldsFromNewerPbxVersionsAreIgnored() {
        String json = Fixtures.json("group-ringing.json").replace("\"state\"", "\"priority\": 7, \"state\"");
        assertEquals(Fixtures.ringing(), GroupEvent.fromJson(json));
    }

    @Property(tries = 200)
    void cdrsRoundTrip(@ForAll("cdrs") CdrEvent cdr) {
        assertEquals(cdr, CdrEvent.fromJson(cdr.toJson()));
    }

    @Property(tries = 200)
    void groupEventsRoundTrip(@ForAll("groups") GroupEvent event) {
        assertEquals(event, GroupEvent.fromJson(event.toJson()));
        assertEquals(event, PbxEvent.parse("group", event.toJson()));
    }

    @Provide
    Arbitrary<GroupEvent> groups() {
        Arbitrary<String> text = Arbitraries.strings().ofMaxLength(12);
        Arbitrary<Long> time = Arbitraries.longs().between(0, 4_000_000_000L).injectNull(0.3);
        Arbitrary<Agent> agent = Combinators.combine(text, text.injectNull(0.3), Arbitraries.longs().injectNull(0.3))
                .as(Agent::new);
        Arbitrary<Party> party = Combinators.combine(text.injectNull(0.2), text.injectNull(0.2)).as(Party::new);
        Arbitrary<Domain> domain = Combinators.combine(text.filter(s -> !s.isBlank()), text.injectNull(0.5),
                Arbitraries.longs().injectNull(0.5)).as(Domain::new);
        Arbitrary<Timestamps> stamps = Combinators.combine(time, time, time).as(Timestamps::new);
        Arbitrary<List<Agent>> agents = agent.list().ofMaxSize(3).injectNull(0.4);
        return Combinators.combine(domain, text.filter(s -> !s.isBlank()), stamps, Arbitraries.of(true, false),
                        agents, agents, agent.injectNull(0.5), party)
                .flatAs((d, state, ts, inbound, ringing, missed, a, caller) ->
                        Combinators.combine(party, Combinators.combine(text.injectNull(0.3), text.injectNull(0.3),
                                        text.injectNull(0.3)).as(Group::new),
                                Combinators.combine(Arbitraries.integers().between(100, 699).injectNull(0.3),
                                        text.injectNull(0.3)).as(Reason::new).injectNull(0.5),
                                text.filter(s -> !s.isBlank()))
                                .as((callee, group, reason, callid) -> new GroupEvent(d, state, ts, inbound, ringing,
                                        missed, a, caller, callee, group, reason, callid)));
    }

    @Provide
    Arbitrary<CdrEvent> cdrs() {
        Arbitrary<String> text = Arbitraries.strings().ofMaxLength(10);
        Arbitrary<String> optText = text.injectNull(0.3);
        Arbitrary<Long> time = Arbitraries.longs().between(0, 4_000_000_000L);
        Arbitrary<Long> optTime = time.injectNull(0.3);
        Arbitrary<CdrEvent.Recording> recording = Combinators.combine(optTime, optText, optText, optText, optText)
                .as(CdrEvent.Recording::new);
        Arbitrary<CdrEvent.TrunkLeg> trunk = Combinators.combine(optText, optText, optText, optText, optText, optText,
                        Arbitraries.doubles().between(0, 100).ofScale(3).injectNull(0.3), optTime)
                .flatAs((dir, from, to, remote, local, name, cost, start) -> Combinators.combine(optTime, optTime,
                                Arbitraries.integers().between(100, 699).injectNull(0.3), optText, optText, optText,
                                optText, Arbitraries.doubles().between(1, 5).ofScale(2).injectNull(0.3))
                        .as((connect, end, code, ip, quality, ext, codec, mos) -> new CdrEvent.TrunkLeg(dir, from, to,
                                remote, local, name, cost, start, connect, end, code, ip, quality, ext, codec, mos)));
        Arbitrary<CdrEvent.ExtensionLeg> leg = Combinators.combine(optText, optText, optText, optText, optText, optText,
                        optTime, optTime)
                .flatAs((callid, from, to, dir, ext, redirect, idle, start) -> Combinators.combine(optTime, optTime,
                                optText, optText, optText, Arbitraries.of(true, false).injectNull(0.3), optText, optText)
                        .as((connect, end, ip, quality, type, deleted, ua, codec) -> new CdrEvent.ExtensionLeg(callid,
                                from, to, dir, ext, redirect, idle, start, connect, end, ip, quality, type, deleted, ua,
                                codec)));
        Arbitrary<CdrEvent.State> state = Combinators.combine(optText, optText, optText,
                        Arbitraries.integers().between(100, 699).injectNull(0.3), optTime, optTime, optTime, optTime)
                .flatAs((from, to, lang, code, start, ivr, ring, talk) -> Combinators.combine(optTime, optTime,
                                Arbitraries.longs().between(0, 99).list().ofMaxSize(3).injectNull(0.3), optText, optText,
                                optText, Arbitraries.longs().between(0, 99).injectNull(0.3), optText)
                        .as((hold, idle, missed, reason, type, account, accountuser, extension) -> new CdrEvent.State(
                                from, to, lang, code, start, ivr, ring, talk, hold, idle, missed, reason, type, account,
                                accountuser, extension, null)));
        Arbitrary<String> required = text.filter(s -> !s.isBlank());
        return Combinators.combine(required, required, required, required, optText, optText, optText,
                        Arbitraries.integers().between(0, 5).injectNull(0.3))
                .flatAs((domain, callid, from, to, cmc, comment, category, rating) -> Combinators.combine(time, optTime,
                                time, recording.list().ofMaxSize(3), state.list().ofMaxSize(3), trunk.list().ofMaxSize(3),
                                leg.list().ofMaxSize(3))
                        .as((start, connect, end, recordings, states, trunks, legs) -> new CdrEvent(domain, callid, from,
                                to, cmc, comment, category, rating, start, connect, end, recordings, states, trunks,
                                legs)));
    }
}
