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
 * setsid prlimit --core=0 --nofile=N unshare [--user --map-root-user] --mount --net --pid --fork --kill-child
 *     --mount-proc -- /bin/sh -c SCRIPT TMP PATHS... -- [--reuid...] -- COMMAND
 * </pre>
 *
 * <p>{@code setsid} gives it a session and process group of its own (also with {@link Confinement#NONE}: that is
 * hygiene, not a layer); {@code prlimit} forbids core dumps (a crashed isolate's memory holds its tenants' data)
 * and caps its open files; {@code unshare} an empty network namespace (no socket reaches anything: only a
 * loopback device that is down), a PID namespace (it sees and signals no other process; it dies with its
 * {@code unshare}), and a mount namespace. In that, the script builds the process's own view of the file
 * system and {@code chroot}s into it: a read-only tmpfs holding only {@code /usr} (with the usual links to it),
 * four devices ({@code null}, {@code zero}, {@code random}, {@code urandom}), its own {@code /proc}, the paths the
 * launcher names (the JVM, the jars, V8's library, its lanes' socket), all read-only, and a 64 MiB tmpfs as its
 * temporary folder, the one place it can write. Nothing else of the machine is there: not {@code /etc}, not
 * {@code /home}, not the host's files or other children's folders. Then it execs {@code setpriv
 * --no-new-privs} with no capabilities left (so nothing can be mounted or chrooted again), as user
 * {@code nobody} when the host runs as root. As root no user namespace is needed; otherwise one maps the
 * user to root inside, where that is allowed (and the process keeps the host's user id outside).
 *
 * <p>Which layers hold is not assumed: each isolate process reports them when it starts, before any tenant's
 * code has run, and the supervisor records the first report.
 *
 * <p>Thread-safety: thread-safe.
 */
final class Confiner {

    /**
     * Arguments: the temporary folder, the paths to show up to {@code --}, setpriv's extra options up to
     * {@code --}, the command. Builds the view in a tmpfs on the temporary folder, chroots, drops privileges.
     */
    private static final String SCRIPT = """
            T="$1"; shift
            fail() { echo "forge: $1" >&2; exit 97; }
            mount -t tmpfs -o size=64m,mode=755,nosuid,nodev tmpfs "$T" || fail "cannot mount a tmpfs on $T"
            R="$T/.root"; mkdir "$R" "$T/.tmp" && chmod 1777 "$T/.tmp" || fail "cannot make the view in $T"
            mount -t tmpfs -o size=1m,mode=755,nosuid,nodev tmpfs "$R" || fail "cannot mount a tmpfs on $R"
            show() {
              if [ -d "$1" ]; then mkdir -p "$R$1"; else mkdir -p "$R${1%/*}" && : > "$R$1"; fi
              mount --bind -o "ro,nosuid$2" "$1" "$R$1" || fail "cannot show $1"
            }
            while [ "$1" != "--" ]; do show "$1" ,nodev; shift; done; shift
            for l in /bin /sbin /lib /lib32 /lib64 /libx32; do
              if [ -L "$l" ]; then ln -s "$(readlink "$l")" "$R$l"; elif [ -d "$l" ]; then show "$l" ,nodev; fi
            done
            show /usr ,nodev
            if [ -f /etc/ld.so.cache ]; then show /etc/ld.so.cache ,nodev; fi
            for d in null zero random urandom; do show /dev/$d ,noexec; done
            mkdir "$R/proc" && mount -t proc -o nosuid,nodev,noexec proc "$R/proc" || fail "cannot mount /proc"
            mkdir -p "$R$T" && mount --bind "$T/.tmp" "$R$T" || fail "cannot show $T"
            mount -o remount,bind,ro "$R" || fail "cannot make $R read-only"
            unset PWD OLDPWD
            exec chroot "$R" setpriv --no-new-privs --inh-caps=-all --bounding-set=-all "$@"
            """;
    /** The user an isolate process runs as when the host is root: {@code nobody}. */
    static final int NOBODY = 65534;
    /** Where the tools are looked for; also the isolate process's PATH, so that the script finds them. */
    static final String PATH = "/usr/sbin:/usr/bin:/sbin:/bin";

    /** Open files an isolate process may hold: its jars, lanes and V8's few, with room to spare. */
    static final int MAX_FILES = 512;

    private final Confinement policy;
    /** What every launch is wrapped in, even unconfined: a session of its own. */
    private final List<String> always;
    /** Whether the process switches to {@link #NOBODY} (the host is root, so no user namespace maps it). */
    private final boolean asNobody;
    private volatile List<String> prefix;
    private volatile String missing;

    private Confiner(Confinement policy, List<String> prefix, String missing) {
        this(policy, prefix, missing, false);
    }

    private Confiner(Confinement policy, List<String> prefix, String missing, boolean asNobody) {
        this.policy = policy;
        this.asNobody = asNobody;
        String setsid = find("setsid");
        this.always = setsid == null ? List.of() : List.of(setsid);
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
        String prlimit = find("prlimit");
        String chroot = find("chroot");
        if (unshare == null || setpriv == null || mount == null || prlimit == null || chroot == null
                || !Files.isExecutable(Path.of("/bin/sh"))) {
            return new Confiner(policy, null, "util-linux's unshare, setpriv, prlimit and mount, coreutils' chroot and "
                    + "/bin/sh are needed, and not all were found in " + PATH);
        }
        boolean root = root();
        List<String> p = new ArrayList<>();
        p.addAll(List.of(prlimit, "--core=0:0", "--nofile=" + MAX_FILES + ":" + MAX_FILES, "--"));
        p.add(unshare);
        if (!root) {
            p.add("--user");
            p.add("--map-root-user");
        }
        p.addAll(List.of("--mount", "--net", "--pid", "--fork", "--kill-child", "--mount-proc", "--propagation",
                "private", "--", "/bin/sh", "-c", SCRIPT, "forge-isolate"));
        return new Confiner(policy, List.copyOf(p), null, root);
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

    /**
     * {@code command} wrapped in the confinement, with {@code tmp} as the process's private temporary folder
     * and {@code show} the paths (absolute, each a file or a folder) it needs to see, read-only.
     */
    List<String> wrap(List<String> command, Path tmp, List<Path> show) {
        List<String> p = prefix;
        List<String> wrapped = new ArrayList<>(always);
        if (p != null) {
            wrapped.addAll(p);
            wrapped.add(tmp.toString());
            for (Path path : show) {
                wrapped.add(path.toAbsolutePath().normalize().toString());
            }
            wrapped.add("--");
            if (asNobody) {
                wrapped.addAll(List.of("--reuid=" + NOBODY, "--regid=" + NOBODY, "--clear-groups"));
            }
            wrapped.add("--");
        }
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
    static final List<String> LAYERS = List.of("network: none", "files: read-only", "view: its own",
            "processes: own namespace",
            "privileges: no-new-privs", "capabilities: none", "core dumps: none");

    /** The layers of {@code LAYERS} missing from a report. */
    static List<String> missingFrom(String report) {
        return LAYERS.stream().filter(layer -> !report.contains(layer)).toList();
    }
}
