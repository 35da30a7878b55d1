package dev.forge.testkit;

import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The promise site/README.md makes: every Java example on every page of site/ is compiled and run by a test.
 * Each page with Java examples is listed here with the tests that hold them (and run them); a new page with
 * Java, or an example that is in none of its page's tests, fails.
 */
class SiteExamplesTest {

    private static final Map<String, List<String>> TESTS = Map.of(
            "durable.md", List.of("dev.forge.testkit.DurableDocTest"),
            "embedding.md", List.of("dev.forge.testkit.EmbeddingDocTest"),
            "integrations.md", List.of("dev.forge.testkit.integrations.IntegrationsDocTest"),
            "isolation.md", List.of("dev.forge.testkit.IsolationDocTest"),
            "ivr.md", List.of("dev.forge.testkit.ivr.IvrDocsTest"),
            "metrics.md", List.of("forge-micrometer:dev.forge.micrometer.MetricsDocsTest",
                    "forge-opentelemetry:dev.forge.opentelemetry.TracingDocsTest"),
            "redis.md", List.of("forge-redis-spi:dev.forge.redis.RedisDocTest"),
            "testing.md", List.of("dev.forge.testkit.TestingDocTest", "dev.forge.testkit.InMemoryDatastoreTest",
                    "dev.forge.testkit.V8ScriptEngineTest", "forge-redis-spi:dev.forge.redis.RedisDocTest"),
            "voice.md", List.of("dev.forge.testkit.voice.VoiceScriptTest"));

    @Test
    void everyJavaExampleOfEveryPageIsInATest() {
        for (String page : DocExamples.pages()) {
            DocExamples doc = DocExamples.page(page);
            boolean hasJava = !doc.blocks("java").isEmpty();
            assertTrue(!hasJava || TESTS.containsKey(page), () -> "site/" + page + " has Java examples and no test "
                    + "that runs them: add one, and list it in SiteExamplesTest");
            if (hasJava) {
                doc.assertEveryJavaExampleIsIn(TESTS.get(page));
            }
        }
    }
}
