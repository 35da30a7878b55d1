package dev.forge.engine.v8.logs;

import org.slf4j.ILoggerFactory;
import org.slf4j.IMarkerFactory;
import org.slf4j.Logger;
import org.slf4j.Marker;
import org.slf4j.event.Level;
import org.slf4j.helpers.AbstractLogger;
import org.slf4j.helpers.BasicMDCAdapter;
import org.slf4j.helpers.BasicMarkerFactory;
import org.slf4j.helpers.MessageFormatter;
import org.slf4j.spi.MDCAdapter;
import org.slf4j.spi.SLF4JServiceProvider;

import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A test-only SLF4J provider that keeps every log event (all levels) with a copy of the MDC, so tests can
 * assert what scripts printed and under which tenant, script and call id, and what was never logged. Shared
 * with other modules' tests through this module's test-jar.
 */
public final class CapturedLogs implements SLF4JServiceProvider {

    /** One captured event; {@code thrown} is the logged throwable's text, or null. */
    public record Event(String logger, Level level, String message, Map<String, String> mdc, String thrown) {
        /** {@code LEVEL logger message}, and the throwable when there was one. */
        @Override
        public String toString() {
            return level + " " + logger + " " + message + (thrown == null ? "" : " " + thrown);
        }
    }

    private static final List<Event> EVENTS = new CopyOnWriteArrayList<>();
    private static final BasicMDCAdapter MDC = new BasicMDCAdapter();
    private final Map<String, Logger> loggers = new ConcurrentHashMap<>();
    private final ILoggerFactory factory = name -> loggers.computeIfAbsent(name, CapturingLogger::new);
    private final IMarkerFactory markers = new BasicMarkerFactory();

    public static List<Event> events() {
        return List.copyOf(EVENTS);
    }

    /** Events of loggers whose name starts with {@code prefix}. */
    public static List<Event> from(String prefix) {
        return EVENTS.stream().filter(e -> e.logger().startsWith(prefix)).toList();
    }

    /** Every event so far, one per line of text. */
    public static String text() {
        StringBuilder b = new StringBuilder();
        EVENTS.forEach(e -> b.append(e).append('\n'));
        return b.toString();
    }

    public static void clear() {
        EVENTS.clear();
    }

    @Override
    public ILoggerFactory getLoggerFactory() {
        return factory;
    }

    @Override
    public IMarkerFactory getMarkerFactory() {
        return markers;
    }

    @Override
    public MDCAdapter getMDCAdapter() {
        return MDC;
    }

    @Override
    public String getRequestedApiVersion() {
        return "2.0.99";
    }

    @Override
    public void initialize() {
    }

    private static final class CapturingLogger extends AbstractLogger {
        private static final long serialVersionUID = 1L;

        /** Whether this is one of Forge's loggers: only theirs are kept at DEBUG (libraries such as Jetty log a lot). */
        private final boolean forges;

        CapturingLogger(String name) {
            this.name = name;
            this.forges = name.startsWith("forge") || name.startsWith("dev.forge");
        }

        @Override
        protected String getFullyQualifiedCallerName() {
            return null;
        }

        @Override
        protected void handleNormalizedLoggingCall(Level level, Marker marker, String pattern, Object[] args,
                                                   Throwable t) {
            Map<String, String> mdc = MDC.getCopyOfContextMap();
            EVENTS.add(new Event(name, level, MessageFormatter.basicArrayFormat(pattern, args),
                    mdc == null ? Map.of() : Map.copyOf(mdc), t == null ? null : t.toString()));
        }

        @Override
        public boolean isTraceEnabled() {
            return false;
        }

        @Override
        public boolean isTraceEnabled(Marker marker) {
            return false;
        }

        @Override
        public boolean isDebugEnabled() {
            return forges;
        }

        @Override
        public boolean isDebugEnabled(Marker marker) {
            return forges;
        }

        @Override
        public boolean isInfoEnabled() {
            return true;
        }

        @Override
        public boolean isInfoEnabled(Marker marker) {
            return true;
        }

        @Override
        public boolean isWarnEnabled() {
            return true;
        }

        @Override
        public boolean isWarnEnabled(Marker marker) {
            return true;
        }

        @Override
        public boolean isErrorEnabled() {
            return true;
        }

        @Override
        public boolean isErrorEnabled(Marker marker) {
            return true;
        }
    }
}
