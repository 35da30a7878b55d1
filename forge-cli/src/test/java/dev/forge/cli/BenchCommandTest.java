package dev.forge.cli;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code forge bench --json} prints one object with the documented fields, consistent with each other; {@code --hdr}
 * writes the histogram those figures come from; progress goes to stderr only.
 */
class BenchCommandTest {

    private static final Pattern PROGRESS = Pattern.compile("forge bench: \\d+ s (starting|warmup|measuring), \\d+ calls, \\d+/s");
    private static final Pattern TOTAL_COUNT = Pattern.compile("Total count\\s+=\\s+(\\d+)");

    /** The total count in HdrHistogram's percentile distribution text. */
    private static long totalCount(String distribution) {
        Matcher m = TOTAL_COUNT.matcher(distribution);
        if (!m.find()) {
            throw new AssertionError("no total count in: " + distribution);
        }
        return Long.parseLong(m.group(1));
    }

    @TempDir
    Path dir;

    @Test
    void jsonReportHasTheContractFields() throws IOException {
        String js = Files.writeString(dir.resolve("id.js"), "function main(d) { return d; }").toString();
        Path hgrm = dir.resolve("bench.hgrm");
        CliRun run = CliRun.of("bench", js, "--threads", "2", "--seconds", "0.3", "--warmup", "0.1", "--json",
                "--hdr", hgrm.toString());
        assertEquals(ExitCode.OK, run.exit(), run::toString);
        JsonNode json = run.json();
        List<String> names = new ArrayList<>();
        json.fieldNames().forEachRemaining(names::add);
        assertEquals(List.of("threads", "seconds", "invocations", "throughput", "p50", "p90", "p99", "p999", "max",
                "outcomes", "isolation", "confinement"), names);
        assertEquals("best-effort", json.path("confinement").asText());
        assertEquals("process", json.path("isolation").asText());
        assertEquals(2, json.path("threads").asInt());
        long invocations = json.path("invocations").asLong();
        assertTrue(invocations > 0, run::toString);
        assertEquals(invocations, json.path("outcomes").path("ok").asLong(), run::toString);
        assertTrue(json.path("p50").asLong() <= json.path("p99").asLong()
                && json.path("p99").asLong() <= json.path("max").asLong(), run::toString);
        String distribution = Files.readString(hgrm);
        assertTrue(distribution.contains("Value     Percentile TotalCount 1/(1-Percentile)"), distribution);
        assertEquals(invocations, totalCount(distribution), "the file holds every measured call");
    }

    @Test
    void twoIsolationsRunSideBySide() throws IOException {
        String js = Files.writeString(dir.resolve("id.js"), "function main(d) { return d; }").toString();
        CliRun run = CliRun.of("bench", js, "--threads", "1", "--seconds", "1", "--warmup", "0.1", "--json",
                "--isolation", "process,in-process");
        assertEquals(ExitCode.OK, run.exit(), run::toString);
        // two engines' start, warmup and 2 s of measuring: the once-a-second line has come, on stderr alone
        assertTrue(PROGRESS.matcher(run.err()).find(), run::toString);
        JsonNode json = run.json();
        assertEquals(2, json.path("runs").size(), run::toString);
        assertEquals("process", json.at("/runs/0/isolation").asText());
        assertEquals("in-process", json.at("/runs/1/isolation").asText());
        for (JsonNode r : json.path("runs")) {
            assertTrue(r.path("invocations").asLong() > 0 && r.path("invocations").asLong() == r.at("/outcomes/ok").asLong(),
                    run::toString);
        }
        double expected = json.at("/runs/0/p50").asDouble() / json.at("/runs/1/p50").asDouble();
        assertEquals(Math.round(expected * 100) / 100.0, json.at("/ratio/p50").asDouble(), 0.001, run::toString);
        ForgeCliUsageTest.usageError("--isolation: 'process' is given twice", "bench", js, "--isolation", "process,process");
        ForgeCliUsageTest.usageError("--isolation: give one value, got 'process,in-process' (only forge bench compares "
                + "several)", "run", js, "--isolation", "process,in-process");
    }

    @Test
    void twoConfinementsRunSideBySide() throws IOException {
        String js = Files.writeString(dir.resolve("id.js"), "function main(d) { return d; }").toString();
        Path hgrm = dir.resolve("both.hgrm");
        CliRun run = CliRun.of("bench", js, "--threads", "1", "--seconds", "0.6", "--warmup", "0.1",
                "--confinement", "best-effort,none", "--hdr", hgrm.toString());
        assertEquals(ExitCode.OK, run.exit(), run::toString);
        assertTrue(totalCount(Files.readString(dir.resolve("both.process-best-effort.hgrm"))) > 0, run::toString);
        assertTrue(totalCount(Files.readString(dir.resolve("both.process-none.hgrm"))) > 0, run::toString);
        assertTrue(run.out().contains("forge bench id.js (process): 1 threads"), run::toString);
        assertTrue(run.out().contains("forge bench id.js (process, confinement none): 1 threads"), run::toString);
        assertTrue(run.out().contains("process / process, confinement none: p50 "), run::toString);
        CliRun json = CliRun.of("bench", js, "--threads", "1", "--seconds", "0.2", "--warmup", "0", "--json",
                "--confinement", "none,best-effort");
        assertEquals("none", json.json().at("/runs/0/confinement").asText(), json::toString);
        assertEquals("best-effort", json.json().at("/runs/1/confinement").asText(), json::toString);
        ForgeCliUsageTest.usageError("--isolation, --confinement: compare several values of one of them, not of both",
                "bench", js, "--isolation", "process,in-process", "--confinement", "best-effort,none");
        ForgeCliUsageTest.usageError("--confinement: give one value, got 'best-effort,none' (only forge bench compares "
                + "several)", "run", js, "--confinement", "best-effort,none");
    }

    @Test
    void textReportNamesThePercentiles() throws IOException {
        String js = Files.writeString(dir.resolve("id.js"), "function main(d) { return d; }").toString();
        CliRun run = CliRun.of("bench", js, "--threads", "1", "--seconds", "0.2", "--warmup", "0", "--hdr", "-");
        assertEquals(ExitCode.OK, run.exit(), run::toString);
        assertTrue(run.out().contains("p99.9") && run.out().contains("outcomes     ok "), run::toString);
        Matcher invocations = Pattern.compile("invocations  (\\d+)").matcher(run.out());
        assertTrue(invocations.find(), run::toString);
        int histogram = run.out().indexOf("# forge bench id.js (process): latency µs\n");
        assertTrue(histogram > invocations.end(), "the histogram follows the result\n" + run);
        assertEquals(Long.parseLong(invocations.group(1)), totalCount(run.out().substring(histogram)), run::toString);
    }
}
