package dev.forge.ivr;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class IvrCodecTest {
    private final IvrCodec codec = new IvrCodec();

    @Test
    void decodesTheSeedsApiStartEvent() {
        IvrFrame frame = codec.decode("""
                ["notify",{"class":"ivrevents","type":"api_start","eventts":1602002803754,
                 "data":{"callid":"rB2-002-SuDtIE-01-2582368067@192.168.0.149",
                 "cid":"267278f0-0642-00af-0ac9-b80000000006","componentid":14,
                 "componentname":"External management 3","ivrid":"rDlg-006-ZevQbP","ivrts":1602002800707,
                 "key":"abc","params":"{\\"asdf\\":\\"zxcv\\"}","sm_id":"f9098ae9-0642-00af-0ad1-880000000006"}}]""");
        ApiEvent start = ((IvrEvent.Notify) frame).apiEvent().orElseThrow();
        assertEquals(ApiEvent.Type.START, start.type());
        assertEquals("rDlg-006-ZevQbP", start.ivrid());
        assertEquals("abc", start.key());
        assertEquals(14, start.componentid());
        assertEquals(1602002800707L, start.ivrts());
        assertEquals("{\"asdf\":\"zxcv\"}", start.params());
    }

    @Test
    void decodesTheSeedsAcceptWithAFloatQid() {
        var accept = (IvrRequest.SessionCommand) codec.decode(
                "[\"ivrapi_accept\",{\"qid\":0.1234,\"key\":\"abc\",\"ivrid\":\"rDlg-006-Sm41ll\"}]");
        assertEquals(IvrRequest.Command.ACCEPT, accept.command());
        assertEquals("0.1234", accept.qid().json());
    }

    @Test
    void aFileUploadResultCarriesThePathAsItsResult() {
        var reply = (IvrReply) codec.decode(
                "[\"file_upload_static_result\",{\"qid\":123,\"result\":\":GS_PUB/a/b/c/abc.wav\"}]");
        assertTrue(reply.isOk());
        assertEquals(":GS_PUB/a/b/c/abc.wav", reply.resultText());
    }

    @Test
    void anErrorResultBecomesAnIvrRequestExceptionWithTheReplysFields() {
        var reply = (IvrReply) codec.decode(
                "[\"ivrapi_accept_result\",{\"qid\":7,\"result\":\"error\",\"reason\":\"already accepted\"}]");
        assertFalse(reply.isOk());
        IvrRequestException e = assertThrows(IvrRequestException.class, reply::check);
        assertEquals("ivrapi_accept", e.request());
        assertEquals("already accepted", e.fields().get("reason").textValue());
        assertEquals("ivrapi_accept (qid 7) was refused: result=\"error\", {reason=\"already accepted\"}",
                e.getMessage());
    }

    @Test
    void anUnknownFrameNameIsKeptNotRejected() {
        IvrFrame frame = codec.decode("[\"msg\",{\"text\":\"hi\"}]");
        assertInstanceOf(IvrFrame.UnknownFrame.class, frame);
        assertEquals("[\"msg\",{\"text\":\"hi\"}]", codec.encode(frame));
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "not json", "{}", "[]", "[\"notify\"]", "[1,{}]", "[\"notify\",[]]",
            "[\"ivrapi_accept\",{\"key\":\"abc\",\"ivrid\":\"x\"}]", "[\"ivrapi_accept\",{\"qid\":1,\"key\":5,\"ivrid\":\"x\"}]",
            "[\"ivrapi_accept\",{\"qid\":true,\"key\":\"k\",\"ivrid\":\"x\"}]",
            "[\"notify\",{\"class\":\"ivrevents\",\"type\":\"api_start\",\"eventts\":\"soon\",\"data\":{}}]"})
    void aMalformedFrameIsATypedErrorWithTheRawText(String raw) {
        IvrProtocolException e = assertThrows(IvrProtocolException.class, () -> codec.decode(raw));
        assertEquals(raw, e.raw());
        assertTrue(e.getMessage().startsWith("Malformed ivrapi frame: "), e.getMessage());
    }

    @Test
    void theMessageNamesTheMissingField() {
        IvrProtocolException e = assertThrows(IvrProtocolException.class,
                () -> codec.decode("[\"ivrapi_accept\",{\"qid\":1,\"ivrid\":\"x\"}]"));
        assertEquals("Malformed ivrapi frame: ivrapi_accept: field 'key' is missing. Expected [\"name\", {...}],"
                + " got: [\"ivrapi_accept\",{\"qid\":1,\"ivrid\":\"x\"}]", e.getMessage());
    }
}
