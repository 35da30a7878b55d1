package dev.forge;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * A tenant's script: what the host stores and Forge runs.
 *
 * <p>The {@code version} is a content hash of the kind and the source, so that two hosts holding the
 * same text agree on it, and an edited script gets a fresh isolate. {@code limits} may be {@code null},
 * meaning the defaults of the {@link Forge} that runs it.
 *
 * <p>Thread-safety: immutable.
 *
 * <p>Ids, tenants and names are printable text without leading or trailing white space; a tenant may not
 * contain {@code /}, so that the id {@link #of(String, String, ScriptKind, String)} composes,
 * {@code tenant/name}, names one script only. The {@code env} may not set the variables Forge sets itself
 * ({@link #RESERVED_ENV}).
 *
 * @param id      the host's identifier, unique across tenants
 * @param tenant  the tenant (customer, domain) that owns the script; no {@code /}
 * @param name    a display name, used in logs and stack traces
 * @param kind    script, app or driver
 * @param source  the JavaScript source
 * @param version the content hash (computed by {@link #of})
 * @param limits  limits for this script, or {@code null} for the defaults
 * @param env     variables the host assigns to the script, read-only in its {@code env} object
 * @param bindings the name of the extra {@link dev.forge.spi.Bindings} the script runs with (a voice script's
 *                 {@code ctx}, an integration's hooks), or {@code null}
 *
 * @since 0.1.0
 */
public record Script(String id, String tenant, String name, ScriptKind kind, String source, String version,
                     Limits limits, Map<String, String> env, String bindings) {

    /**
     * The variables Forge itself puts in every script's {@code env}; {@link #withEnv} may not set them, so that
     * a script can trust them.
     */
    public static final Set<String> RESERVED_ENV = Set.of("scriptId", "name", "tenant", "SCRIPTFORGE_ID",
            "SCRIPTFORGE_NAME");

    public Script {
        requireName("tenant", tenant);
        requireName("name", name);
        requireName("id", id);
        if (tenant.indexOf('/') >= 0) {
            throw new IllegalArgumentException("tenant: '" + tenant + "' contains '/', which separates tenant and name "
                    + "in a script id (tenant/name); choose a tenant without it");
        }
        Objects.requireNonNull(kind, "kind");
        if (source == null) {
            throw new IllegalArgumentException("source: missing for script '" + id + "'; give the JavaScript text");
        }
        if (source.isBlank()) {
            throw new IllegalArgumentException("source: empty for script '" + id + "'; a script needs a main function");
        }
        requireText("version", version);
        env = env == null ? Map.of() : Map.copyOf(env);
        for (String key : env.keySet()) {
            if (RESERVED_ENV.contains(key)) {
                throw new IllegalArgumentException("env: '" + key + "' is set by Forge for every script (reserved: "
                        + String.join(", ", new TreeSet<>(RESERVED_ENV)) + "); choose another name");
            }
        }
        if (bindings != null && kind == ScriptKind.SCRIPT) {
            throw new IllegalArgumentException("bindings: '" + bindings + "' needs an App (type app); script '" + id
                    + "' is a synchronous Script");
        }
    }

    /**
     * A script whose id is {@code tenant/name}, with the default limits. The tenant may not contain {@code /}
     * (else {@code of("a", "b/c")} and {@code of("a/b", "c")} would share an id); the name may.
     */
    public static Script of(String tenant, String name, ScriptKind kind, String source) {
        return of(tenant + "/" + name, tenant, name, kind, source);
    }

    /** A script with the default limits and a computed version. */
    public static Script of(String id, String tenant, String name, ScriptKind kind, String source) {
        Objects.requireNonNull(kind, "kind");
        if (source == null) {
            throw new IllegalArgumentException("source: missing for script '" + id + "'; give the JavaScript text");
        }
        return new Script(id, tenant, name, kind, source, hash(kind, source, Map.of(), null), null, Map.of(), null);
    }

    /** A copy with its own limits. */
    public Script withLimits(Limits newLimits) {
        return new Script(id, tenant, name, kind, source, version, newLimits, env, bindings);
    }

    /**
     * A copy with these host-assigned variables. They are part of the version, since the script's
     * isolate holds them.
     */
    public Script withEnv(Map<String, String> variables) {
        Map<String, String> copy = Map.copyOf(Objects.requireNonNull(variables, "env"));
        return new Script(id, tenant, name, kind, source, hash(kind, source, copy, bindings), limits, copy, bindings);
    }

    /**
     * A copy that runs with the {@link dev.forge.spi.Bindings} registered under {@code name} (part of the
     * version, since the script's isolate holds them).
     */
    public Script withBindings(String bindingsName) {
        if (bindingsName == null || !bindingsName.matches("[a-z0-9-]+")) {
            throw new IllegalArgumentException("bindings: '" + bindingsName + "' is not a bindings name (lower-case "
                    + "letters, digits and dashes)");
        }
        return new Script(id, tenant, name, kind, source, hash(kind, source, env, bindingsName), limits, env,
                bindingsName);
    }

    /** The limits to apply: this script's own, else {@code defaults}. */
    public Limits limitsOr(Limits defaults) {
        return limits != null ? limits : defaults;
    }

    private static String hash(ScriptKind kind, String source, Map<String, String> env, String bindings) {
        // without env and bindings the text hashed is kind NUL source, as it always was
        String text = env.isEmpty() ? source : source + '\0' + new TreeMap<>(env);
        if (bindings != null) {
            text += "\0bindings=" + bindings;
        }
        try {
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            sha.update(kind.name().getBytes(StandardCharsets.US_ASCII));
            sha.update((byte) 0);
            sha.update(text.getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(sha.digest(), 0, 16);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this JVM", e);
        }
    }

    private static void requireText(String field, String value) {
        if (value == null || value.isBlank()) {
            throw new IllegalArgumentException(field + ": required, got " + (value == null ? "null" : "'" + value + "'"));
        }
    }

    /**
     * Text that names something unambiguously: not blank, no control characters or line separators (which
     * would let one name pass for another in logs and ids), no leading or trailing white space.
     */
    private static void requireName(String field, String value) {
        requireText(field, value);
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (Character.isISOControl(c) || c == '\u2028' || c == '\u2029') {
                throw new IllegalArgumentException(field + ": '" + visible(value) + "' contains the control character "
                        + String.format("U+%04X", (int) c) + " at " + i + "; use printable characters");
            }
        }
        if (!value.strip().equals(value)) {
            throw new IllegalArgumentException(field + ": '" + value + "' starts or ends with white space; remove it");
        }
    }

    /** {@code value} with its control characters escaped, for an error message. */
    private static String visible(String value) {
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            b.append(Character.isISOControl(c) || c == '\u2028' || c == '\u2029' ? String.format("\\u%04x", (int) c)
                    : String.valueOf(c));
        }
        return b.toString();
    }

    @Override
    public String toString() {
        return "Script[" + id + " " + kind.id() + " v" + version + "]";
    }
}
