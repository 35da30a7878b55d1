package dev.forge.cli;

import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Optional;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ArgsTest {

    private static Args parse(String... tokens) {
        return Args.parse("bench", List.of(tokens), Set.of("--data", "--threads", "--seconds"), Set.of("--json"));
    }

    @Test
    void readsPositionalsValuesAndSwitchesInAnyOrder() {
        Args args = parse("--threads", "4", "route.js", "--data={\"a\":1}", "--json");
        assertEquals("route.js", args.onePositional("FILE.js"));
        assertEquals(Optional.of("{\"a\":1}"), args.value("--data"));
        assertEquals(4, args.positiveInt("--threads", 1));
        assertTrue(args.has("--json"));
        assertFalse(args.has("--seconds"));
        assertEquals(2.5, args.seconds("--seconds", 2.5, 0));
    }

    @Test
    void aValueMayStartWithASingleDash() {
        assertEquals(Optional.of("-1"), parse("x.js", "--seconds", "-1").value("--seconds"));
    }

    @Test
    void secondsAcceptAnSSuffix() {
        assertEquals(1.5, parse("x.js", "--seconds", "1.5s").seconds("--seconds", 10, 0.001));
    }

    @Test
    void switchesTakeNoValue() {
        UsageException e = assertThrows(UsageException.class, () -> parse("x.js", "--json=yes"));
        assertEquals("--json: takes no value, got 'yes'", e.getMessage());
    }
}
