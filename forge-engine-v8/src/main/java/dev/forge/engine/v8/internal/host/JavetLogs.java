package dev.forge.engine.v8.internal.host;

import com.caoccao.javet.interfaces.IJavetLogger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sends Javet's own log lines to SLF4J at DEBUG, so that an embedding host sees nothing from V8 on
 * stderr unless it asks (Javet otherwise writes through java.util.logging). In-process only.
 *
 * <p>Thread-safety: stateless.
 */
final class JavetLogs implements IJavetLogger {

    static final JavetLogs INSTANCE = new JavetLogs();
    private static final Logger LOG = LoggerFactory.getLogger("forge.v8.javet");

    private JavetLogs() {
    }

    @Override
    public void debug(String message) {
        LOG.debug(message);
    }

    @Override
    public void error(String message) {
        LOG.debug(message);
    }

    @Override
    public void error(String message, Throwable cause) {
        LOG.debug(message, cause);
    }

    @Override
    public void info(String message) {
        LOG.debug(message);
    }

    @Override
    public void warn(String message) {
        LOG.debug(message);
    }
}
