package dev.forge;

import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.time.temporal.ChronoUnit;
import java.util.BitSet;
import java.util.Objects;

/**
 * When a scheduled script runs, in ScriptForge's terms: minute, hour, day of month and day of week
 * ({@code "30 2 * 1"}: 02:30 every Monday), or the five fields of classic cron with the month fourth
 * ({@code "30 2 * * 1"}). Each field takes {@code *}, a number, a range {@code 1-5}, a list {@code 1,15},
 * and steps {@code *}{@code /15} or {@code 8-18/2}. Days of week run 0-6 from Sunday (7 is Sunday too).
 * As in cron, when both day of month and day of week are restricted, a day matching either runs.
 *
 * <p>Thread-safety: immutable.
 *
 * @since 0.1.0
 */
public final class CronExpression {

    private final String text;
    private final BitSet minutes;
    private final BitSet hours;
    private final BitSet daysOfMonth;
    private final BitSet months;
    private final BitSet daysOfWeek;
    private final boolean domRestricted;
    private final boolean dowRestricted;
    private final ZoneId zone;

    private CronExpression(String text, String[] f, ZoneId zone) {
        this.text = text;
        this.zone = zone;
        minutes = field("minute", f[0], 0, 59);
        hours = field("hour", f[1], 0, 23);
        daysOfMonth = field("day of month", f[2], 1, 31);
        months = f.length == 5 ? field("month", f[3], 1, 12) : field("month", "*", 1, 12);
        BitSet dow = field("day of week", f[f.length - 1], 0, 7);
        if (dow.get(7)) {
            dow.set(0);
            dow.clear(7);
        }
        daysOfWeek = dow;
        domRestricted = !f[2].equals("*");
        dowRestricted = !f[f.length - 1].equals("*");
    }

    /** Parses in UTC. */
    public static CronExpression parse(String text) {
        return parse(text, ZoneId.of("UTC"));
    }

    /**
     * Parses four or five fields, evaluated in {@code zone}.
     *
     * @throws IllegalArgumentException naming the field and the value
     */
    public static CronExpression parse(String text, ZoneId zone) {
        Objects.requireNonNull(zone, "zone");
        if (text == null || text.isBlank()) {
            throw new IllegalArgumentException("schedule: empty; write minute hour day-of-month day-of-week, e.g. \"*/5 * * *\"");
        }
        String[] f = text.trim().split("\\s+");
        if (f.length != 4 && f.length != 5) {
            throw new IllegalArgumentException("schedule: '" + text + "' has " + f.length
                    + " fields; write minute hour day-of-month day-of-week (or classic cron's five), e.g. \"30 2 * 1\"");
        }
        return new CronExpression(text.trim(), f, zone);
    }

    private BitSet field(String name, String value, int min, int max) {
        BitSet bits = new BitSet(max + 1);
        for (String part : value.split(",")) {
            int step = 1;
            String range = part;
            int slash = part.indexOf('/');
            if (slash >= 0) {
                step = number(name, part.substring(slash + 1), 1, max);
                range = part.substring(0, slash);
            }
            int from;
            int to;
            if (range.equals("*")) {
                from = min;
                to = max;
            } else if (range.contains("-")) {
                String[] ends = range.split("-", 2);
                from = number(name, ends[0], min, max);
                to = number(name, ends[1], min, max);
                if (from > to) {
                    throw new IllegalArgumentException("schedule: " + name + " range '" + range + "' runs backwards in '" + text + "'");
                }
            } else {
                from = number(name, range, min, max);
                to = slash >= 0 ? max : from;
            }
            for (int i = from; i <= to; i += step) {
                bits.set(i);
            }
        }
        return bits;
    }

    private int number(String name, String value, int min, int max) {
        try {
            int n = Integer.parseInt(value);
            if (n >= min && n <= max) {
                return n;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw new IllegalArgumentException("schedule: " + name + " '" + value + "' in '" + text + "' is not a number from "
                + min + " to " + max);
    }

    /** Whether the minute starting at {@code t} is a slot. */
    public boolean matches(ZonedDateTime t) {
        ZonedDateTime z = t.withZoneSameInstant(zone);
        if (!minutes.get(z.getMinute()) || !hours.get(z.getHour()) || !months.get(z.getMonthValue())) {
            return false;
        }
        boolean dom = daysOfMonth.get(z.getDayOfMonth());
        boolean dow = daysOfWeek.get(z.getDayOfWeek().getValue() % 7);
        if (domRestricted && dowRestricted) {
            return dom || dow;
        }
        return dom && dow;
    }

    /** The first slot strictly after {@code after}, to the minute. */
    public ZonedDateTime next(ZonedDateTime after) {
        ZonedDateTime t = after.withZoneSameInstant(zone).truncatedTo(ChronoUnit.MINUTES).plusMinutes(1);
        ZonedDateTime limit = t.plusYears(5);
        while (t.isBefore(limit)) {
            if (!months.get(t.getMonthValue())) {
                t = t.withDayOfMonth(1).withHour(0).withMinute(0).plusMonths(1);
            } else if (!dayMatches(t)) {
                t = t.withHour(0).withMinute(0).plusDays(1);
            } else if (!hours.get(t.getHour())) {
                t = t.withMinute(0).plusHours(1);
            } else if (!minutes.get(t.getMinute())) {
                t = t.plusMinutes(1);
            } else {
                return t;
            }
        }
        throw new IllegalArgumentException("schedule: '" + text + "' never runs (no slot within five years)");
    }

    private boolean dayMatches(ZonedDateTime z) {
        boolean dom = daysOfMonth.get(z.getDayOfMonth());
        boolean dow = daysOfWeek.get(z.getDayOfWeek().getValue() % 7);
        return domRestricted && dowRestricted ? dom || dow : dom && dow;
    }

    public ZoneId zone() {
        return zone;
    }

    @Override
    public String toString() {
        return text;
    }
}
