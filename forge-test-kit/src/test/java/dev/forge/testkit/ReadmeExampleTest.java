package dev.forge.testkit;

import com.fasterxml.jackson.databind.JsonNode;
import dev.forge.Forge;
import dev.forge.Invocation;
import dev.forge.Outcome;
import dev.forge.Script;
import dev.forge.ScriptKind;
import dev.forge.SipStatus;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Keeps the README's embedding example honest: the same code is here, compiled and run, and the test
 * fails if the README's snippet and this file drift apart.
 */
class ReadmeExampleTest {

    private JsonNode routed;
    private SipStatus rejected;

    private void route(JsonNode data) {
        routed = data;
    }

    private void reject(SipStatus status) {
        rejected = status;
    }

    @Test
    void embeddingExampleRoutesCheapestFirst() {
        try (Forge forge = Forge.builder().build()) {
            forge.load(Script.of("acme", "lcr", ScriptKind.SCRIPT,
                    "function main(data) { data.routing.egress_routing.sort((a, b) => a.rate - b.rate); return data; }"));
            Outcome outcome = forge.invoke(Invocation.builder("acme/lcr")
                    .data("{\"routing\":{\"egress_routing\":[{\"card_id\":\"b\",\"rate\":0.02},{\"card_id\":\"a\",\"rate\":0.01}]}}")
                    .timeout(Duration.ofMillis(500))
                    .timeoutAction("480 Temporarily Unavailable")
                    .build());
            if (outcome instanceof Outcome.Ok ok) {
                route(ok.data());
            } else if (outcome.sip() != null) {
                reject(outcome.sip());
            } else {
                reject(new SipStatus(500, "Script Error"));
            }
        }
        assertNull(rejected);
        assertEquals("a", routed.at("/routing/egress_routing/0/card_id").asText());
    }

    @Test
    void readmeSnippetIsTheCodeOfThisTest() throws IOException {
        String readme = Files.readString(Path.of("..", "README.md"));
        Matcher m = Pattern.compile("```java\\n(.*?)```", Pattern.DOTALL).matcher(readme);
        assertTrue(m.find(), "README.md has no ```java block");
        String snippet = normalise(m.group(1));
        String source = normalise(Files.readString(
                Path.of("src", "test", "java", "dev", "forge", "testkit", "ReadmeExampleTest.java")));
        assertTrue(snippet.lines().count() > 10, snippet);
        assertTrue(source.contains(snippet), () -> "README.md's example differs from ReadmeExampleTest:\n" + snippet);
    }

    /** Lines without their indentation, blank lines dropped: indentation differs between the two files. */
    private static String normalise(String text) {
        List<String> lines = text.lines().map(String::strip).filter(l -> !l.isEmpty()).toList();
        return lines.stream().collect(Collectors.joining("\n"));
    }
}
