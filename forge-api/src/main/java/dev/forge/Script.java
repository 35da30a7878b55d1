package dev.forge;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * A tenant's script: what the host stores and Forge runs.
 *
 * <p>The {@code version} is a content hash of the kind and the source, so that two hosts holding the
 * same text agree on it, and an edited script gets a fresh isolate. {@code limits} may be {@code null},
 * meaning the defaults of the {@link Forge} that runs it.
 *
 * <p>Thread-safety: immutable.
 *
 * @param id      the host's identifier, unique across tenants
 * @param tenant  the tenant (customer, domain) that owns the script
 * @param name    a display name, used in logs and stack traces
 * @param kind    script, app or driver
 * @param source  the JavaScript source
 * @param version the content hash (computed by {@link #of})
 * @param limits  limits for this script, or {@code null} for the defaults
 * @param env     variables the host assigns to the script, read-only in its {@code env} object
 */
public record Script(String id, String tenant, String name, ScriptKind kind, String source, String version,
                     Limits limits, Map<String, String> env) {

    public Script {
        requireText("id", id);
        requireText("tenant", tenant);
        requireText("name", name);
        Objects.requireNonNull(kind, "kind");
        if (source == null) {
            throw new IllegalArgumentException("source: missing for script '" + id + "'; give the JavaScript text");
        }
        if (source.isBlank()) {
            throw new IllegalArgumentException("source: empty for script '" + id + "'; a script needs a main function");
        }
        requireText("version", version);
        env = env == null ? Map.of() : Map.copyOf(env);
    }

    /** A script whose id is {@code tenant/name}, with the default limits. */
    public static Script of(String tenant, String name, ScriptKind kind, String source) {
        return of(tenant + "/" + name, tenant, name, kind, source);
    }

    /** A script with the default limits and a computed version. */
    public static Script of(String id, String tenant, String name, ScriptKind kind, String source) {
        Objects.requireNonNull(kind, "kind");
        if (source == null) {
            throw new IllegalArgumentException("source: missing for script '" + id + "'; give the JavaScript text");
        }
        return new Script(id, tenant, name, kind, source, hash(kind, source), null, Map.of());
    }

    /** A copy with its own limits. */
    public Script withLimits(Limits newLimits) {
        return new Script(id, tenant, name, kind, source, version, newLimits, env);
    }

    /**
     * A copy with these host-assigned variables. They are part of the version, since the script's
     * isolate holds them.
     */
    public Script withEnv(Map<String, String> variables) {
        Map<String, String> copy = Map.copyOf(Objects.requireNonNull(variables, "env"));
        return new Script(id, tenant, name, kind, source, hash(kind, source + '\0' + new TreeMap<>(copy)), limits, copy);
    }

    /** The limits to apply: this script's own, else {@code defaults}. */
    public Limits limitsOr(Limits defaults) {
        return limits != null ? limits : defaults;
    }

    private static String hash(ScriptKind kind, String source) {
        try {
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            sha.update(kind.name().getBytes(StandardCharsets.US_ASCII));
            sha.update((byte) 0);
            sha.update(source.getBytes(StandardCharsets.UTF_8));
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

    @Override
    public String toString() {
        return "Script[" + id + " " + kind.id() + " v" + version + "]";
    }
}
