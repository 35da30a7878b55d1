package dev.forge.cli;

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

/**
 * {@code forge run} in-process, one case per outcome: the exact JSON shape on stdout and the exit status.
 */
class ForgeCliRunTest {

    @TempDir
    Path dir;

    private String file(String name, String source) throws IOException {
        return Files.writeString(dir.resolve(name), source).toString();
    }

    private static List<String> fields(JsonNode node) {
        List<String> names = new ArrayList<>();
        node.fieldNames().forEachRemaining(names::add);
        return names;
    }

    private static JsonNode expect(int exit, String outcome, List<String> fieldNames, CliRun run) {
        assertEquals(exit, run.exit(), run::toString);
        JsonNode json = run.json();
        assertEquals(outcome, json.path("outcome").asText(), run::toString);
        assertEquals(fieldNames, fields(json), run::toString);
        assertTrue(json.path("micros").isIntegralNumber() && json.path("micros").asLong() >= 0, run::toString);
        return json;
    }

    private static JsonNode error(String kind, CliRun run) {
        JsonNode error = expect(ExitCode.ERROR, "error", List.of("outcome", "error", "micros"), run).path("error");
        assertEquals(List.of("kind", "message", "line", "column", "stack"), fields(error), run::toString);
        assertEquals(kind, error.path("kind").asText(), run::toString);
        return error;
    }

    @Test
    void okPrintsTheReturnedDataWithDefaultData() throws IOException {
        String js = file("note.js", "function main(data) { data.routing.note = 'hi'; return data; }");
        JsonNode json = expect(0, "ok", List.of("outcome", "data", "micros"), CliRun.of("run", js));
        assertEquals("{\"routing\":{\"note\":\"hi\"}}", json.path("data").toString());
    }

    @Test
    void dataFromAFile() throws IOException {
        String js = file("lcr.js", "function main(d) { d.routing.egress_routing.sort((a, b) => a.rate - b.rate); return d; }");
        String data = file("call.json", "{\"routing\":{\"egress_routing\":[{\"id\":\"b\",\"rate\":2},{\"id\":\"a\",\"rate\":1}]}}");
        JsonNode json = expect(0, "ok", List.of("outcome", "data", "micros"), CliRun.of("run", js, "--data", "@" + data));
        assertEquals("a", json.at("/data/routing/egress_routing/0/id").asText());
    }

    @Test
    void rejectedByThrowPrintsTheSipStatus() throws IOException {
        String js = file("nf.js", "function main(data) { throw new Error('404 Not Found'); }");
        JsonNode json = expect(2, "rejected", List.of("outcome", "sip", "micros"), CliRun.of("run", js));
        assertEquals("{\"code\":404,\"reason\":\"Not Found\"}", json.path("sip").toString());
    }

    @Test
    void rejectedByAnAppsPromise() throws IOException {
        String js = file("dnc.js", "function main(data) { return Promise.reject([604, 'Number on DNC List']); }");
        JsonNode json = expect(2, "rejected", List.of("outcome", "sip", "micros"),
                CliRun.of("run", js, "--type", "app", "--data", "{\"routing\":{\"dest_number\":\"12125550100\"}}"));
        assertEquals("{\"code\":604,\"reason\":\"Number on DNC List\"}", json.path("sip").toString());
    }

    @Test
    void timeoutWithTheGivenAction() throws IOException {
        String js = file("loop.js", "function main(data) { while (true) {} }");
        JsonNode json = expect(3, "timeout", List.of("outcome", "sip", "micros"), CliRun.of("run", js,
                "--timeout", "200ms", "--timeout-action", "480 Temporarily Unavailable"));
        assertEquals("{\"code\":480,\"reason\":\"Temporarily Unavailable\"}", json.path("sip").toString());
    }

    @Test
    void timeoutWithoutAnActionAnswers408() throws IOException {
        String js = file("loop.js", "function main(data) { for (;;) {} }");
        JsonNode json = expect(3, "timeout", List.of("outcome", "sip", "micros"), CliRun.of("run", js, "--timeout", "150ms"));
        assertEquals("{\"code\":408,\"reason\":\"Request Timeout\"}", json.path("sip").toString());
    }

    @Test
    void runtimeError() throws IOException {
        String js = file("oops.js", "function main(data) {\n  throw new Error('oops');\n}");
        JsonNode error = error("runtime", CliRun.of("run", js));
        assertTrue(error.path("message").asText().contains("oops"), error::toString);
        assertEquals(2, error.path("line").asInt(), error::toString);
    }

    @Test
    void syntaxErrorWithLineAndColumn() throws IOException {
        String js = file("bad.js", "function main(data) {\n  const a = 1;\n  return data +;\n}");
        JsonNode error = error("syntax", CliRun.of("run", js));
        assertEquals(3, error.path("line").asInt(), error::toString);
        assertEquals(16, error.path("column").asInt(), error::toString);
    }

    @Test
    void memoryError() throws IOException {
        String js = file("bomb.js", "function main(d) { const h = []; for (;;) { h.push(new Array(100000).fill(d)); } }");
        error("memory", CliRun.of("run", js));
    }

    @Test
    void stackError() throws IOException {
        String js = file("deep.js", "function f(n) { return f(n + 1) + 1; }\nfunction main(d) { return f(0); }");
        error("stack", CliRun.of("run", js));
    }

    @Test
    void aSingleAllocationThatAbortsV8CostsOnlyItsIsolateProcess() throws IOException {
        // In the CLI's own JVM this line aborts the process (V8's fatal out of memory, exit 133): with the
        // default process isolation it is an ordinary outcome, and this test's JVM, the host, carries on.
        String js = file("from.js", "function main(d) { const a = Array.from({length: 2e7}, () => 0); return d; }");
        error("memory", CliRun.of("run", js));
        String split = file("split.js", "function main(d) { 'a'.repeat(2 ** 28).split(''); return d; }");
        // V8's fatal invalid-size error, or the supervisor seeing the process pass the script's limit first
        error("memory", CliRun.of("run", split, "--isolation", "process"));
    }

    @Test
    void aBuiltInThatIgnoresTerminationStillTimesOut() throws IOException {
        String js = file("stuck.js", "function main(d) { const a = []; a[2 ** 32 - 2] = 1; return a.indexOf(5); }");
        expect(ExitCode.TIMEOUT, "timeout", List.of("outcome", "sip", "micros"), CliRun.of("run", js, "--timeout", "300ms"));
    }

    @Test
    void inProcessIsolationRunsTheSameScript() throws IOException {
        String js = file("note.js", "function main(data) { data.routing.note = 'hi'; return data; }");
        JsonNode json = expect(0, "ok", List.of("outcome", "data", "micros"), CliRun.of("run", js, "--isolation", "in-process"));
        assertEquals("{\"routing\":{\"note\":\"hi\"}}", json.path("data").toString());
    }
}
