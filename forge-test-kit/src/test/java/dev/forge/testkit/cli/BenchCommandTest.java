package dev.forge.testkit.cli;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code forge bench --json} prints one object with the documented fields, consistent with each other. */
class BenchCommandTest {

    @TempDir
    Path dir;

    @Test
    void jsonReportHasTheContractFields() throws IOException {
        String js = Files.writeString(dir.resolve("id.js"), "function main(d) { return d; }").toString();
        CliRun run = CliRun.of("bench", js, "--threads", "2", "--seconds", "0.3", "--warmup", "0.1", "--json");
        assertEquals(ExitCode.OK, run.exit(), run::toString);
        JsonNode json = run.json();
        List<String> names = new ArrayList<>();
        json.fieldNames().forEachRemaining(names::add);
        assertEquals(List.of("threads", "seconds", "invocations", "throughput", "p50", "p90", "p99", "p999", "max",
                "outcomes"), names);
        assertEquals(2, json.path("threads").asInt());
        long invocations = json.path("invocations").asLong();
        assertTrue(invocations > 0, run::toString);
        assertEquals(invocations, json.path("outcomes").path("ok").asLong(), run::toString);
        assertTrue(json.path("p50").asLong() <= json.path("p99").asLong()
                && json.path("p99").asLong() <= json.path("max").asLong(), run::toString);
    }

    @Test
    void textReportNamesThePercentiles() throws IOException {
        String js = Files.writeString(dir.resolve("id.js"), "function main(d) { return d; }").toString();
        CliRun run = CliRun.of("bench", js, "--threads", "1", "--seconds", "0.2", "--warmup", "0");
        assertEquals(ExitCode.OK, run.exit(), run::toString);
        assertTrue(run.out().contains("p99.9") && run.out().contains("outcomes     ok "), run::toString);
    }
}
