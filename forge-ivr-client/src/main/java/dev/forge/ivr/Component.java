package dev.forge.ivr;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.BooleanNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.LongNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import java.time.Duration;
import java.util.Iterator;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * An IVR script component to run on a controlled call: the {@code data} of {@code ivrapi_component_apply}.
 * The platform takes "the same parameters as the corresponding script components", so each type writes the
 * property names of that component:
 *
 * <table>
 * <caption>Component types</caption>
 * <tr><th>type</th><th>oType</th><th>properties written</th><th>source of the names</th></tr>
 * <tr><td>{@link Playback}</td><td>204</td><td>{@code mode}, {@code file}</td><td>the seed's example</td></tr>
 * <tr><td>{@link Recording}</td><td>208</td><td>{@code recTimeSec}, {@code maxSymbolCount},
 *     {@code interruptSymbols}, {@code abortOnSilence}</td><td>the seed's example (numbers as strings, as there)</td></tr>
 * <tr><td>{@link Transfer}</td><td>203</td><td>{@code number}, {@code reinviteMode}</td><td>the seed; component 203 page</td></tr>
 * <tr><td>{@link Hangup}</td><td>201</td><td>none</td><td>the seed</td></tr>
 * <tr><td>{@link SipResponse}</td><td>202</td><td>{@code sipCode}, {@code phrase}, {@code reason},
 *     {@code remotePartyDisplay}, {@code redirectTo}</td><td>component 202 page (PROTOCOLS.md 2.1, T8)</td></tr>
 * <tr><td>{@link Raw}</td><td>any</td><td>whatever you give</td><td>yours</td></tr>
 * </table>
 *
 * <p>Every type takes further properties with {@link #with(String, JsonNode)}; they are written after the typed
 * ones and may not repeat them. {@code oType} and {@code oId} are never properties: the controller sets a fresh
 * {@code oId} on every apply so that it can match {@code ivrapi_component_stopped} (which names no session) to
 * its session. File paths are checked by {@link StoragePath}.
 *
 * <p>Before the dialog is confirmed the control layer sends a {@link Transfer} as a 3xx {@link SipResponse} and
 * a {@link Hangup} as a 4xx–6xx one ({@link Transfer#asSipResponse()}, {@link Hangup#asSipResponse()}).
 *
 * <p>Thread-safety: immutable; accessors return copies of JSON.
 *
 * @since 0.1.0
 */
public sealed interface Component permits Component.Playback, Component.Recording, Component.Transfer,
        Component.Hangup, Component.SipResponse, Component.Raw {

    /** oType of the hangup (BYE) component. */
    int HANGUP = 201;
    /** oType of the SIP response component. */
    int SIP_RESPONSE = 202;
    /** oType of the transfer (REFER) component. */
    int TRANSFER = 203;
    /** oType of the playback component (from the seed document). */
    int PLAYBACK = 204;
    /** oType of the record component (from the seed document). */
    int RECORD = 208;

    /** The component type number, {@code oType}. */
    int oType();

    /** The further properties given with {@link #with(String, JsonNode)} (a copy). */
    ObjectNode extra();

    /** This component with one more property; {@code value} replaces an earlier extra property of that name. */
    Component with(String property, JsonNode value);

    default Component with(String property, String value) {
        return with(property, TextNode.valueOf(Objects.requireNonNull(value, "value")));
    }

    default Component with(String property, long value) {
        return with(property, LongNode.valueOf(value));
    }

    default Component with(String property, boolean value) {
        return with(property, BooleanNode.valueOf(value));
    }

    /** {@code {"oType": n, <typed properties>, <extra>}}, the {@code data} to apply (without {@code oId}). */
    default ObjectNode data() {
        ObjectNode d = JsonNodeFactory.instance.objectNode();
        d.put("oType", oType());
        writeTyped(d);
        d.setAll(extra());
        return d;
    }

    /** A short name for messages, e.g. {@code playback (204)}. */
    String describe();

    /** Writes the typed properties into {@code data}; for {@link #data()}. */
    void writeTyped(ObjectNode data);

    /** Plays {@code file} (mode 0). */
    static Playback playback(String file) {
        return new Playback(file, 0, null);
    }

    /** Records for at most {@code maxDuration} (whole seconds on the wire). */
    static Recording record(Duration maxDuration) {
        return new Recording(maxDuration, null, null, false, null);
    }

    /** Transfers the caller to {@code number} (REFER once the dialog is confirmed, a 302 before). */
    static Transfer transfer(String number) {
        return new Transfer(number, null, null, null);
    }

    /** Ends the call (BYE once the dialog is confirmed, a {@value Hangup#DEFAULT_EARLY_CODE} before). */
    static Hangup hangup() {
        return new Hangup(null, null, null);
    }

    /** A SIP response to the initial INVITE with {@code sipCode} 100–699 except 3xx (see {@link #redirect}). */
    static SipResponse sipResponse(int sipCode, String phrase) {
        return new SipResponse(sipCode, phrase, null, null, null, null);
    }

    /** A 3xx SIP response that forwards the caller to {@code number}. */
    static SipResponse redirect(int sipCode, String number) {
        return new SipResponse(sipCode, null, null, null, number, null);
    }

    /** Any other component: {@code properties} as the script component's JSON, without {@code oType}/{@code oId}. */
    static Raw raw(int oType, ObjectNode properties) {
        return new Raw(oType, properties);
    }

    /** {@code oType 204}: plays a file. {@code mode} 0 plays {@code file}; other modes are the platform's. */
    record Playback(String file, int mode, ObjectNode extra) implements Component {
        public Playback {
            StoragePath.check("file", file);
            if (mode < 0) {
                throw new IllegalArgumentException("mode: must be 0 or more (0 plays 'file'), got " + mode);
            }
            extra = checkedProperties(extra, "playback", Set.of("mode", "file"));
        }

        public Playback withMode(int value) {
            return new Playback(file, value, extra);
        }

        @Override
        public int oType() {
            return PLAYBACK;
        }

        @Override
        public ObjectNode extra() {
            return extra.deepCopy();
        }

        @Override
        public Playback with(String property, JsonNode value) {
            return new Playback(file, mode, plus(extra, property, value));
        }

        @Override
        public void writeTyped(ObjectNode d) {
            d.put("mode", mode).put("file", file);
        }

        @Override
        public String describe() {
            return "playback (204) of " + file;
        }
    }

    /**
     * {@code oType 208}: records the caller. The wire form follows the seed's example, which writes numbers as
     * strings: {@code recTimeSec} (whole seconds, rounded up), {@code maxSymbolCount}, {@code interruptSymbols}
     * ({@code "4, 5, 6"}), {@code abortOnSilence} (0 or 1). The recorded file's path comes back in the
     * component's results.
     *
     * @param maxDigits  how many digits the caller may press, or null to leave it to the platform
     * @param stopDigits the digits that end the recording, e.g. {@code "#"} or {@code "456"}, or null
     */
    record Recording(Duration maxDuration, Integer maxDigits, String stopDigits, boolean abortOnSilence,
                     ObjectNode extra) implements Component {
        public Recording {
            Objects.requireNonNull(maxDuration, "maxDuration");
            if (maxDuration.isNegative() || maxDuration.isZero()) {
                throw new IllegalArgumentException("maxDuration: must be positive, got " + maxDuration);
            }
            if (maxDigits != null && maxDigits < 0) {
                throw new IllegalArgumentException("maxDigits: must be 0 or more, got " + maxDigits);
            }
            if (stopDigits != null) {
                for (char c : stopDigits.toCharArray()) {
                    if ("0123456789*#ABCD".indexOf(c) < 0) {
                        throw new IllegalArgumentException("stopDigits: '" + c + "' in '" + stopDigits
                                + "' is not a DTMF digit; use 0-9, *, #, A-D");
                    }
                }
            }
            extra = checkedProperties(extra, "record",
                    Set.of("recTimeSec", "maxSymbolCount", "interruptSymbols", "abortOnSilence"));
        }

        public Recording withMaxDigits(int value) {
            return new Recording(maxDuration, value, stopDigits, abortOnSilence, extra);
        }

        public Recording withStopDigits(String value) {
            return new Recording(maxDuration, maxDigits, value, abortOnSilence, extra);
        }

        public Recording withAbortOnSilence(boolean value) {
            return new Recording(maxDuration, maxDigits, stopDigits, value, extra);
        }

        @Override
        public int oType() {
            return RECORD;
        }

        @Override
        public ObjectNode extra() {
            return extra.deepCopy();
        }

        @Override
        public Recording with(String property, JsonNode value) {
            return new Recording(maxDuration, maxDigits, stopDigits, abortOnSilence, plus(extra, property, value));
        }

        @Override
        public void writeTyped(ObjectNode d) {
            long seconds = Math.max(1, (maxDuration.toMillis() + 999) / 1000);
            d.put("recTimeSec", Long.toString(seconds));
            if (maxDigits != null) {
                d.put("maxSymbolCount", Integer.toString(maxDigits));
            }
            if (stopDigits != null) {
                d.put("interruptSymbols", String.join(", ", stopDigits.split("")));
            }
            d.put("abortOnSilence", abortOnSilence ? 1 : 0);
        }

        @Override
        public String describe() {
            return "record (208)";
        }
    }

    /**
     * {@code oType 203}: transfers the caller to {@code number} by REFER once the dialog is confirmed.
     *
     * @param reinviteMode  re-INVITE before the REFER: 0 not used, 1 auto, 2 sendonly, 3 inactive; null leaves
     *                      the platform's default
     * @param redirectCode  the 3xx code used before the dialog is confirmed; null means
     *                      {@value #DEFAULT_REDIRECT_CODE}
     */
    record Transfer(String number, Integer reinviteMode, Integer redirectCode, ObjectNode extra)
            implements Component {
        /** The 3xx code of a transfer made before the dialog is confirmed. */
        public static final int DEFAULT_REDIRECT_CODE = 302;

        public Transfer {
            if (number == null || number.isBlank()) {
                throw new IllegalArgumentException("number: the transfer target is required, got "
                        + (number == null ? "null" : "'" + number + "'"));
            }
            if (reinviteMode != null && (reinviteMode < 0 || reinviteMode > 3)) {
                throw new IllegalArgumentException("reinviteMode: must be 0 (not used), 1 (auto), 2 (sendonly) or"
                        + " 3 (inactive), got " + reinviteMode);
            }
            if (redirectCode != null && (redirectCode < 300 || redirectCode > 399)) {
                throw new IllegalArgumentException("redirectCode: a transfer before the dialog is a 3xx response;"
                        + " give 300-399, got " + redirectCode);
            }
            extra = checkedProperties(extra, "transfer", Set.of("number", "reinviteMode"));
        }

        public Transfer withReinviteMode(int value) {
            return new Transfer(number, value, redirectCode, extra);
        }

        public Transfer withRedirectCode(int value) {
            return new Transfer(number, reinviteMode, value, extra);
        }

        /** The 3xx response that stands for this transfer before the dialog is confirmed. */
        public SipResponse asSipResponse() {
            return new SipResponse(redirectCode == null ? DEFAULT_REDIRECT_CODE : redirectCode, null, null, null,
                    number, null);
        }

        @Override
        public int oType() {
            return TRANSFER;
        }

        @Override
        public ObjectNode extra() {
            return extra.deepCopy();
        }

        @Override
        public Transfer with(String property, JsonNode value) {
            return new Transfer(number, reinviteMode, redirectCode, plus(extra, property, value));
        }

        @Override
        public void writeTyped(ObjectNode d) {
            d.put("number", number);
            if (reinviteMode != null) {
                d.put("reinviteMode", reinviteMode);
            }
        }

        @Override
        public String describe() {
            return "transfer (203) to " + number;
        }
    }

    /**
     * {@code oType 201}: ends the call with BYE once the dialog is confirmed; before, a final 4xx–6xx response
     * with {@code sipCode} (null means {@value #DEFAULT_EARLY_CODE}) and {@code phrase}.
     */
    record Hangup(Integer sipCode, String phrase, ObjectNode extra) implements Component {
        /** The response code of a hangup made before the dialog is confirmed: a neutral "not available now". */
        public static final int DEFAULT_EARLY_CODE = 480;

        public Hangup {
            if (sipCode != null && (sipCode < 400 || sipCode > 699)) {
                throw new IllegalArgumentException("sipCode: a hangup before the dialog is a final failure"
                        + " response; give 400-699, got " + sipCode);
            }
            extra = checkedProperties(extra, "hangup", Set.of());
        }

        /** The response to send instead when the dialog is not yet confirmed. */
        public Hangup withEarlyResponse(int code, String reasonPhrase) {
            return new Hangup(code, reasonPhrase, extra);
        }

        /** The 4xx–6xx response that stands for this hangup before the dialog is confirmed. */
        public SipResponse asSipResponse() {
            return new SipResponse(sipCode == null ? DEFAULT_EARLY_CODE : sipCode, phrase, null, null, null, null);
        }

        @Override
        public int oType() {
            return HANGUP;
        }

        @Override
        public ObjectNode extra() {
            return extra.deepCopy();
        }

        @Override
        public Hangup with(String property, JsonNode value) {
            return new Hangup(sipCode, phrase, plus(extra, property, value));
        }

        @Override
        public void writeTyped(ObjectNode d) {
            // a BYE takes no properties
        }

        @Override
        public String describe() {
            return "hangup (201)";
        }
    }

    /**
     * {@code oType 202}: a response to the initial INVITE: 1xx (several allowed), then one final 2xx, 3xx or
     * 4xx–6xx. Allowed only before the dialog is confirmed. A 3xx needs {@code redirectTo}.
     *
     * @param displayName sent as {@code remotePartyDisplay}
     */
    record SipResponse(int sipCode, String phrase, String reason, String displayName, String redirectTo,
                       ObjectNode extra) implements Component {
        public SipResponse {
            if (sipCode < 100 || sipCode > 699) {
                throw new IllegalArgumentException("sipCode: a SIP response code is 100-699, got " + sipCode);
            }
            if (sipCode >= 300 && sipCode < 400 && (redirectTo == null || redirectTo.isBlank())) {
                throw new IllegalArgumentException("redirectTo: a " + sipCode + " response forwards the caller and"
                        + " needs the number to forward to, got " + (redirectTo == null ? "null" : "'"
                        + redirectTo + "'") + "; use Component.redirect(" + sipCode + ", number)");
            }
            extra = checkedProperties(extra, "SIP response",
                    Set.of("sipCode", "phrase", "reason", "remotePartyDisplay", "redirectTo"));
        }

        public SipResponse withReason(String value) {
            return new SipResponse(sipCode, phrase, value, displayName, redirectTo, extra);
        }

        public SipResponse withDisplayName(String value) {
            return new SipResponse(sipCode, phrase, reason, value, redirectTo, extra);
        }

        /** True for 2xx–6xx, the one final response an INVITE gets. */
        public boolean isFinal() {
            return sipCode >= 200;
        }

        @Override
        public int oType() {
            return SIP_RESPONSE;
        }

        @Override
        public ObjectNode extra() {
            return extra.deepCopy();
        }

        @Override
        public SipResponse with(String property, JsonNode value) {
            return new SipResponse(sipCode, phrase, reason, displayName, redirectTo, plus(extra, property, value));
        }

        @Override
        public void writeTyped(ObjectNode d) {
            d.put("sipCode", sipCode);
            putIf(d, "phrase", phrase);
            putIf(d, "reason", reason);
            putIf(d, "remotePartyDisplay", displayName);
            putIf(d, "redirectTo", redirectTo);
        }

        @Override
        public String describe() {
            return "SIP response (202) " + sipCode;
        }
    }

    /**
     * Any component by its {@code oType} and properties, for the components without a type here. The SIP state
     * rules still apply by oType: 204 and 208 need {@code early} or {@code dialog}; 202 needs an integer
     * {@code sipCode} and an unconfirmed dialog; 201 and 203 before the dialog are refused (use the typed forms,
     * which turn into responses).
     */
    record Raw(int oType, ObjectNode properties) implements Component {
        public Raw {
            if (oType <= 0) {
                throw new IllegalArgumentException("oType: must be a positive component type, got " + oType);
            }
            properties = checkedProperties(properties, "oType " + oType, Set.of());
        }

        @Override
        public ObjectNode properties() {
            return properties.deepCopy();
        }

        @Override
        public ObjectNode extra() {
            return properties.deepCopy();
        }

        @Override
        public Raw with(String property, JsonNode value) {
            return new Raw(oType, plus(properties, property, value));
        }

        @Override
        public void writeTyped(ObjectNode d) {
            // everything is in properties
        }

        @Override
        public String describe() {
            return "component oType " + oType;
        }
    }

    private static ObjectNode checkedProperties(ObjectNode given, String component, Set<String> typed) {
        ObjectNode copy = given == null ? JsonNodeFactory.instance.objectNode() : Extra.canonical(given);
        for (Iterator<Map.Entry<String, JsonNode>> it = copy.fields(); it.hasNext(); ) {
            String name = it.next().getKey();
            if (name.equals("oType")) {
                throw new IllegalArgumentException("oType: is the component's type, not a property; give it as"
                        + " the oType of Component.raw(oType, properties)");
            }
            if (name.equals("oId")) {
                throw new IllegalArgumentException("oId: is set by the controller on every apply, to match the"
                        + " component's ivrapi_component_stopped; remove it from the properties");
            }
            if (typed.contains(name)) {
                throw new IllegalArgumentException(name + ": is a typed property of " + component
                        + "; set it through the component's own field, not as an extra property");
            }
        }
        return copy;
    }

    private static ObjectNode plus(ObjectNode extra, String property, JsonNode value) {
        Objects.requireNonNull(property, "property");
        Objects.requireNonNull(value, "value");
        ObjectNode copy = extra.deepCopy();
        copy.set(property, value);
        return copy;
    }

    private static void putIf(ObjectNode d, String field, String value) {
        if (value != null) {
            d.put(field, value);
        }
    }
}
