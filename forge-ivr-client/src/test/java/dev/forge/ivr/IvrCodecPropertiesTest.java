package dev.forge.ivr;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Map;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

class IvrCodecPropertiesTest {
    private final IvrCodec codec = new IvrCodec();

    @Provide
    Arbitrary<IvrFrame> frames() {
        return FrameArbitraries.frames();
    }

    @Provide
    Arbitrary<Qid> qids() {
        return FrameArbitraries.qids();
    }

    @Provide
    Arbitrary<Map<String, JsonNode>> extras() {
        return FrameArbitraries.extras();
    }

    @Property(tries = 500)
    void everyFrameRoundTrips(@ForAll("frames") IvrFrame frame) {
        assertEquals(frame, codec.decode(codec.encode(frame)));
    }

    @Property
    void unknownFieldsSurviveDecodeAndEncode(@ForAll("frames") IvrFrame frame,
                                             @ForAll("extras") Map<String, JsonNode> more) throws Exception {
        // add fields to the wire text, as a newer platform would, and check they come back out unchanged
        var mapper = new com.fasterxml.jackson.databind.ObjectMapper();
        JsonNode wire = mapper.readTree(codec.encode(frame));
        more.forEach(((ObjectNode) wire.get(1))::set);
        IvrFrame decoded = codec.decode(wire.toString());
        more.forEach((k, v) -> assertEquals(wire.get(1).get(k).toString(), decoded.extra().get(k).toString(), k));
        assertEquals(mapper.readTree(wire.toString()), mapper.readTree(codec.encode(decoded)));
    }

    @Property
    void qidOfAnyScalarTypeRoundTrips(@ForAll("qids") Qid qid) {
        var request = new IvrRequest.SessionCommand(IvrRequest.Command.ACCEPT, qid, "abc", "rDlg-1", null);
        IvrRequest decoded = (IvrRequest) codec.decode(codec.encode(request));
        assertEquals(qid, decoded.qid());
        assertEquals(qid.value().getNodeType(), decoded.qid().value().getNodeType());
        IvrReply reply = (IvrReply) codec.decode("[\"ivrapi_accept_result\",{\"qid\":" + qid.json()
                + ",\"result\":\"ok\"}]");
        assertEquals(qid, reply.qid());
        assertTrue(reply.isOk());
    }
}
