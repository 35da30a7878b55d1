package dev.forge.ivr;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class ComponentResultTest {
    private static final Component PROMPT = Component.playback(":GS_PUB/prompts/menu.wav");

    private static ComponentResult ended(ComponentResult.Ending ending) {
        return new ComponentResult(PROMPT, PROMPT, 7, null, null, Map.of(), ending);
    }

    @ParameterizedTest
    @EnumSource(ComponentResult.Ending.class)
    void eachEndingHasExactlyItsPredicate(ComponentResult.Ending ending) {
        ComponentResult r = ended(ending);
        assertEquals(ending, r.ending());
        assertEquals(ending == ComponentResult.Ending.TERMINATED, r.terminated());
        assertEquals(ending == ComponentResult.Ending.INTERRUPTED, r.interrupted());
        assertEquals(ending == ComponentResult.Ending.LOST, r.lost());
    }

    @Test
    void aLostStopHasNoBranchAndNoResults() {
        ComponentResult r = ended(ComponentResult.Ending.LOST);
        assertEquals(null, r.transferKey());
        assertTrue(r.results().isEmpty());
        assertEquals("", r.dtmfBuffer());
        assertFalse(r.result("dtmfBuffer").isPresent());
    }

    @Test
    void theResultsOfAStopEventAreKept() {
        ComponentResult r = new ComponentResult(PROMPT, PROMPT, 7, "transfer",
                JsonNodeFactory.instance.objectNode().put("dtmfBuffer", "78"), Map.of(), ComponentResult.Ending.STOPPED);
        assertEquals("78", r.dtmfBuffer());
        assertEquals("transfer", r.transferKey());
    }

    @Test
    void theEndingIsRequired() {
        assertEquals("ending", assertThrows(NullPointerException.class, () -> ended(null)).getMessage());
    }
}
