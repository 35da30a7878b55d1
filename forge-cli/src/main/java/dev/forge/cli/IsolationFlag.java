package dev.forge.cli;

import dev.forge.Confinement;
import dev.forge.EngineOptions;
import dev.forge.Isolation;

import java.util.ArrayList;
import java.util.List;

/**
 * {@code --isolation process|in-process} and {@code --confinement best-effort|required|none}, on every command
 * that runs scripts: where V8 runs, and how far the operating system confines its isolate processes. Process
 * isolation (the default) keeps a script that crashes V8 from taking the command down; in-process is the
 * fastest path, for trusted scripts. Confinement matters only with process isolation.
 *
 * <p>Thread-safety: stateless.
 */
final class IsolationFlag {

    static final String NAME = "--isolation";
    static final String CONFINEMENT = "--confinement";
    static final String USAGE = "[--isolation process|in-process] [--confinement best-effort|required|none]";

    private IsolationFlag() {
    }

    /**
     * Where V8 runs and how it is confined, as one command asks for it.
     *
     * @param isolation   where V8 runs
     * @param confinement how the isolate processes are confined (with process isolation)
     */
    record Choice(Isolation isolation, Confinement confinement) {

        /** {@code in-process}, {@code process}, or {@code process, confinement none} when it is not the default. */
        String label() {
            if (isolation == Isolation.IN_PROCESS || confinement == EngineOptions.DEFAULT_CONFINEMENT) {
                return isolation.id();
            }
            return isolation.id() + ", confinement " + confinement.id();
        }

        /** {@code options} with this isolation and confinement. */
        EngineOptions.Builder applyTo(EngineOptions.Builder options) {
            return options.isolation(isolation).confinement(confinement);
        }
    }

    /** The one choice the command line asks for; process isolation, best-effort confinement without the flags. */
    static Choice parse(Args args) {
        return single(parseAll(args));
    }

    /** The one choice of {@code all}, or a usage error naming the flag given several values. */
    static Choice single(List<Choice> all) {
        if (all.size() > 1) {
            boolean isolations = all.stream().map(Choice::isolation).distinct().count() > 1;
            String values = String.join(",", all.stream()
                    .map(c -> isolations ? c.isolation().id() : c.confinement().id()).toList());
            throw new UsageException((isolations ? NAME : CONFINEMENT) + ": give one value, got '" + values
                    + "' (only forge bench compares several)");
        }
        return all.get(0);
    }

    /**
     * The choices to compare, as {@code forge bench} takes them: a comma-separated list in one of the two flags,
     * {@code --isolation process,in-process} or {@code --confinement best-effort,none}.
     */
    static List<Choice> parseAll(Args args) {
        List<Isolation> isolations = list(args, NAME, Isolation.PROCESS.id(), Isolation::parse);
        List<Confinement> confinements = list(args, CONFINEMENT, EngineOptions.DEFAULT_CONFINEMENT.id(),
                Confinement::parse);
        if (isolations.size() > 1 && confinements.size() > 1) {
            throw new UsageException(NAME + ", " + CONFINEMENT + ": compare several values of one of them, not of both");
        }
        List<Choice> all = new ArrayList<>();
        for (Isolation i : isolations) {
            for (Confinement c : confinements) {
                all.add(new Choice(i, c));
            }
        }
        return all;
    }

    private static <T> List<T> list(Args args, String flag, String otherwise, java.util.function.Function<String, T> parse) {
        String value = args.value(flag).orElse(otherwise);
        List<T> all = new ArrayList<>();
        for (String part : value.split(",", -1)) {
            T t = ScriptOptions.flag(flag, () -> parse.apply(part));
            if (all.contains(t)) {
                throw new UsageException(flag + ": '" + part.trim() + "' is given twice in '" + value + "'");
            }
            all.add(t);
        }
        return all;
    }
}
