package dev.forge.engine.v8.internal.child;

import com.caoccao.javet.interfaces.IJavetLogger;

/**
 * Drops Javet's own log lines. An isolate process has no logging of its own (its stderr reaches the host's
 * DEBUG log); in-process the engine sends them to SLF4J instead.
 *
 * <p>Thread-safety: stateless.
 */
final class QuietJavetLogs implements IJavetLogger {

    static final QuietJavetLogs INSTANCE = new QuietJavetLogs();

    private QuietJavetLogs() {
    }

    @Override
    public void debug(String message) {
    }

    @Override
    public void error(String message) {
    }

    @Override
    public void error(String message, Throwable cause) {
    }

    @Override
    public void info(String message) {
    }

    @Override
    public void warn(String message) {
    }
}
