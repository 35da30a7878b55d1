package dev.forge.engine.v8.internal.host;

import com.caoccao.javet.enums.JSRuntimeType;
import com.caoccao.javet.exceptions.JavetException;
import com.caoccao.javet.interop.V8Host;
import com.caoccao.javet.interop.loader.JavetLibLoader;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;

/**
 * Javet's native V8 library, copied once per host JVM into a private folder that every isolate process of
 * this JVM loads it from. The children then share the library's pages, write nothing of their own at start,
 * and need no writable folder for it; the host's own JVM never loads V8 in process isolation.
 *
 * <p>Thread-safety: thread-safe.
 */
final class NativeLibrary {

    private static final String PREFIX = "forge-javet-";
    private static Path directory;

    private NativeLibrary() {
    }

    /** The folder holding the library, made on first use and removed when the JVM exits. */
    static synchronized Path directory() {
        if (directory != null) {
            return directory;
        }
        try {
            JavetLibLoader loader = new JavetLibLoader(JSRuntimeType.V8);
            String file = loader.getLibFileName();
            // not loader.getResourceFileName(): it looks only in Javet's own module, and on the module path the
            // native jar (whose file name makes no valid module name) sits on the class path
            String resource = "/" + file;
            Path tmp = WorkDirs.shortTempRoot();
            WorkDirs.purgeStale(tmp, PREFIX);
            Path dir = Files.createTempDirectory(tmp, PREFIX + ProcessHandle.current().pid() + "-");
            Path lib = dir.resolve(file);
            try (InputStream in = open(resource)) {
                Files.copy(in, lib, StandardCopyOption.REPLACE_EXISTING);
            }
            // readable by an isolate process that runs as another user (nobody); the library is no secret
            Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-xr-x"));
            Files.setPosixFilePermissions(lib, PosixFilePermissions.fromString("rw-r--r--"));
            WorkDirs.deleteOnExit(dir);
            directory = dir;
            return dir;
        } catch (JavetException e) {
            throw new IllegalStateException("isolation: Javet has no V8 library for this platform ("
                    + System.getProperty("os.name") + " " + System.getProperty("os.arch") + "): " + e.getMessage(), e);
        } catch (IOException e) {
            throw new UncheckedIOException("isolation: cannot copy V8's native library for the isolate processes", e);
        }
    }

    private static InputStream open(String resource) throws IOException {
        InputStream in = JavetLibLoader.class.getResourceAsStream(resource);
        if (in == null) {
            in = V8Host.class.getClassLoader().getResourceAsStream(resource.substring(1));
        }
        if (in == null) {
            in = ClassLoader.getSystemResourceAsStream(resource.substring(1));
        }
        if (in == null) {
            throw new IOException("the resource " + resource + " is missing: add com.caoccao.javet:javet-v8-linux-x86_64 "
                    + "(the same version as javet) to the class path");
        }
        return in;
    }
}
