package dev.forge.micrometer;

import io.micrometer.core.instrument.Tag;
import io.micrometer.core.instrument.Tags;

import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * The host's tags on every meter, as both builders take them: as {@link Tag}s or as key, value pairs, never
 * with a key the binder sets itself.
 *
 * <p>Thread-safety: stateless.
 */
final class CommonTags {

    private CommonTags() {
    }

    /** {@code tags} and the pairs {@code keyValues}. */
    static Tags and(Tags tags, String... keyValues) {
        Objects.requireNonNull(keyValues, "tags");
        if (keyValues.length % 2 != 0) {
            throw new IllegalArgumentException("tags: give keys and values in pairs, got " + keyValues.length
                    + " strings: " + List.of(keyValues));
        }
        return tags.and(keyValues);
    }

    /** Refuses a tag whose key {@code owner} sets itself. */
    static void refuseOwn(Tags tags, Set<String> own, String owner) {
        for (Tag t : tags) {
            if (own.contains(t.getKey())) {
                throw new IllegalArgumentException("tags: '" + t.getKey() + "' is a tag " + owner + " sets itself;"
                        + " name yours differently");
            }
        }
    }
}
