package dev.forge.ivr;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Map;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;

/** Generators for every ivrapi frame type, with unknown fields whose names never collide with known ones. */
final class FrameArbitraries {
    private static final JsonNodeFactory JSON = JsonNodeFactory.instance;

    private FrameArbitraries() {
    }

    static Arbitrary<String> text() {
        return Arbitraries.strings().alpha().numeric().withChars(" :/._-\"\\é€\n").ofMaxLength(16);
    }

    static Arbitrary<Qid> qids() {
        return Arbitraries.oneOf(
                Arbitraries.longs().map(Qid::of),
                Arbitraries.doubles().map(Qid::of),
                text().map(Qid::of));
    }

    static Arbitrary<JsonNode> scalars() {
        return Arbitraries.oneOf(
                Arbitraries.longs().map(l -> (JsonNode) JSON.numberNode(l)),
                Arbitraries.doubles().map(d -> (JsonNode) JSON.numberNode(d)),
                text().map(s -> (JsonNode) JSON.textNode(s)),
                Arbitraries.of(true, false).map(b -> (JsonNode) JSON.booleanNode(b)),
                Arbitraries.just(JSON.nullNode()));
    }

    static Arbitrary<ObjectNode> objects() {
        return Arbitraries.maps(Arbitraries.strings().alpha().ofMinLength(1).ofMaxLength(8), scalars()).ofMaxSize(4)
                .map(m -> {
                    ObjectNode o = JSON.objectNode();
                    m.forEach(o::set);
                    return o;
                });
    }

    /** Unknown fields: the "x_" prefix keeps them apart from every typed field name. */
    static Arbitrary<Map<String, JsonNode>> extras() {
        Arbitrary<JsonNode> values = Arbitraries.oneOf(scalars(), objects().map(o -> (JsonNode) o));
        return Arbitraries.maps(Arbitraries.strings().alpha().ofMaxLength(8).map(s -> "x_" + s), values)
                .ofMaxSize(3);
    }

    static Arbitrary<Long> optionalLongs() {
        return Arbitraries.longs().injectNull(0.3);
    }

    static Arbitrary<IvrRequest> requests() {
        Arbitrary<String> t = text();
        return Arbitraries.oneOf(
                Combinators.combine(qids(), extras()).as(IvrRequest.ConnectionInfo::new),
                Combinators.combine(qids(), t, t, Arbitraries.longs().between(0, 3600), extras())
                        .as(IvrRequest.Subscribe::new),
                Combinators.combine(Arbitraries.of(IvrRequest.Command.class), qids(), t, t, extras())
                        .as(IvrRequest.SessionCommand::new),
                Combinators.combine(qids(), t, t, objects(), extras()).as(IvrRequest.ComponentApply::new),
                Combinators.combine(qids(), t, t, t, extras()).as(IvrRequest.FileGetPath::new),
                Combinators.combine(qids(), t, t, t, extras()).as(IvrRequest.FileUploadTemp::new),
                Combinators.combine(qids(), t, t, t, t, extras()).as(IvrRequest.FileUploadStatic::new),
                Combinators.combine(qids(), t, t, extras())
                        .as((q, url, dest, x) -> new IvrRequest.FileUploadStatic(q, null, null, url, dest, x)));
    }

    static Arbitrary<IvrReply> replies() {
        Arbitrary<String> names = Arbitraries.of("connection_info", "subscribe", "ivrapi_accept", "ivrapi_reaccept",
                "ivrapi_abort", "ivrapi_component_apply", "ivrapi_component_terminate", "ivrapi_file_get_path",
                "ivrapi_file_upload_temp", "ivrapi_file_upload_static", "file_upload_static");
        return Combinators.combine(names, qids(), scalars().injectNull(0.1), extras()).as(IvrReply::new);
    }

    static Arbitrary<IvrEvent> events() {
        Arbitrary<String> t = text();
        return Arbitraries.oneOf(
                Combinators.combine(t, t, Arbitraries.longs(), objects(), extras()).as(
                        (c, type, ts, data, x) -> new IvrEvent.Notify(c, type, ts, data, x)),
                Combinators.combine(t, t, t, optionalLongs(), t, extras()).as(IvrEvent.Dtmf::new),
                Combinators.combine(optionalLongs(), t.injectNull(0.3), objects().injectNull(0.3), extras())
                        .as((o, k, r, x) -> new IvrEvent.ComponentStopped(o, k, r, x)));
    }

    static Arbitrary<IvrFrame> frames() {
        return Arbitraries.oneOf(requests(), replies(), events(),
                Combinators.combine(Arbitraries.strings().alpha().ofMinLength(1).ofMaxLength(10).map(s -> "zz_" + s),
                        extras()).as(IvrFrame.UnknownFrame::new));
    }
}
