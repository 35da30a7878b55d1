package dev.forge.engine.v8.internal.host;

import dev.forge.Confinement;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Wraps an isolate process's command in the operating system's confinement, with util-linux alone:
 *
 * <pre>
 * setsid unshare [--user --map-root-user] --mount --net --pid --fork --kill-child --mount-proc -- /bin/sh -c SCRIPT
 * </pre>
 *
 * <p>{@code setsid} gives it a process group of its own; {@code unshare} an empty network namespace (no
 * socket reaches anything: only a loopback device that is down), a PID namespace (it sees and signals no
 * other process; it dies with its {@code unshare}), and a mount namespace, in which the script remounts every
 * file system read-only, mounts a small tmpfs on the process's own temporary folder, and execs
 * {@code setpriv --no-new-privs} with no capabilities left (so nothing can remount anything again). As root no
 * user namespace is needed; otherwise one maps the user to root inside, where that is allowed.
 *
 * <p>Which layers hold is not assumed: each isolate process reports them when it starts, before any tenant's
 * code has run, and the supervisor records the first report.
 *
 * <p>Thread-safety: thread-safe.
 */
final class Confiner {

    /** Remount every mount read-only, give the temporary folder a private tmpfs, drop privileges, run. */
    private static final String SCRIPT = """
            T="$1"; shift
            while read -r a b c d m rest; do mount -o remount,bind,ro "$m" 2>/dev/null || :; done < /proc/self/mountinfo
            mount -t tmpfs -o size=64m,mode=1777,nosuid,nodev tmpfs "$T" || { echo "forge: cannot mount a tmpfs on $T" >&2; exit 97; }
            unset PWD OLDPWD
            exec setpriv --no-new-privs --inh-caps=-all --bounding-set=-all -- "$@"
            """;
    /** Where the tools are looked for; also the isolate process's PATH, so that the script finds them. */
    static final String PATH = "/usr/sbin:/usr/bin:/sbin:/bin";

    private final Confinement policy;
    private volatile List<String> prefix;
    private volatile String missing;

    private Confiner(Confinement policy, List<String> prefix, String missing) {
        this.policy = policy;
        this.prefix = prefix;
        this.missing = missing;
    }

    /** The confinement {@code policy} asks for, as far as this machine's tools allow. */
    static Confiner of(Confinement policy) {
        if (policy == Confinement.NONE) {
            return new Confiner(policy, null, "turned off (Confinement.NONE)");
        }
        if (!System.getProperty("os.name", "").toLowerCase(Locale.ROOT).contains("linux")) {
            return new Confiner(policy, null, "only Linux's namespaces are used, and this is " + System.getProperty("os.name"));
        }
        String unshare = find("unshare");
        String setpriv = find("setpriv");
        String mount = find("mount");
        if (unshare == null || setpriv == null || mount == null || !Files.isExecutable(Path.of("/bin/sh"))) {
            return new Confiner(policy, null, "util-linux's unshare, setpriv and mount, and /bin/sh, are needed and "
                    + "not all were found in " + PATH);
        }
        List<String> p = new ArrayList<>();
        String setsid = find("setsid");
        if (setsid != null) {
            p.add(setsid);
        }
        p.add(unshare);
        if (!root()) {
            p.add("--user");
            p.add("--map-root-user");
        }
        p.addAll(List.of("--mount", "--net", "--pid", "--fork", "--kill-child", "--mount-proc", "--propagation",
                "private", "--", "/bin/sh", "-c", SCRIPT, "forge-isolate"));
        return new Confiner(policy, List.copyOf(p), null);
    }

    /** Whether this JVM runs with effective user id 0. */
    private static boolean root() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
                if (line.startsWith("Uid:")) {
                    return line.split("\\s+")[2].equals("0");
                }
            }
        } catch (java.io.IOException | RuntimeException e) {
            // not Linux's /proc
        }
        return false;
    }

    private static String find(String tool) {
        for (String dir : PATH.split(":")) {
            Path p = Path.of(dir, tool);
            if (Files.isExecutable(p)) {
                return p.toString();
            }
        }
        return null;
    }

    /** {@code command} wrapped in the confinement, with {@code tmp} as the process's private temporary folder. */
    List<String> wrap(List<String> command, Path tmp) {
        List<String> p = prefix;
        if (p == null) {
            return command;
        }
        List<String> wrapped = new ArrayList<>(p);
        wrapped.add(tmp.toString());
        wrapped.addAll(command);
        return wrapped;
    }

    /** Whether launches are wrapped now. */
    boolean active() {
        return prefix != null;
    }

    Confinement policy() {
        return policy;
    }

    /** Why there is no confinement, or null. */
    String missing() {
        return missing;
    }

    /** Launches go unwrapped from now on, for {@code why} (best effort only). */
    void giveUp(String why) {
        prefix = null;
        missing = why;
    }

    /** The layers every confined isolate process must report. */
    static final List<String> LAYERS = List.of("network: none", "files: read-only", "processes: own namespace",
            "privileges: no-new-privs", "capabilities: none");

    /** The layers of {@code LAYERS} missing from a report. */
    static List<String> missingFrom(String report) {
        return LAYERS.stream().filter(layer -> !report.contains(layer)).toList();
    }
}
