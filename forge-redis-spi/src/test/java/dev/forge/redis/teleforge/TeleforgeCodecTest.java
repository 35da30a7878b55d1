package dev.forge.redis.teleforge;

import dev.forge.internal.Json;
import org.junit.jupiter.api.Test;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Every payload of PROTOCOLS.md 3.3, decoded without a server; and the ways a payload can be wrong. */
class TeleforgeCodecTest {

    static final String INBOUND_V3 = """
            {"type":"call","payload":{"number":"0821234567","dial_number":"0215550100","hold_time":12,
             "call_ref":"c-1","contact_ref":"","call_dir":"inbound","ref":"1001"}}""";
    static final String INBOUND_V2 = """
            {"type":"call","payload":{"number":"0821234567","dial_number":"0215550100","hold_time":"12",
             "call_ref":"c-1","contact_ref":"","campaign_ref":"inbound","ref":"1001"}}""";

    private static final InboundCall EXPECTED_INBOUND =
            new InboundCall("0821234567", "0215550100", 12, "c-1", "", "inbound", "1001", Map.of());

    @Test
    void bothInboundVersionsGiveOneRecord() {
        assertEquals(EXPECTED_INBOUND, TeleforgeCodec.decode(TeleforgeKeys.INBOUND, INBOUND_V3));
        assertEquals(EXPECTED_INBOUND, TeleforgeCodec.decode(TeleforgeKeys.INBOUND, INBOUND_V2));
    }

    @Test
    void unknownFieldsAreKeptInOrder() {
        InboundCall call = (InboundCall) TeleforgeCodec.decode(TeleforgeKeys.INBOUND,
                "{\"type\":\"call\",\"payload\":{\"call_ref\":\"c\",\"queue\":\"sales\",\"tags\":[1,2],\"note\":null}}");
        Map<String, Object> extra = new LinkedHashMap<>();
        extra.put("queue", "sales");
        extra.put("tags", List.of(1, 2));
        extra.put("note", null);
        assertEquals(extra, call.extra());
        assertEquals(List.of("queue", "tags", "note"), List.copyOf(call.extra().keySet()));
        assertEquals(null, call.direction());
    }

    @Test
    void agentCallAndStatus() {
        assertEquals(new AgentCall("c-9", "alice", "crm-7", "0821234567", "1001", Map.of()),
                TeleforgeCodec.decode("enigma:notifications:agents:1001", """
                        {"type":"call","payload":{"call_ref":"c-9","agent":"alice","contact_ref":"crm-7",
                         "number":"0821234567","ref":"1001"}}"""));
        assertEquals(new AgentStatus(AgentStatus.State.LOGGING_IN, "camp-1", "1001", Map.of()),
                TeleforgeCodec.decode("enigma:notifications:agents:1001",
                        "{\"type\":\"status\",\"payload\":{\"status\":\"logging_in\",\"campaign_ref\":\"camp-1\",\"ref\":1001}}"));
        assertEquals("enigma:notifications:agents:1001", new AgentStatus(AgentStatus.State.BUSY, null, "1001", null).key());
    }

    @Test
    void campaignStatusAndPreview() {
        assertEquals(new CampaignStatus(CampaignStatus.State.STOPPING, "camp-1", Map.of()),
                TeleforgeCodec.decode("enigma:notifications:campaigns:camp-1",
                        "{\"type\":\"status\",\"payload\":{\"status\":\"stopping\",\"ref\":\"camp-1\"}}"));
        CampaignPreview preview = (CampaignPreview) TeleforgeCodec.decode("enigma:notifications:campaigns:camp-1", """
                {"type":"dial_preview","payload":{"callees":[{"number":"0821","contact_ref":"a"},
                 {"number":27821234567}],"ref":"camp-1"}}""");
        assertEquals(List.of(new CampaignPreview.Callee("0821", "a"), new CampaignPreview.Callee("27821234567", null)),
                preview.callees());
        assertEquals("dial_preview", preview.type());
    }

    @Test
    void diallerCdr() {
        DiallerCdr cdr = (DiallerCdr) TeleforgeCodec.decode(TeleforgeKeys.DIALLER_CDRS, """
                {"type":"cdr","payload":{"extension":null,"call_ref":"c-2","contact_ref":"crm-1",
                 "dialed_at":"2026-01-05 10:00:00","end_reason":"no_answer","end_code":487,"call_time":0,
                 "call_dir":"outbound","recording_url":"","ref":"camp-1","client_number":"0821","dial_number":"0215"}}""");
        assertEquals(new DiallerCdr(null, "c-2", "crm-1", "2026-01-05 10:00:00", "no_answer", "487", 0, "outbound", "",
                "camp-1", "0821", "0215", Map.of()), cdr);
    }

    @Test
    void clickToDialCdrV3AndBefore() {
        ClickToDialCdr v3 = (ClickToDialCdr) TeleforgeCodec.decode(TeleforgeKeys.CLICK2DIAL_CDRS, """
                {"type":"cdr","payload":{"extension":"1001","number":"0821","dial_number":"0215","call_ref":"c-3",
                 "contact_ref":"x","dialed_at":"t","end_reason":"answered","end_code":"16","call_time":"61",
                 "hold_time":3,"call_dir":"outbound","recording_url":"https://r/1","ref":"click-dial"}}""");
        assertEquals(new ClickToDialCdr("1001", "0821", "0215", "c-3", "x", "t", "answered", "16", 61, 3, "outbound",
                "https://r/1", "click-dial", Map.of()), v3);
        ClickToDialCdr old = (ClickToDialCdr) TeleforgeCodec.decode(TeleforgeKeys.CLICK2DIAL_CDRS, """
                {"type":"cdr","payload":{"extension":"1001","call_ref":"c-4","ref":"0821"}}""");
        assertEquals("0821", old.number());
        assertEquals("0821", old.ref());
    }

    @Test
    void malformedPayloadsSayWhy() {
        assertReason(TeleforgeKeys.INBOUND, "{not json", "not valid JSON");
        assertReason(TeleforgeKeys.INBOUND, "[1]", "expected a JSON object {type, payload}, got array");
        assertReason(TeleforgeKeys.INBOUND, "{\"payload\":{}}", "type: missing or not a string");
        assertReason(TeleforgeKeys.INBOUND, "{\"type\":\"call\",\"payload\":\"x\"}", "payload: missing or not an object");
        assertReason(TeleforgeKeys.INBOUND, "{\"type\":\"call\",\"payload\":{\"number\":\"1\"}}", "call_ref: missing or empty");
        assertReason(TeleforgeKeys.INBOUND, "{\"type\":\"call\",\"payload\":{\"call_ref\":\"c\",\"hold_time\":\"soon\"}}",
                "hold_time: expected whole seconds, got \"soon\"");
        assertReason(TeleforgeKeys.INBOUND, "{\"type\":\"cdr\",\"payload\":{}}",
                "type: 'cdr' is not a notification type on 'enigma:notifications:inbound'");
        assertReason("enigma:notifications:agents:1", "{\"type\":\"status\",\"payload\":{\"status\":\"asleep\"}}",
                "status: 'asleep' is not one of [logging_in, available, busy, wrapup, logging_out, offline]");
        assertReason("other:key", "{\"type\":\"call\",\"payload\":{}}", "key: 'other:key' is not a Teleforge notification key");
        assertReason("enigma:notifications:campaigns:c", "{\"type\":\"dial_preview\",\"payload\":{\"callees\":[{}]}}",
                "callees: each callee needs a number");
        assertReason(TeleforgeKeys.INBOUND, "{\"type\":\"call\",\"payload\":{\"call_ref\":{\"a\":1}}}",
                "call_ref: expected a string");
    }

    private static void assertReason(String key, String json, String expected) {
        TeleforgeFormatException e = assertThrows(TeleforgeFormatException.class, () -> TeleforgeCodec.decode(key, json));
        assertTrue(e.reason().contains(expected), () -> "reason '" + e.reason() + "' should contain '" + expected + "'");
        assertEquals(json, e.raw());
        assertEquals(key, e.key());
    }

    @Test
    void theEnvelopeUsesWireNamesAndTheFieldsJavaNames() {
        InboundCall call = new InboundCall("0821", "0215", 12, "c-1", "", "inbound", "1001", Map.of("queue", "sales"));
        assertEquals("{\"key\":\"enigma:notifications:inbound\",\"type\":\"call\",\"payload\":{\"number\":\"0821\","
                        + "\"dial_number\":\"0215\",\"hold_time\":12,\"call_ref\":\"c-1\",\"contact_ref\":\"\","
                        + "\"call_dir\":\"inbound\",\"ref\":\"1001\",\"queue\":\"sales\"}}",
                Json.write(TeleforgeCodec.envelope(call)));
        assertEquals("{\"number\":\"0821\",\"dialNumber\":\"0215\",\"holdTime\":12,\"callRef\":\"c-1\",\"contactRef\":\"\","
                        + "\"direction\":\"inbound\",\"ref\":\"1001\",\"extra\":{\"queue\":\"sales\"}}",
                Json.write(TeleforgeCodec.fields(call)));
        // the envelope decodes back to the same record
        String envelope = Json.write(TeleforgeCodec.envelope(call));
        assertEquals(call, TeleforgeCodec.decode(call.key(), envelope));
        AgentStatus status = new AgentStatus(AgentStatus.State.LOGGING_OUT, "c", "1001", Map.of());
        assertEquals("{\"status\":\"logging_out\",\"campaign_ref\":\"c\",\"ref\":\"1001\"}",
                Json.write(TeleforgeCodec.payload(status)));
    }

    @Test
    void sipHeadersOfBothPrefixesGiveTheInboundRecord() {
        Map<String, String> v4 = Map.of("X-Teleforge-Number", "0821234567", "x-teleforge-dial-number", "0215550100",
                "X-TELEFORGE-HOLD-TIME", "12", "X-Teleforge-Call-Ref", "c-1", "X-Teleforge-Contact-Ref", "",
                "X-Teleforge-Call-Dir", "inbound", "X-Teleforge-Ref", "1001", "Via", "SIP/2.0/WSS x");
        assertEquals(Optional.of(EXPECTED_INBOUND), TeleforgeHeaders.fromSipHeaders(v4));
        Map<String, String> old = Map.of("X-Platforma-Number", "0821234567", "X-Platforma-Dial-Number", "0215550100",
                "X-Platforma-Hold-Time", "12", "X-Platforma-Call-Ref", "c-1", "X-Platforma-Contact-Ref", "",
                "X-Platforma-Campaign-Ref", "inbound", "X-Platforma-Agent", "1001");
        assertEquals(Optional.of(EXPECTED_INBOUND), TeleforgeHeaders.fromSipHeaders(old));
        assertEquals(Optional.empty(), TeleforgeHeaders.fromSipHeaders(Map.of("From", "<sip:1@x>")));
        Map<String, String> both = new LinkedHashMap<>(old);
        both.put("X-Teleforge-Call-Ref", "c-new");
        assertEquals("c-new", TeleforgeHeaders.fromSipHeaders(both).orElseThrow().callRef());
        TeleforgeFormatException e = assertThrows(TeleforgeFormatException.class,
                () -> TeleforgeHeaders.fromSipHeaders(Map.of("X-Teleforge-Number", "1")));
        assertEquals("call_ref: missing or empty; it is required", e.reason());
        assertInstanceOf(String.class, e.raw());
    }
}
