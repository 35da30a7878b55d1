package dev.forge.spi;

import java.util.Optional;
import java.util.SortedSet;

/**
 * Where an App's {@code require(name)} and {@code import ... from 'name'} are resolved, per tenant. A name
 * that the registry does not know fails, with the names it does know in the message.
 * {@link dev.forge.DefaultModuleRegistry} serves a curated allowlist and the host's own modules.
 *
 * <p>Thread-safety: implementations must be thread-safe.
 *
 * @since 0.1.0
 */
public interface ModuleRegistry {

    /** The module's CommonJS source for this tenant, if allowed. */
    Optional<ModuleSource> find(String tenant, String name);

    /** Every name this tenant may load, for error messages. */
    SortedSet<String> names(String tenant);

    /**
     * One module's source.
     *
     * @param name   the name scripts use
     * @param source CommonJS (or UMD) JavaScript: it assigns {@code module.exports}
     */
    record ModuleSource(String name, String source) {
        public ModuleSource {
            if (name == null || name.isBlank()) {
                throw new IllegalArgumentException("name: a module needs a name");
            }
            if (source == null) {
                throw new IllegalArgumentException("source: missing for module '" + name + "'");
            }
        }
    }
}
