package dev.forge.spi;

/**
 * Makes script engines. Found with {@link java.util.ServiceLoader} unless the host passes one to
 * {@code Forge.builder().engine(...)}. {@code forge-engine-v8} provides the V8 one.
 *
 * <p>To be found, an implementation is named in {@code META-INF/services/dev.forge.spi.ScriptEngineProvider}
 * (or {@code provides} in {@code module-info.java}) and has a public no-argument constructor. When several are
 * found, Forge logs a warning and takes the first by {@link #name()}; when none is, {@code build()} fails with
 * {@code No Forge script engine found: add dev.forge:forge-engine-v8 to the class path, or pass an engine to
 * Forge.builder().engine(...)}. The engines it makes must behave as {@link ScriptEngine} describes, which
 * {@code ScriptEngineContract} in forge-test-kit checks.
 *
 * <p>Thread-safety: {@link #create} may be called from any thread.
 *
 * @since 0.1.0
 */
public interface ScriptEngineProvider {

    /** A short name for logs and errors, e.g. {@code v8}. */
    String name();

    /**
     * A new engine with this configuration, started and ready to invoke; the caller closes it. Never
     * {@code null}: Forge refuses a provider that returns none.
     */
    ScriptEngine create(EngineConfig config);
}
