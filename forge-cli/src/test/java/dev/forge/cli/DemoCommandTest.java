package dev.forge.cli;

import org.junit.jupiter.api.Test;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code forge demo} routes every call, contains the hostile script, and prints its summary. */
class DemoCommandTest {

    private static final Pattern CONTAINMENT = Pattern.compile(
            "containment: (\\d+) of (\\d+) hostile calls stopped at their limit; (\\d+) of (\\d+) other calls");

    @Test
    void demoRoutesEveryCallAndContainsTheHostileScript() {
        CliRun run = CliRun.of("demo", "--calls", "80", "--seed", "42");
        assertEquals(ExitCode.OK, run.exit(), run::toString);
        for (int call = 1; call <= 80; call++) {
            assertTrue(Pattern.compile("(?m)^\\s*" + call + "  \\S+\\.js ").matcher(run.out()).find(),
                    "no line for call " + call + "\n" + run);
        }
        Matcher m = CONTAINMENT.matcher(run.out());
        assertTrue(m.find(), run::toString);
        assertEquals(m.group(2), m.group(1), "every hostile call is stopped\n" + run);
        assertEquals(m.group(4), m.group(3), "every other call is answered\n" + run);
        assertTrue(Integer.parseInt(m.group(2)) > 0, "the stream reaches the hostile script\n" + run);
        assertTrue(run.out().contains("reject 604 Number on DNC List"), run::toString);
        assertTrue(run.out().contains("reject 480 Disallowed by Date/Time Restriction"), run::toString);
        assertTrue(run.out().contains("per script") && run.out().contains("per outcome"), run::toString);
    }
}
