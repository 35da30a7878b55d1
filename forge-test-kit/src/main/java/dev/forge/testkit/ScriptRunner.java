package dev.forge.testkit;

import dev.forge.Forge;
import dev.forge.Script;
import dev.forge.ScriptKind;
import dev.forge.testkit.internal.TestJson;
import dev.forge.testkit.internal.Resources;

import java.util.Objects;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Loads scripts into a {@link Forge} and invokes them with fixture data; what {@link ForgeExtension} injects
 * into a test.
 *
 * <pre>{@code
 * @ForgeTest
 * class DncTest {
 *     @Test
 *     void rejectsListedNumbers(ScriptRunner runner) {
 *         runner.load("scripts/dnc.js")
 *               .invoke("{\"routing\":{\"dest_number\":\"442079460000\"}}")
 *               .assertRejected(604, "Number on DNC List");
 *     }
 * }
 * }</pre>
 *
 * <p>Scripts are stored as {@code tenant/name}; resources and {@code @fixture} data are read from the
 * class loader given at creation (the test class's).
 *
 * <p>Thread-safety: thread-safe, like the {@link Forge} it wraps.
 *
 * @since 0.1.0
 */
public final class ScriptRunner {

    /** The data ScriptForge suggests when a script needs some: {@code {"routing":{}}}. */
    public static final String DEFAULT_DATA = "{\"routing\":{}}";

    /** The tenant scripts are stored under unless another is given. */
    public static final String DEFAULT_TENANT = "test";

    private final Forge forge;
    private final String tenant;
    private final ClassLoader loader;
    private final AtomicInteger inline = new AtomicInteger();

    private ScriptRunner(Forge forge, String tenant, ClassLoader loader) {
        this.forge = Objects.requireNonNull(forge, "forge");
        this.tenant = Objects.requireNonNull(tenant, "tenant");
        this.loader = Objects.requireNonNull(loader, "loader");
        if (tenant.isBlank()) {
            throw new IllegalArgumentException("tenant: required, got '" + tenant + "'");
        }
    }

    /** A runner over a Forge the caller owns, with tenant {@value #DEFAULT_TENANT} and this thread's class loader. */
    public static ScriptRunner of(Forge forge) {
        return of(forge, DEFAULT_TENANT, Thread.currentThread().getContextClassLoader());
    }

    /** A runner over a Forge the caller owns; it never closes the Forge. */
    public static ScriptRunner of(Forge forge, String tenant, ClassLoader loader) {
        return new ScriptRunner(forge, tenant, loader);
    }

    public Forge forge() {
        return forge;
    }

    /** Loads a Script-kind script from a class path resource; its name is the resource path. */
    public LoadedScript load(String resource) {
        return load(resource, ScriptKind.SCRIPT);
    }

    /** Loads a script of the given kind from a class path resource. */
    public LoadedScript load(String resource, ScriptKind kind) {
        return script(resource, kind, Resources.read(loader, "resource", resource));
    }

    /** Loads a Script-kind script from source text, under a fresh name. */
    public LoadedScript script(String source) {
        return script(ScriptKind.SCRIPT, source);
    }

    /** Loads an App-kind script (its main may return a promise) from source text, under a fresh name. */
    public LoadedScript app(String source) {
        return script(ScriptKind.APP, source);
    }

    /** Loads a script of this kind from source text, under a fresh name. */
    public LoadedScript script(ScriptKind kind, String source) {
        return script("inline-" + inline.incrementAndGet() + ".js", kind, source);
    }

    /** Loads (or replaces) the script {@code tenant/name}. */
    public LoadedScript script(String name, ScriptKind kind, String source) {
        Script script = forge.load(Script.of(tenant, name, kind, source));
        return new LoadedScript(this, script, null, null);
    }

    /** Resolves fixture data: JSON text, or {@code @path} of a class path resource; checked to be JSON. */
    String data(String dataOrResource) {
        Objects.requireNonNull(dataOrResource, "data");
        String text = dataOrResource.startsWith("@")
                ? Resources.read(loader, "data", dataOrResource.substring(1))
                : dataOrResource;
        TestJson.parse("data", text);
        return text;
    }
}
