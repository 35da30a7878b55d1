package dev.forge.testkit.internal;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Objects;

/**
 * Reads text resources from a class loader, with errors that name the missing path.
 *
 * <p>Thread-safety: stateless; safe from any thread.
 */
public final class Resources {

    private Resources() {
    }

    /**
     * The UTF-8 text of the resource at {@code path} (no leading slash needed).
     *
     * @throws IllegalArgumentException naming {@code field} and the path when there is no such resource
     */
    public static String read(ClassLoader loader, String field, String path) {
        Objects.requireNonNull(loader, "loader");
        Objects.requireNonNull(path, "path");
        String clean = path.startsWith("/") ? path.substring(1) : path;
        try (InputStream in = loader.getResourceAsStream(clean)) {
            if (in == null) {
                throw new IllegalArgumentException(field + ": no resource '" + clean
                        + "' on the class path; put it under src/test/resources or src/main/resources");
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(field + ": cannot read resource '" + clean + "'", e);
        }
    }

    /** The UTF-8 text of a resource next to {@code anchor}'s package, read through its module. */
    public static String readBeside(Class<?> anchor, String name) {
        try (InputStream in = anchor.getResourceAsStream(name)) {
            if (in == null) {
                throw new IllegalStateException("resource '" + name + "' is missing beside " + anchor.getName()
                        + "; the jar is incomplete");
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read resource '" + name + "'", e);
        }
    }
}
