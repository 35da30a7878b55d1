package dev.forge.spi;

/**
 * Makes script engines. Found with {@link java.util.ServiceLoader} unless the host passes one to
 * {@code Forge.builder().engine(...)}. {@code forge-engine-v8} provides the V8 one.
 *
 * <p>Thread-safety: {@link #create} may be called from any thread.
 *
 * @since 0.1.0
 */
public interface ScriptEngineProvider {

    /** A short name for logs and errors, e.g. {@code v8}. */
    String name();

    /** A new engine; the caller closes it. */
    ScriptEngine create(EngineConfig config);
}
