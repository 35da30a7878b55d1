package dev.forge;

import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.AlphaChars;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.StringLength;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SipStatusTest {

    @Test
    void parsesTheScriptForgeForm() {
        SipStatus s = SipStatus.parse("480 Temporarily Unavailable");
        assertEquals(480, s.code());
        assertEquals("Temporarily Unavailable", s.reason());
        assertEquals("480 Temporarily Unavailable", s.toString());
        assertEquals(new SipStatus(200, "OK"), SipStatus.parse("  200   OK "));
    }

    @Test
    void rejectsMalformedActionsNamingTheField() {
        IllegalArgumentException noReason = assertThrows(IllegalArgumentException.class, () -> SipStatus.parse("480"));
        assertEquals("timeoutAction: '480' has no reason phrase; write it as \"480 Reason\"", noReason.getMessage());
        IllegalArgumentException noCode = assertThrows(IllegalArgumentException.class, () -> SipStatus.parse("Busy Here"));
        assertTrue(noCode.getMessage().startsWith("timeoutAction: 'Busy Here' is not \"[sip code] [reason]\""), noCode.getMessage());
        IllegalArgumentException range = assertThrows(IllegalArgumentException.class, () -> SipStatus.parse("99 Low"));
        assertTrue(range.getMessage().startsWith("timeoutAction: '99 Low' is not"), range.getMessage());
        IllegalArgumentException high = assertThrows(IllegalArgumentException.class, () -> SipStatus.parse("700 Too High"));
        assertEquals("timeoutAction: '700 Too High' has code 700; a SIP code is 100 to 699", high.getMessage());
        IllegalArgumentException field = assertThrows(IllegalArgumentException.class, () -> SipStatus.parse("overloadStatus", "x"));
        assertTrue(field.getMessage().startsWith("overloadStatus:"), field.getMessage());
    }

    @Property
    void formatThenParseIsIdentity(@ForAll @IntRange(min = 100, max = 699) int code,
                                   @ForAll @AlphaChars @StringLength(min = 1, max = 30) String word) {
        SipStatus s = new SipStatus(code, word + " " + word);
        assertEquals(s, SipStatus.parse(s.toString()));
    }

    @Property
    void codesOutsideTheRangeAreRefused(@ForAll @IntRange(min = 700, max = 999) int code) {
        assertThrows(IllegalArgumentException.class, () -> SipStatus.parse(code + " Reason"));
        assertThrows(IllegalArgumentException.class, () -> new SipStatus(code, "Reason"));
    }
}
