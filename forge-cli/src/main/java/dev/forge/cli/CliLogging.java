package dev.forge.cli;

/**
 * Points slf4j-simple at stderr with a short format, so that stdout carries only the command's result.
 * Scripts' {@code console.log} lines reach SLF4J as loggers named {@code forge.script...}; they show at INFO.
 *
 * <p>Must run before the first logger is made: slf4j-simple reads these properties once. A property the
 * user set ({@code -Dorg.slf4j.simpleLogger...}) is left alone.
 *
 * <p>Thread-safety: call from {@code main} before other threads start.
 */
final class CliLogging {

    private static final String PREFIX = "org.slf4j.simpleLogger.";

    private CliLogging() {
    }

    static void configure() {
        setDefault("logFile", "System.err");
        setDefault("showThreadName", "false");
        setDefault("showDateTime", "false");
        setDefault("showLogName", "false");
        setDefault("showShortLogName", "false");
        setDefault("levelInBrackets", "true");
        setDefault("defaultLogLevel", "info");
        // Forge's own WARNs about contained scripts would drown the demo's table; errors still show.
        setDefault("log.dev.forge", "error");
    }

    private static void setDefault(String key, String value) {
        if (System.getProperty(PREFIX + key) == null) {
            System.setProperty(PREFIX + key, value);
        }
    }
}
