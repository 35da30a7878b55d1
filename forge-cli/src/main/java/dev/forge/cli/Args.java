package dev.forge.cli;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/**
 * One command's arguments: positionals, {@code --flag value} / {@code --flag=value} options and
 * {@code --switch}es, checked against the flags the command declares.
 *
 * <p>Thread-safety: not thread-safe; made and read by one thread.
 */
final class Args {

    private final String command;
    private final List<String> positionals = new ArrayList<>();
    private final Map<String, String> values = new LinkedHashMap<>();
    private final Map<String, List<String>> repeated = new LinkedHashMap<>();

    private Args(String command) {
        this.command = command;
    }

    /**
     * Parses {@code tokens} for {@code command}.
     *
     * @param valueFlags flags that take a value, e.g. {@code --data}
     * @param switches   flags that take none, e.g. {@code --json}
     * @throws UsageException for an unknown or repeated flag, or a flag without its value
     */
    static Args parse(String command, List<String> tokens, Set<String> valueFlags, Set<String> switches) {
        return parse(command, tokens, valueFlags, switches, Set.of());
    }

    /**
     * As {@link #parse(String, List, Set, Set)}, where the flags in {@code repeatable} (a subset of
     * {@code valueFlags}) may be given any number of times, e.g. {@code --env A=1 --env B=2}.
     */
    static Args parse(String command, List<String> tokens, Set<String> valueFlags, Set<String> switches,
                      Set<String> repeatable) {
        Args args = new Args(command);
        for (int i = 0; i < tokens.size(); i++) {
            String token = tokens.get(i);
            if (!token.startsWith("--") || token.equals("--")) {
                args.positionals.add(token);
                continue;
            }
            int eq = token.indexOf('=');
            String flag = eq < 0 ? token : token.substring(0, eq);
            String value;
            if (switches.contains(flag)) {
                if (eq >= 0) {
                    throw new UsageException(flag + ": takes no value, got '" + token.substring(eq + 1) + "'");
                }
                value = "true";
            } else if (valueFlags.contains(flag)) {
                if (eq >= 0) {
                    value = token.substring(eq + 1);
                } else if (i + 1 < tokens.size()) {
                    value = tokens.get(++i);
                } else {
                    throw new UsageException(flag + ": missing value");
                }
            } else {
                Set<String> known = new TreeSet<>(valueFlags);
                known.addAll(switches);
                throw new UsageException("unknown flag '" + flag + "' for forge " + command
                        + (known.isEmpty() ? "; it takes no flags" : "; known flags: " + String.join(", ", known)));
            }
            if (repeatable.contains(flag)) {
                args.repeated.computeIfAbsent(flag, f -> new ArrayList<>()).add(value);
            } else if (args.values.put(flag, value) != null) {
                throw new UsageException(flag + ": given twice; give it once");
            }
        }
        return args;
    }

    List<String> positionals() {
        return positionals;
    }

    /** The single positional argument, named {@code what} in errors. */
    String onePositional(String what) {
        if (positionals.isEmpty()) {
            throw new UsageException("missing " + what + "; usage: forge " + command + " " + what + " [options]");
        }
        if (positionals.size() > 1) {
            throw new UsageException("expected one " + what + ", got " + positionals.size() + ": " + positionals);
        }
        return positionals.get(0);
    }

    void noPositionals() {
        if (!positionals.isEmpty()) {
            throw new UsageException("forge " + command + " takes no arguments, got " + positionals);
        }
    }

    Optional<String> value(String flag) {
        return Optional.ofNullable(values.get(flag));
    }

    /** Every value of a repeatable flag, in order; empty if not given. */
    List<String> values(String flag) {
        return List.copyOf(repeated.getOrDefault(flag, List.of()));
    }

    boolean has(String flag) {
        return values.containsKey(flag);
    }

    /** A positive whole number, e.g. {@code --threads 4}. */
    int positiveInt(String flag, int fallback) {
        String text = values.get(flag);
        return text == null ? fallback : wholeNumber(flag, text, 1, Integer.MAX_VALUE, "a positive whole number");
    }

    /**
     * {@code text} as a whole number from {@code min} to {@code max}; otherwise a usage error
     * {@code "<flag>: must be <expected>, got '<text>'"}.
     */
    static int wholeNumber(String flag, String text, int min, int max, String expected) {
        try {
            int n = Integer.parseInt(text.trim());
            if (n >= min && n <= max) {
                return n;
            }
        } catch (NumberFormatException e) {
            // reported below with the value
        }
        throw new UsageException(flag + ": must be " + expected + ", got '" + text + "'");
    }

    /** A number of seconds, at least {@code min}, e.g. {@code --seconds 2.5}. */
    double seconds(String flag, double fallback, double min) {
        String text = values.get(flag);
        if (text == null) {
            return fallback;
        }
        String t = text.trim().endsWith("s") ? text.trim().substring(0, text.trim().length() - 1) : text.trim();
        try {
            double n = Double.parseDouble(t);
            if (n >= min && Double.isFinite(n)) {
                return n;
            }
        } catch (NumberFormatException e) {
            // reported below with the value
        }
        throw new UsageException(flag + ": must be a number of seconds" + (min > 0 ? " above 0" : ", 0 or more")
                + ", got '" + text + "'");
    }
}
