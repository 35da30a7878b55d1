package dev.forge.engine.v8.internal.host;

import com.caoccao.javet.interop.V8Host;
import dev.forge.engine.v8.internal.child.ChildMain;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.CodeSource;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * How an isolate process is started: the JVM that runs this host, the two jars a child needs (this engine
 * and Javet), V8's native library from {@link NativeLibrary}, a private temporary folder, and an environment
 * with nothing of the host's in it (a host's secrets often live in its environment).
 *
 * <p>The command is wrapped in the operating system's confinement where the {@link Confiner} can.
 *
 * <p>The child JVM is small and starts fast: serial GC, C1 only (the child's Java is a thin loop around V8),
 * no perf data or attach files. {@code -Dforge.isolate.jvmArgs="..."} adds options, for tuning.
 *
 * <p>Thread-safety: immutable once made.
 */
final class ChildLauncher {

    /**
     * The main class of the isolate processes, {@link ChildMain} unless this system property names another when
     * the engine is built: Forge's own tests start stand-in children this way, through this very launcher.
     */
    static final String MAIN_PROPERTY = "forge.isolate.main";

    private static final List<String> JVM_OPTIONS = List.of("-XX:+UseSerialGC", "-Xms16m", "-Xmx128m",
            "-XX:TieredStopAtLevel=1", "-XX:-UsePerfData", "-XX:+DisableAttachMechanism", "-XX:MaxMetaspaceSize=128m",
            "-XX:ReservedCodeCacheSize=48m", "-XX:+ExitOnOutOfMemoryError", "-Xss1m", "-Dfile.encoding=UTF-8");

    private final String java;
    private final String classPath;
    private final Path nativeDir;
    private final Path workDir;
    private final List<String> extraOptions;
    private final String mainClass;
    final Confiner confiner;

    ChildLauncher(Confiner confiner) {
        this.confiner = confiner;
        this.java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        this.mainClass = System.getProperty(MAIN_PROPERTY, ChildMain.class.getName());
        this.classPath = classPath(mainClass);
        this.nativeDir = NativeLibrary.directory();
        this.workDir = WorkDirs.create();
        String extra = System.getProperty("forge.isolate.jvmArgs", "").trim();
        this.extraOptions = extra.isEmpty() ? List.of() : List.of(extra.split("\\s+"));
    }

    /** The socket the lanes of child {@code id} connect to. */
    Path socket(int id) {
        return workDir.resolve("c" + id + ".sock");
    }

    /** A process builder for child {@code id}, with its own empty temporary folder. */
    ProcessBuilder builder(int id) {
        Path tmp = workDir.resolve("t" + id);
        try {
            Files.createDirectories(tmp);
        } catch (IOException e) {
            throw new UncheckedIOException("isolation: cannot make the temporary folder " + tmp, e);
        }
        List<String> command = new ArrayList<>();
        command.add(java);
        command.addAll(JVM_OPTIONS);
        command.addAll(extraOptions);
        command.add("-Djava.io.tmpdir=" + tmp);
        command.add("-Djavet.lib.loading.type=custom");
        command.add("-Djavet.lib.loading.path=" + nativeDir);
        command.add("-cp");
        command.add(classPath);
        command.add(mainClass);
        ProcessBuilder pb = new ProcessBuilder(confiner.wrap(command, tmp, visible(id))).directory(tmp.toFile());
        Map<String, String> env = pb.environment();
        env.clear();
        env.put("PATH", Confiner.PATH);
        env.put("TZ", "UTC");
        env.put("LANG", "C.UTF-8");
        env.put("MALLOC_ARENA_MAX", "2");
        return pb;
    }

    /**
     * What child {@code id} must see of the file system when it runs in a view of its own: the JVM (unless it is
     * under {@code /usr}, which every view has), the class path, V8's library and its lanes' socket.
     */
    private List<Path> visible(int id) {
        Set<Path> paths = new LinkedHashSet<>();
        Path javaHome = Path.of(System.getProperty("java.home"));
        paths.add(javaHome);
        paths.addAll(linkedFrom(javaHome));
        for (String entry : classPath.split(File.pathSeparator)) {
            paths.add(Path.of(entry));
        }
        paths.add(nativeDir);
        paths.add(socket(id));
        List<Path> all = paths.stream().map(p -> p.toAbsolutePath().normalize()).filter(p -> !p.startsWith("/usr")).toList();
        // one inside another is shown with it (and could not be mounted inside a read-only one)
        return all.stream().filter(p -> all.stream().noneMatch(q -> !q.equals(p) && p.startsWith(q))).toList();
    }

    /**
     * The folders that links inside {@code home} point into, outside it and outside {@code /usr}: Debian's JDK
     * keeps its configuration in {@code /etc/java-17-openjdk} and its CA certificates in
     * {@code /etc/ssl/certs/java}, linked from {@code conf} and {@code lib/security}.
     */
    private static Set<Path> linkedFrom(Path home) {
        Set<Path> folders = new java.util.TreeSet<>();
        try (var files = Files.walk(home)) {
            for (Path link : files.filter(Files::isSymbolicLink).toList()) {
                Path target = link.getParent().resolve(Files.readSymbolicLink(link)).normalize();
                if (!target.startsWith(home) && !target.startsWith("/usr") && target.getParent() != null) {
                    folders.add(target.getParent());
                }
            }
        } catch (IOException | RuntimeException e) {
            // the JVM's own files: if they cannot be read, the isolate process says what is missing when it starts
        }
        Set<Path> outermost = new LinkedHashSet<>();
        for (Path f : folders) {
            if (outermost.stream().noneMatch(f::startsWith)) {
                outermost.add(f);
            }
        }
        return outermost;
    }

    /** Removes the children's folders; the engine calls it when it closes. */
    void cleanUp() {
        WorkDirs.deleteTree(workDir);
    }

    private static String classPath(String mainClass) {
        Set<String> entries = new LinkedHashSet<>();
        entries.add(location(ChildMain.class));
        entries.add(location(V8Host.class));
        if (!mainClass.equals(ChildMain.class.getName())) {
            try {
                entries.add(location(Class.forName(mainClass)));
            } catch (ClassNotFoundException e) {
                throw new IllegalStateException("isolation: " + MAIN_PROPERTY + " names " + mainClass + ", which is not on the "
                        + "class path", e);
            }
        }
        return String.join(File.pathSeparator, entries);
    }

    private static String location(Class<?> type) {
        CodeSource source = type.getProtectionDomain().getCodeSource();
        if (source == null || source.getLocation() == null) {
            throw new IllegalStateException("isolation: cannot find where " + type.getName() + " was loaded from, so an "
                    + "isolate process cannot load it; use in-process isolation in this class loader");
        }
        try {
            return Path.of(source.getLocation().toURI()).toString();
        } catch (URISyntaxException | IllegalArgumentException e) {
            throw new IllegalStateException("isolation: " + type.getName() + " was loaded from " + source.getLocation()
                    + ", which is not a file an isolate process can load", e);
        }
    }
}
