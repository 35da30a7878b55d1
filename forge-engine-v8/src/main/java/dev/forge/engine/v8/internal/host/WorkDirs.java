package dev.forge.engine.v8.internal.host;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;

/**
 * Private folders for the isolate processes: the lanes' sockets and each child's temporary folder, under a
 * folder only this user can enter, short enough for a Unix-domain socket's path.
 *
 * <p>Thread-safety: stateless.
 */
final class WorkDirs {

    private static final String PREFIX = "forge-v8-";
    /** A socket's path must fit in 108 bytes; leave room for the names inside. */
    private static final int MAX_ROOT_CHARS = 64;

    private WorkDirs() {
    }

    /** A new private folder for one engine's children. */
    static Path create() {
        try {
            Path root = shortTempRoot();
            purgeStale(root, PREFIX);
            return Files.createTempDirectory(root, PREFIX + ProcessHandle.current().pid() + "-");
        } catch (IOException e) {
            throw new UncheckedIOException("isolation: cannot make a private folder for the isolate processes", e);
        }
    }

    /** The JVM's temporary folder, or /tmp when that is too long for socket paths. */
    static Path shortTempRoot() {
        Path tmp = Path.of(System.getProperty("java.io.tmpdir")).toAbsolutePath();
        if (tmp.toString().length() > MAX_ROOT_CHARS && Files.isDirectory(Path.of("/tmp"))) {
            return Path.of("/tmp");
        }
        return tmp;
    }

    static void deleteOnExit(Path dir) {
        Runtime.getRuntime().addShutdownHook(new Thread(() -> deleteTree(dir), "forge-cleanup"));
    }

    /** Deletes {@code dir} and everything in it, ignoring what cannot be deleted. */
    static void deleteTree(Path dir) {
        try (Stream<Path> walk = Files.walk(dir)) {
            walk.sorted(Comparator.reverseOrder()).forEach(p -> {
                try {
                    Files.deleteIfExists(p);
                } catch (IOException ignored) {
                    // a file still in use; the next start purges it
                }
            });
        } catch (IOException | UncheckedIOException ignored) {
            // already gone, or going: a child's start may be removing its socket right now
        }
    }

    /** Folders of this kind left behind by JVMs that are gone. */
    static void purgeStale(Path root, String prefix) {
        try (DirectoryStream<Path> dirs = Files.newDirectoryStream(root, prefix + "*")) {
            for (Path d : dirs) {
                String rest = d.getFileName().toString().substring(prefix.length());
                int dash = rest.indexOf('-');
                try {
                    long pid = Long.parseLong(dash < 0 ? rest : rest.substring(0, dash));
                    if (ProcessHandle.of(pid).isEmpty()) {
                        deleteTree(d);
                    }
                } catch (NumberFormatException ignored) {
                    // not one of ours
                }
            }
        } catch (IOException ignored) {
            // nothing to purge
        }
    }
}
