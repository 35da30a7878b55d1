package dev.forge.integrations;

import com.fasterxml.jackson.databind.JsonNode;
import dev.forge.Limits;
import dev.forge.integrations.internal.EventJson;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * Integrations kept as folders, one per integration:
 * <pre>
 * crmlogger/
 *   integration.json    {"name": "CRM call logger", "identifier": "crmlogger", "limits": {"timeout": "2s", "memory": "64m"}}
 *   backend.js          the hooks
 *   tenant.html  tenant.css  tenant.js     the tenant's front end
 *   user.html    user.css    user.js       the user's front end
 * </pre>
 * Only {@code integration.json} is required ({@code limits} in it is optional); a missing file is empty.
 *
 * <p>Thread-safety: stateless.
 *
 * @since 0.1.0
 */
public final class IntegrationFolder {

    /** The file that makes a folder an integration. */
    public static final String DEFINITION = "integration.json";

    private IntegrationFolder() {
    }

    /**
     * Reads the integration in {@code dir}.
     *
     * @throws IllegalArgumentException naming the file and the field that is missing or wrong
     * @throws IOException              if a file cannot be read
     */
    public static Integration load(Path dir) throws IOException {
        Path definition = dir.resolve(DEFINITION);
        String where = dir.getFileName() + "/" + DEFINITION;
        JsonNode json;
        try {
            json = EventJson.MAPPER.readTree(Files.readString(definition, StandardCharsets.UTF_8));
        } catch (NoSuchFileException e) {
            throw new IllegalArgumentException(where + ": missing; a folder needs one to be an integration");
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalArgumentException(where + ": not valid JSON: " + e.getOriginalMessage());
        }
        if (json == null || !json.isObject()) {
            throw new IllegalArgumentException(where + ": must be a JSON object with name and identifier");
        }
        try {
            return Integration.builder()
                    .name(text(json, "name"))
                    .identifier(text(json, "identifier"))
                    .backend(read(dir, "backend.js"))
                    .tenant(new FrontEnd(read(dir, "tenant.html"), read(dir, "tenant.css"), read(dir, "tenant.js")))
                    .user(new FrontEnd(read(dir, "user.html"), read(dir, "user.css"), read(dir, "user.js")))
                    .limits(limits(json.get("limits")))
                    .build();
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(where + ": " + e.getMessage());
        }
    }

    /**
     * Reads every integration in the sub-folders of {@code parent} that hold an {@code integration.json}, in
     * the order of their identifiers.
     *
     * @throws IllegalArgumentException if one is wrong, or two share an identifier
     */
    public static List<Integration> loadAll(Path parent) throws IOException {
        if (!Files.isDirectory(parent)) {
            throw new IllegalArgumentException("dir: '" + parent + "' is not a directory");
        }
        List<Path> folders;
        try (Stream<Path> list = Files.list(parent)) {
            folders = list.filter(p -> Files.isRegularFile(p.resolve(DEFINITION))).sorted().toList();
        }
        Map<String, Path> seen = new HashMap<>();
        List<Integration> found = new ArrayList<>();
        for (Path folder : folders) {
            Integration i = load(folder);
            Path twin = seen.putIfAbsent(i.identifier(), folder);
            if (twin != null) {
                throw new IllegalArgumentException("identifier: '" + i.identifier() + "' is used by both "
                        + twin.getFileName() + " and " + folder.getFileName());
            }
            found.add(i);
        }
        found.sort((a, b) -> a.identifier().compareTo(b.identifier()));
        return List.copyOf(found);
    }

    private static String text(JsonNode json, String field) {
        JsonNode v = json.get(field);
        return v == null || v.isNull() ? null : v.asText();
    }

    private static Limits limits(JsonNode node) {
        if (node == null || node.isNull()) {
            return null;
        }
        Limits l = Limits.DEFAULT;
        if (node.hasNonNull("timeout")) {
            l = l.withTimeout(Limits.parseDuration("limits.timeout", node.get("timeout").asText()));
        }
        if (node.hasNonNull("memory")) {
            l = l.withHeapBytes(Limits.parseBytes("limits.memory", node.get("memory").asText()));
        }
        return l;
    }

    private static String read(Path dir, String name) throws IOException {
        Path file = dir.resolve(name);
        return Files.isRegularFile(file) ? Files.readString(file, StandardCharsets.UTF_8) : "";
    }
}
