package dev.forge.ivr;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class ComponentTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    private static JsonNode json(String text) throws Exception {
        return JSON.readTree(text);
    }

    private static void fails(String message, Executable build) {
        assertEquals(message, assertThrows(IllegalArgumentException.class, build).getMessage());
    }

    @Test
    void theSeedsExamplesAreWrittenAsTheSeedWritesThem() throws Exception {
        assertEquals(json("{\"oType\":204,\"mode\":0,\"file\":\":GS_PUB/x/y/14.mp3\"}"),
                Component.playback(":GS_PUB/x/y/14.mp3").data());
        assertEquals(json("{\"oType\":208,\"recTimeSec\":\"10\",\"maxSymbolCount\":\"3\","
                        + "\"interruptSymbols\":\"4, 5, 6\",\"abortOnSilence\":0}"),
                Component.record(Duration.ofSeconds(10)).withMaxDigits(3).withStopDigits("456").data());
        assertEquals(json("{\"oType\":203,\"number\":\"13\",\"reinviteMode\":2}"),
                Component.transfer("13").withReinviteMode(2).data());
        assertEquals(json("{\"oType\":201}"), Component.hangup().data());
        assertEquals(json("{\"oType\":204,\"mode\":0,\"file\":\":TEMP/14.mp3\"}"),
                Component.playback(":TEMP/14.mp3").data());
    }

    @Test
    void aSipResponseUsesTheComponentsPropertyNames() throws Exception {
        assertEquals(json("{\"oType\":202,\"sipCode\":486,\"phrase\":\"Busy Here\",\"reason\":\"Q.850;cause=17\","
                        + "\"remotePartyDisplay\":\"Shop\"}"),
                Component.sipResponse(486, "Busy Here").withReason("Q.850;cause=17").withDisplayName("Shop").data());
        assertEquals(json("{\"oType\":202,\"sipCode\":302,\"redirectTo\":\"13\"}"), Component.redirect(302, "13").data());
        assertTrue(Component.sipResponse(200, "OK").isFinal());
        assertFalse(Component.sipResponse(183, "Session Progress").isFinal());
    }

    @Test
    void transferAndHangupHaveAnEarlyForm() {
        assertEquals(Component.redirect(302, "13"), Component.transfer("13").asSipResponse());
        assertEquals(Component.redirect(301, "13"), Component.transfer("13").withRedirectCode(301).asSipResponse());
        assertEquals(480, Component.hangup().asSipResponse().sipCode());
        assertEquals(Component.sipResponse(603, "Decline"),
                Component.hangup().withEarlyResponse(603, "Decline").asSipResponse());
    }

    @Test
    void recordingRoundsUpToWholeSeconds() {
        assertEquals("2", Component.record(Duration.ofMillis(1500)).data().get("recTimeSec").textValue());
        assertEquals("1", Component.record(Duration.ofMillis(1)).data().get("recTimeSec").textValue());
        assertEquals(1, Component.record(Duration.ofSeconds(5)).withAbortOnSilence(true).data()
                .get("abortOnSilence").intValue());
        assertNull(Component.record(Duration.ofSeconds(5)).data().get("maxSymbolCount"));
    }

    @Test
    void extraPropertiesAreWrittenAfterTheTypedOnes() throws Exception {
        Component c = Component.playback("prompts/menu.wav").with("loop", 2).with("volume", "loud");
        assertEquals(json("{\"oType\":204,\"mode\":0,\"file\":\"prompts/menu.wav\",\"loop\":2,\"volume\":\"loud\"}"),
                c.data());
        ObjectNode props = JsonNodeFactory.instance.objectNode().put("text", "hello");
        assertEquals(json("{\"oType\":231,\"text\":\"hello\",\"voice\":\"alice\"}"),
                Component.raw(231, props).with("voice", "alice").data());
        props.put("text", "changed");
        assertEquals("hello", ((Component.Raw) Component.raw(231, JsonNodeFactory.instance.objectNode()
                .put("text", "hello"))).properties().get("text").textValue());
    }

    @Test
    void invalidValuesNameTheFieldAndTheValue() {
        fails("number: the transfer target is required, got ''", () -> Component.transfer(""));
        fails("reinviteMode: must be 0 (not used), 1 (auto), 2 (sendonly) or 3 (inactive), got 7",
                () -> Component.transfer("13").withReinviteMode(7));
        fails("redirectCode: a transfer before the dialog is a 3xx response; give 300-399, got 486",
                () -> Component.transfer("13").withRedirectCode(486));
        fails("sipCode: a hangup before the dialog is a final failure response; give 400-699, got 302",
                () -> Component.hangup().withEarlyResponse(302, "x"));
        fails("sipCode: a SIP response code is 100-699, got 99", () -> Component.sipResponse(99, "x"));
        fails("redirectTo: a 302 response forwards the caller and needs the number to forward to, got null;"
                + " use Component.redirect(302, number)", () -> Component.sipResponse(302, "Moved"));
        fails("maxDuration: must be positive, got PT0S", () -> Component.record(Duration.ZERO));
        fails("stopDigits: 'x' in '1x' is not a DTMF digit; use 0-9, *, #, A-D",
                () -> Component.record(Duration.ofSeconds(1)).withStopDigits("1x"));
        fails("mode: must be 0 or more (0 plays 'file'), got -1", () -> Component.playback("a.wav").withMode(-1));
        fails("oType: must be a positive component type, got 0", () -> Component.raw(0, null));
    }

    @Test
    void reservedAndTypedPropertiesAreRefused() {
        fails("oType: is the component's type, not a property; give it as the oType of Component.raw(oType,"
                + " properties)", () -> Component.raw(231, JsonNodeFactory.instance.objectNode().put("oType", 1)));
        fails("oId: is set by the controller on every apply, to match the component's ivrapi_component_stopped;"
                + " remove it from the properties", () -> Component.hangup().with("oId", 4));
        fails("file: is a typed property of playback; set it through the component's own field, not as an extra"
                + " property", () -> Component.playback("a.wav").with("file", "b.wav"));
        fails("sipCode: is a typed property of SIP response; set it through the component's own field, not as an"
                + " extra property", () -> Component.sipResponse(180, "Ringing").with("sipCode", 183));
    }

    @ParameterizedTest
    @ValueSource(strings = {":GS_PUBLIC/x.wav", ":gs_pub/x.wav", ":NOPE", ":/x.wav"})
    void aPlaybackWithAnUnknownStorageAliasIsRefused(String file) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Component.playback(file));
        assertTrue(e.getMessage().startsWith("file: unknown storage alias '"), e.getMessage());
        assertTrue(e.getMessage().contains("in '" + file + "'"), e.getMessage());
        assertTrue(e.getMessage().contains(":GLOBALSHARE_PUBLIC (:GS_PUB)"), e.getMessage());
    }

    @Test
    void componentsDescribeThemselves() {
        assertEquals("playback (204) of a.wav", Component.playback("a.wav").describe());
        assertEquals("transfer (203) to 13", Component.transfer("13").describe());
        assertEquals("SIP response (202) 486", Component.sipResponse(486, null).describe());
        assertEquals("component oType 231", Component.raw(231, null).describe());
    }
}
