package dev.forge.engine.v8;

import dev.forge.Confinement;
import dev.forge.EngineOptions;
import dev.forge.Forge;
import dev.forge.Invocation;
import dev.forge.Outcome;
import dev.forge.Script;
import dev.forge.ScriptKind;
import dev.forge.engine.v8.hostile.ChildMemory;
import dev.forge.engine.v8.standin.ForgingChild;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * An isolate process gets only what it needs, read from the host as an outsider would: its environment and
 * its descriptors in /proc, and what it can reach from inside (through {@link ForgingChild}, started by the
 * real launcher).
 */
class IsolateProcessTest {

    private static final String SECRET = "FORGE_HOST_SECRET";

    private static Forge forge(EngineOptions.Builder options) {
        return Forge.builder().engine(new V8EngineProvider()).engineOptions(options.build()).build();
    }

    private static long childOf(Forge forge) {
        List<Long> children = ChildMemory.children();
        assertFalse(children.isEmpty(), "no isolate process found: " + forge.stats());
        return children.get(0);
    }

    @Test
    void aChildSeesNoneOfTheHostsEnvironment() throws IOException {
        assertEquals("db-password-in-the-hosts-environment", System.getenv(SECRET), "the test sets it for the host");
        try (Forge forge = forge(EngineOptions.builder().spares(1))) {
            forge.load(Script.of("env", "e.js", ScriptKind.SCRIPT, "function main(d) { return d; }"));
            for (long pid : ChildMemory.children()) {
                String environ = new String(Files.readAllBytes(Path.of("/proc/" + pid + "/environ")), StandardCharsets.UTF_8);
                List<String> names = new ArrayList<>();
                for (String entry : environ.split("\0")) {
                    if (!entry.isEmpty()) {
                        names.add(entry.substring(0, entry.indexOf('=')));
                    }
                }
                assertFalse(environ.contains(System.getenv(SECRET)), "the host's secret in child " + pid);
                assertTrue(List.of("PATH", "TZ", "LANG", "MALLOC_ARENA_MAX").containsAll(names),
                        "child " + pid + " has " + names);
            }
        }
    }

    @Test
    void aChildInheritsNoDescriptorButItsChannel(@TempDir Path dir) throws IOException {
        Path marker = dir.resolve("host-only.txt");
        Files.writeString(marker, "the host's");
        try (RandomAccessFile open = new RandomAccessFile(marker.toFile(), "r");
             ServerSocket listening = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
             Forge forge = forge(EngineOptions.builder().spares(1).threads(4).tenantShare(2))) {
            forge.load(Script.of("fd", "f.js", ScriptKind.SCRIPT, "function main(d) { return d; }"));
            List<String> hostSockets = descriptors("self").stream().filter(t -> t.contains("socket:"))
                    .map(t -> t.substring(t.indexOf("socket:"))).toList();
            assertFalse(hostSockets.isEmpty());
            for (long pid : ChildMemory.children()) {
                List<String> targets = connected(pid, 3);
                assertTrue(targets.stream().noneMatch(t -> t.contains(marker.toString())), "the host's file in " + targets);
                assertTrue(targets.stream().noneMatch(t -> hostSockets.stream().anyMatch(t::endsWith)),
                        "one of the host's sockets (" + listening.getLocalPort() + " among them) in " + targets);
                for (String std : List.of("0 -> pipe:", "1 -> pipe:", "2 -> pipe:")) {
                    assertTrue(targets.stream().anyMatch(t -> t.startsWith(std)), std + " in " + targets);
                }
                // its two lanes (tenantShare 2) and the socket the JDK's NIO keeps to close descriptors safely
                long sockets = targets.stream().filter(t -> t.contains("socket:")).count();
                assertEquals(3, sockets, "its two lanes, NIO's own socket, no other: " + targets);
            }
        }
    }

    @Test
    void aChildHasASessionOfItsOwnAndConfinedNoCoreDumps() throws IOException {
        for (Confinement confinement : List.of(Confinement.BEST_EFFORT, Confinement.NONE)) {
            try (Forge forge = forge(EngineOptions.builder().spares(1).confinement(confinement))) {
                boolean confined = forge.stats().confinement().startsWith("network: none");
                String[] host = stat("self");
                for (long pid : ChildMemory.children()) {
                    String[] child = stat(Long.toString(pid));
                    assertFalse(child[4].equals(host[4]), confinement + ": child " + pid + " in the host's process group");
                    assertFalse(child[5].equals(host[5]), confinement + ": child " + pid + " in the host's session");
                    String limits = Files.readString(Path.of("/proc/" + pid + "/limits"));
                    boolean noCore = limits.lines().anyMatch(l -> l.matches("Max core file size\\s+0\\s+0\\s.*"));
                    assertEquals(confined, noCore, confinement + ": " + limits);
                    if (confined) {
                        assertTrue(forge.stats().confinement().contains("core dumps: none"), forge.stats().confinement());
                    }
                }
            }
        }
    }

    /** The fields of {@code /proc/PID/stat} after the command's name: [4] is the process group, [5] the session. */
    private static String[] stat(String pid) throws IOException {
        String stat = Files.readString(Path.of("/proc/" + pid + "/stat"));
        return ("x x " + stat.substring(stat.lastIndexOf(')') + 2)).split(" ");
    }

    /**
     * The descriptors of {@code pid} once it holds {@code sockets} sockets (a spare may still be starting), or as
     * they are after ten seconds.
     */
    private static List<String> connected(long pid, int sockets) throws IOException {
        long until = System.nanoTime() + java.util.concurrent.TimeUnit.SECONDS.toNanos(10);
        List<String> targets = descriptors(Long.toString(pid));
        while (targets.stream().filter(t -> t.contains("socket:")).count() < sockets && System.nanoTime() - until < 0) {
            java.util.concurrent.locks.LockSupport.parkNanos(1_000_000);
            targets = descriptors(Long.toString(pid));
        }
        return targets;
    }

    /** Where each open descriptor of process {@code pid} points ("3 -> socket:[123]"). */
    private static List<String> descriptors(String pid) throws IOException {
        List<String> targets = new ArrayList<>();
        try (var fds = Files.list(Path.of("/proc/" + pid + "/fd"))) {
            for (Path fd : fds.toList()) {
                try {
                    targets.add(fd.getFileName() + " -> " + Files.readSymbolicLink(fd));
                } catch (IOException gone) {
                    // closed while listed
                }
            }
        }
        return targets;
    }

    @Test
    void aConfinedChildReachesNoNetworkAndWritesNothingOutsideItsFolder(@TempDir Path dir) throws Exception {
        String confined = reachOut(dir, Confinement.BEST_EFFORT);
        assumeTrue(confined != null, "this machine cannot confine isolate processes (no namespaces)");
        assertTrue(confined.startsWith("{\"network\":\"refused"), confined);
        assertTrue(confined.contains("\"files\":\"refused"), confined);
        assertTrue(confined.endsWith("\"read\":\"none\"}"), confined);
        assertFalse(Files.exists(dir.resolve("from-the-child.txt")));
        // the same child without the layers reaches all three: the test can fail
        String open = reachOut(dir, Confinement.NONE);
        assertEquals("{\"network\":\"connected\",\"files\":\"written\",\"read\":\"read 3\"}", open);
        assertTrue(Files.exists(dir.resolve("from-the-child.txt")));
    }

    @Test
    void aMissingLayerFailsTheBuildWhenRequiredAndIsReportedOtherwise() {
        try (Forge real = forge(EngineOptions.builder().spares(0))) {
            assumeTrue(real.stats().confinement().startsWith("network: none, files: read-only, view: its own")
                    && !real.stats().confinement().contains("not confined"), "this machine cannot confine isolate processes");
        }
        System.setProperty("forge.isolate.main", ForgingChild.class.getName());
        System.setProperty("forge.isolate.jvmArgs", "-Dstandin.hide=view");
        try {
            IllegalStateException e = assertThrows(IllegalStateException.class,
                    () -> forge(EngineOptions.builder().spares(0).confinement(Confinement.REQUIRED)).close());
            assertTrue(e.getMessage().contains("started without [view: its own]"), e.getMessage());
            try (Forge forge = forge(EngineOptions.builder().spares(0).confinement(Confinement.BEST_EFFORT))) {
                String layers = forge.stats().confinement();
                assertTrue(layers.contains("not confined: an isolate process could not start confined: it started "
                        + "without [view: its own]"), layers);
                Script s = forge.load(Script.of("fallback", "f.js", ScriptKind.APP,
                        "// standin:echo\nasync function main(d) { return d; }"));
                assertTrue(forge.invoke(Invocation.builder(s.id()).data("{\"a\":1}").build()).isOk());
            }
        } finally {
            System.clearProperty("forge.isolate.main");
            System.clearProperty("forge.isolate.jvmArgs");
        }
    }

    /** What a stand-in child reports it could reach, or null if the confinement asked for is not there. */
    private static String reachOut(Path dir, Confinement confinement) throws IOException {
        try (ServerSocket server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
            Thread accept = new Thread(() -> {
                try {
                    while (true) {
                        server.accept().close();
                    }
                } catch (IOException closed) {
                    // the test is over
                }
            });
            accept.setDaemon(true);
            accept.start();
            System.setProperty("forge.isolate.main", ForgingChild.class.getName());
            Forge forge;
            try {
                forge = forge(EngineOptions.builder().spares(1).confinement(confinement));
            } finally {
                System.clearProperty("forge.isolate.main");
            }
            try (forge) {
                String layers = forge.stats().confinement();
                if (confinement != Confinement.NONE && !layers.startsWith("network: none, files: read-only, view: its own")) {
                    return null;
                }
                Script s = forge.load(Script.of("reach", "r.js", ScriptKind.APP,
                        "// standin:reach-out\nasync function main(d) { return d; }"));
                // the host's own file (readable by anyone), the machine's users, and a file of the host's environment
                Path hostFile = Files.writeString(dir.resolve("host-config.txt"), "db-password=secret");
                Files.setPosixFilePermissions(hostFile, java.nio.file.attribute.PosixFilePermissions.fromString("rw-r--r--"));
                String read = hostFile + "|/etc/passwd|/proc/" + ProcessHandle.current().pid() + "/cmdline";
                String data = "{\"connect\":\"127.0.0.1:" + server.getLocalPort() + "\",\"write\":\"" + dir
                        + "\",\"read\":\"" + read + "\"}";
                Outcome o = forge.invoke(Invocation.builder(s.id()).data(data).build());
                assertTrue(o.isOk(), o.toJson());
                return ((Outcome.Ok) o).dataJson();
            }
        }
    }
}
