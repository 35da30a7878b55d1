package dev.forge.cli;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Bad command lines exit 64 with a message on stderr that names the flag and the bad value, and print
 * nothing on stdout. None of these needs an engine: arguments are checked before one starts.
 */
class ForgeCliUsageTest {

    @TempDir
    Path dir;
    private String script;

    @BeforeEach
    void writeScript() throws IOException {
        script = Files.writeString(dir.resolve("route.js"), "function main(d) { return d; }").toString();
    }

    /** Runs the CLI and asserts a usage error: exit 64, nothing on stdout, {@code expectedInErr} on stderr. */
    static void usageError(String expectedInErr, String... args) {
        CliRun run = CliRun.of(args);
        assertEquals(ExitCode.USAGE, run.exit(), run::toString);
        assertEquals("", run.out(), run::toString);
        assertTrue(run.err().contains(expectedInErr), () -> "stderr should contain '" + expectedInErr + "'\n" + run);
    }

    @Test
    void unknownType() {
        usageError("forge run: --type: unknown script type 'bogus'", "run", script, "--type", "bogus");
    }

    @Test
    void unknownIsolationOnEveryCommandThatRunsScripts() {
        usageError("forge run: --isolation: unknown isolation 'container'; use process or in-process",
                "run", script, "--isolation", "container");
        usageError("forge driver: --isolation: unknown isolation 'none'", "driver", script, "search", "--isolation", "none");
        usageError("forge bench: --isolation: unknown isolation 'x'", "bench", script, "--isolation", "x");
        usageError("forge demo: --isolation: unknown isolation 'x'", "demo", "--isolation", "x");
        usageError("forge ivr-agent: --isolation: unknown isolation 'x'", "ivr-agent", "--url",
                "ws://127.0.0.1:1/ws/token/v1/t", "--script", script, "--isolation", "x");
    }

    @Test
    void unknownConfinementOnEveryCommandThatRunsScripts() {
        String expected = "--confinement: unknown confinement 'jail'; use best-effort, required or none";
        usageError("forge run: " + expected, "run", script, "--confinement", "jail");
        usageError("forge driver: " + expected, "driver", script, "search", "--confinement", "jail");
        usageError("forge bench: " + expected, "bench", script, "--confinement", "jail");
        usageError("forge demo: " + expected, "demo", "--confinement", "jail");
        usageError("forge ivr-agent: " + expected, "ivr-agent", "--url", "ws://127.0.0.1:1/ws/token/v1/t", "--script",
                script, "--confinement", "jail");
    }

    @Test
    void envMayNotSetWhatForgeSets() {
        String reserved = "is set by Forge for every script (reserved: SCRIPTFORGE_ID, SCRIPTFORGE_NAME, name, scriptId, "
                + "tenant); choose another name";
        usageError("forge run: --env: 'tenant' " + reserved, "run", script, "--type", "app", "--env", "tenant=globex");
        usageError("forge run: --env: 'scriptId' " + reserved, "run", script, "--env", "A=1", "--env", "scriptId=globex/x.js");
        usageError("forge driver: --env: 'SCRIPTFORGE_ID' " + reserved, "driver", script, "search", "--env",
                "SCRIPTFORGE_ID=x");
    }

    @Test
    void malformedTimeoutAction() {
        usageError("--timeout-action: 'Busy' is not \"[sip code] [reason]\"", "run", script, "--timeout-action", "Busy");
        usageError("--timeout-action: '486' has no reason phrase", "run", script, "--timeout-action", "486");
        usageError("--timeout-action: '999 Nope' has code 999", "run", script, "--timeout-action=999 Nope");
    }

    @Test
    void zeroOrNegativeTimeout() {
        usageError("--timeout: must be positive, got '0'", "run", script, "--timeout", "0");
        usageError("--timeout: must be positive, got '-1s'", "run", script, "--timeout", "-1s");
        usageError("--timeout: 'soon' is not a duration", "run", script, "--timeout", "soon");
    }

    @Test
    void zeroNegativeOrTinyMemory() {
        usageError("--memory: must be positive, got '0'", "run", script, "--memory", "0");
        usageError("--memory: must be positive, got '-5m'", "run", script, "--memory", "-5m");
        usageError("--memory: must be at least 4m", "run", script, "--memory", "1m");
        usageError("--memory: 'lots' is not a size", "run", script, "--memory", "lots");
    }

    @Test
    void dataThatIsNotJson() {
        usageError("--data: not valid JSON at line 1", "run", script, "--data", "{routing");
    }

    @Test
    void dataFileMissing() {
        usageError("--data: no such file 'no-such.json'", "run", script, "--data", "@no-such.json");
    }

    @Test
    void scriptFileMissingOrNotGiven() {
        usageError("FILE.js: no such file 'missing.js'", "run", "missing.js");
        usageError("missing FILE.js; usage: forge run FILE.js", "run");
        usageError("expected one FILE.js, got 2", "run", script, script);
    }

    @Test
    void emptyScriptFile() throws IOException {
        String empty = Files.writeString(dir.resolve("empty.js"), "  \n").toString();
        usageError("FILE.js: '" + empty + "' is empty", "run", empty);
    }

    @Test
    void unknownFlagOrCommand() {
        usageError("unknown flag '--frobnicate' for forge run; known flags: --allow-host, --call-id, --confinement, --data", "run", script, "--frobnicate");
        usageError("forge deploy: unknown command 'deploy'", "deploy");
        usageError("unknown flag '--json' for forge demo", "demo", "--json");
    }

    @Test
    void flagWithoutValueOrTwice() {
        usageError("--data: missing value", "run", script, "--data");
        usageError("--type: given twice", "run", script, "--type", "app", "--type", "script");
    }

    @Test
    void benchNumbers() {
        usageError("--threads: must be a positive whole number, got '0'", "bench", script, "--threads", "0");
        usageError("--seconds: must be a number of seconds above 0, got '-2'", "bench", script, "--seconds", "-2");
        usageError("--warmup: must be a number of seconds, 0 or more, got 'x'", "bench", script, "--warmup", "x");
    }

    @Test
    void benchFlagsAndWhereItsHistogramGoes() {
        usageError("unknown flag '--hgrm' for forge bench; known flags: --allow-host, --confinement, --data, --datastore, "
                + "--env, --hdr, --isolation, --json, --memory, --seconds, --threads, --timeout, --timeout-action, --type, "
                + "--warmup", "bench", script, "--hgrm", "x");
        usageError("--hdr: '-' would print the histogram after --json's one object on stdout; give a file, e.g. --hdr "
                + "bench.hgrm", "bench", script, "--json", "--hdr", "-");
        String nowhere = dir.resolve("no-such-dir").resolve("b.hgrm").toString();
        usageError("--hdr: cannot write a file at '" + nowhere + "'; give a file in an existing directory, or - for stdout",
                "bench", script, "--hdr", nowhere);
        usageError("--hdr: cannot write a file at '" + dir + "'", "bench", script, "--hdr", dir.toString());
        usageError("--hdr: missing value", "bench", script, "--hdr");
    }

    @Test
    void noArgumentsPrintsUsageOnStderr() {
        CliRun run = CliRun.of();
        assertEquals(ExitCode.USAGE, run.exit());
        assertTrue(run.err().contains("forge run FILE.js"), run::toString);
    }

    @Test
    void helpAndVersionGoToStdout() {
        for (String help : new String[] {"help", "--help", "-h"}) {
            CliRun run = CliRun.of(help);
            assertEquals(ExitCode.OK, run.exit(), run::toString);
            assertTrue(run.out().contains("forge bench FILE.js") && run.out().contains("forge demo"), run::toString);
        }
        CliRun runHelp = CliRun.of("run", "--help");
        assertTrue(runHelp.out().contains("--timeout-action") && runHelp.exit() == 0, runHelp::toString);
        CliRun version = CliRun.of("version");
        assertEquals(ExitCode.OK, version.exit());
        assertTrue(version.out().matches("forge \\d+\\.\\d+\\.\\d+(-SNAPSHOT)? \\(Java .+\\)\\n"), version::toString);
    }
}
