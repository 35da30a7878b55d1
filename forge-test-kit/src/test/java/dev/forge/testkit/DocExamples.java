package dev.forge.testkit;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The examples of a page in site/, for the doc tests that run them. A doc test holds each Java example in its
 * own source, where the compiler checks it and a test runs it; {@link #assertEveryJavaExampleIsIn} fails when
 * the page and the test drift apart (indentation and blank lines aside), so an example cannot change on the
 * page without changing in the code that runs.
 */
public final class DocExamples {

    private final Path page;
    private final String text;

    private DocExamples(Path page) {
        this.page = page;
        try {
            this.text = Files.readString(page);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + page, e);
        }
    }

    /** A page of site/, e.g. {@code embedding.md}; tests run in forge-test-kit, so site/ is {@code ../site}. */
    public static DocExamples page(String name) {
        return new DocExamples(Path.of("..", "site", name));
    }

    /** The fenced blocks of this language ({@code java}, {@code js}, {@code xml}, ...), in page order. */
    List<String> blocks(String language) {
        return Pattern.compile("^[ \\t]*```" + Pattern.quote(language) + "\\n(.*?)^[ \\t]*```",
                        Pattern.DOTALL | Pattern.MULTILINE)
                .matcher(text).results().map(r -> r.group(1)).collect(Collectors.toList());
    }

    /**
     * Checks that the page has {@code count} Java examples and that each one is, line for line, in the source
     * of {@code test} (a top-level class under src/test/java).
     */
    public void assertEveryJavaExampleIsIn(Class<?> test, int count) {
        assertEveryJavaExampleIsIn(count, test);
    }

    /**
     * Checks that the page has {@code count} Java examples and that each one is, line for line, in the source
     * of one of {@code tests}: the test that runs it (top-level classes under src/test/java).
     */
    public void assertEveryJavaExampleIsIn(int count, Class<?>... tests) {
        assertEquals(count, blocks("java").size(), () -> page + ": Java examples");
        assertEveryJavaExampleIsIn(Arrays.stream(tests).map(Class::getName).toList());
    }

    /** As {@link #assertEveryJavaExampleIsIn(int, Class[])}, with the tests' class names and no count. */
    public void assertEveryJavaExampleIsIn(List<String> testClassNames) {
        List<String> sources = testClassNames.stream().map(t -> normalise(source(t))).toList();
        for (String example : blocks("java")) {
            String e = normalise(example);
            assertTrue(!e.isEmpty() && sources.stream().anyMatch(s -> s.contains(e)),
                    () -> page + "'s example is in none of " + testClassNames + ":\n" + e);
        }
    }

    /** The name of every page in site/. */
    static List<String> pages() {
        try (Stream<Path> files = Files.list(Path.of("..", "site"))) {
            return files.map(f -> f.getFileName().toString()).filter(n -> n.endsWith(".md")).sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list ../site", e);
        }
    }

    /**
     * Checks that the page says {@code words} as they are (a message the test got from Forge, say), whatever
     * the line breaks.
     */
    public void assertMentions(String words) {
        assertTrue(text.replaceAll("\\s+", " ").contains(words.replaceAll("\\s+", " ")),
                () -> page + " does not say: " + words);
    }

    /**
     * The source of a test: {@code dev.forge.testkit.SomeTest} in this module, or
     * {@code forge-redis-spi:dev.forge.redis.SomeTest} in another (tests run in their module's folder).
     */
    private static String source(String testClassName) {
        int colon = testClassName.indexOf(':');
        Path root = colon < 0 ? Path.of("") : Path.of("..", testClassName.substring(0, colon));
        Path file = root.resolve(Path.of("src", "test", "java",
                testClassName.substring(colon + 1).replace('.', '/') + ".java"));
        try {
            return Files.readString(file);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file, e);
        }
    }

    /** Lines without their indentation, blank lines dropped: indentation differs between the two files. */
    static String normalise(String text) {
        return text.lines().map(String::strip).filter(l -> !l.isEmpty()).collect(Collectors.joining("\n"));
    }
}
