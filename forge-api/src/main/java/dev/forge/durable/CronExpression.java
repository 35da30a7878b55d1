package dev.forge.durable;

import dev.forge.Forge;

import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.temporal.ChronoUnit;
import java.time.zone.ZoneOffsetTransition;
import java.time.zone.ZoneRules;
import java.util.BitSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;

/**
 * When a scheduled script runs, read the way Vixie cron and cronie read a crontab line.
 *
 * <h2>Writing a schedule</h2>
 * ScriptForge's four fields are minute, hour, day of month and day of week ({@code "30 2 * 1"}: 02:30 every
 * Monday); classic cron's five put the month fourth ({@code "30 2 * * MON"}). A field takes {@code *}, a number,
 * a range {@code 1-5}, a list {@code 1,15}, and steps {@code *}{@code /15}, {@code 8-18/2} or {@code 5/15}
 * (from 5 to the end of the range). Months may be named {@code JAN}-{@code DEC} and days of week
 * {@code SUN}-{@code SAT}, in any case, in ranges and lists too. Days of week run 0-6 from Sunday; 7 is
 * Sunday too. In day of month, {@code L} is the month's last day; in either day field {@code ?} means
 * {@code *}. A whole schedule may be a nickname: {@code @yearly} (or {@code @annually}) is
 * {@code 0 0 1 1 *}, {@code @monthly} {@code 0 0 1 * *}, {@code @weekly} {@code 0 0 * * 0}, {@code @daily}
 * (or {@code @midnight}) {@code 0 0 * * *}, {@code @hourly} {@code 0 * * * *}.
 *
 * <h2>Day of month and day of week</h2>
 * When both day fields are restricted, a day that matches either runs: {@code 0 0 1 * MON} runs on the 1st and
 * on every Monday. When either field starts with {@code *} (or {@code ?}), a day must match both, so a bare
 * {@code *} leaves the other field alone to decide, and {@code 0 0 *}{@code /2 * 1} runs on Mondays that fall
 * on an odd day of the month, as cron does.
 *
 * <h2>Clock changes</h2>
 * A schedule is read on the wall clock of its zone. Like cronie, Forge tells apart fixed-time schedules
 * (neither minute nor hour starts with {@code *}, e.g. {@code 30 1 * *}) from the others:
 * <ul>
 *   <li>When the clock goes back, a fixed time in the repeated hour runs once, at its first occurrence;
 *       a schedule with {@code *} in minute or hour keeps running in the repeated hour, since it follows the
 *       clock ({@code *}{@code /30 * * *} runs at 01:00 and 01:30 twice that night).</li>
 *   <li>When the clock goes forward, a fixed time that does not exist that day (02:30 in a gap from 02:00 to
 *       03:00) runs once at the first minute after the gap (03:00), never skipped; several fixed times in one
 *       gap make that one run. Schedules with {@code *} in minute or hour skip the missing minutes.</li>
 * </ul>
 * {@link #matches} and {@link #next} agree on these rules: {@code next} returns exactly the minutes that
 * {@code matches} accepts.
 *
 * <p>Thread-safety: immutable.
 *
 * @since 0.1.0
 */
public final class CronExpression {

    private static final Map<String, String> NICKNAMES = Map.of(
            "@yearly", "0 0 1 1 *",
            "@annually", "0 0 1 1 *",
            "@monthly", "0 0 1 * *",
            "@weekly", "0 0 * * 0",
            "@daily", "0 0 * * *",
            "@midnight", "0 0 * * *",
            "@hourly", "0 * * * *");

    /** How far {@link #next} looks before it calls a schedule one that never runs (29 February fits). */
    private static final Duration HORIZON = Duration.ofDays(5 * 366);

    private enum Field {
        MINUTE("minute", 0, 59, List.of()),
        HOUR("hour", 0, 23, List.of()),
        DAY_OF_MONTH("day of month", 1, 31, List.of()),
        MONTH("month", 1, 12, List.of("JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC")),
        DAY_OF_WEEK("day of week", 0, 7, List.of("SUN", "MON", "TUE", "WED", "THU", "FRI", "SAT"));

        final String label;
        final int min;
        final int max;
        final List<String> names;

        Field(String label, int min, int max, List<String> names) {
            this.label = label;
            this.min = min;
            this.max = max;
            this.names = names;
        }

        String allowed() {
            String numbers = "a number from " + min + " to " + max;
            return names.isEmpty() ? numbers : numbers + " or a name " + names.get(0) + "-" + names.get(names.size() - 1);
        }
    }

    private final String text;
    private final ZoneId zone;
    private final ZoneRules rules;
    private final BitSet minutes;
    private final BitSet hours;
    private final BitSet daysOfMonth;
    private final boolean lastDayOfMonth;
    private final BitSet months;
    private final BitSet daysOfWeek;
    private final boolean domStar;
    private final boolean dowStar;
    /** {@code *} leads minute or hour: the schedule follows the clock through its changes (cronie's "wildcard job"). */
    private final boolean followsClock;

    private CronExpression(String text, String[] f, ZoneId zone) {
        this.text = text;
        this.zone = zone;
        this.rules = zone.getRules();
        String dom = f[2];
        String dow = f[f.length - 1];
        minutes = field(Field.MINUTE, f[0]);
        hours = field(Field.HOUR, f[1]);
        daysOfMonth = field(Field.DAY_OF_MONTH, dom);
        lastDayOfMonth = daysOfMonth.get(0);
        daysOfMonth.clear(0);
        months = field(Field.MONTH, f.length == 5 ? f[3] : "*");
        daysOfWeek = field(Field.DAY_OF_WEEK, dow);
        if (daysOfWeek.get(7)) {
            daysOfWeek.set(0);
            daysOfWeek.clear(7);
        }
        domStar = dom.startsWith("*") || dom.startsWith("?");
        dowStar = dow.startsWith("*") || dow.startsWith("?");
        followsClock = f[0].startsWith("*") || f[1].startsWith("*");
    }

    /** Parses in UTC. */
    public static CronExpression parse(String text) {
        return parse(text, ZoneId.of("UTC"));
    }

    /**
     * Parses four or five fields, or a nickname, evaluated on the wall clock of {@code zone}.
     *
     * @throws IllegalArgumentException naming the field and the value
     */
    public static CronExpression parse(String text, ZoneId zone) {
        Objects.requireNonNull(zone, "zone");
        if (text == null || text.isBlank()) {
            throw new IllegalArgumentException("schedule: empty; write minute hour day-of-month day-of-week, e.g. \"*/5 * * *\"");
        }
        String trimmed = text.trim();
        String fields = trimmed;
        if (trimmed.startsWith("@")) {
            fields = NICKNAMES.get(trimmed.toLowerCase(Locale.ROOT));
            if (fields == null) {
                throw new IllegalArgumentException("schedule: '" + trimmed + "' is not a nickname Forge knows; use one of"
                        + " @yearly, @annually, @monthly, @weekly, @daily, @midnight, @hourly, or write the fields");
            }
        }
        String[] f = fields.split("\\s+");
        if (f.length != 4 && f.length != 5) {
            throw new IllegalArgumentException("schedule: '" + trimmed + "' has " + f.length
                    + " fields; write minute hour day-of-month day-of-week (or classic cron's five), e.g. \"30 2 * 1\"");
        }
        return new CronExpression(trimmed, f, zone);
    }

    /** The field's values as bits; in day of month, bit 0 (no day) stands for {@code L}. */
    private BitSet field(Field field, String value) {
        BitSet bits = new BitSet(field.max + 1);
        for (String part : value.split(",", -1)) {
            if (part.equalsIgnoreCase("L")) {
                if (field != Field.DAY_OF_MONTH) {
                    throw fieldError(field, part, ": 'L' (the last day of the month) is only for day of month");
                }
                bits.set(0);
                continue;
            }
            int step = 1;
            String range = part;
            int slash = part.indexOf('/');
            if (slash >= 0) {
                step = number(field, part.substring(slash + 1), 1, field.max, "a step from 1 to " + field.max);
                range = part.substring(0, slash);
            }
            int from;
            int to;
            if (range.equals("*") || range.equals("?")) {
                if (range.equals("?") && field != Field.DAY_OF_MONTH && field != Field.DAY_OF_WEEK) {
                    throw fieldError(field, part, ": '?' is only for day of month and day of week");
                }
                from = field.min;
                to = field.max;
            } else if (range.contains("-")) {
                String[] ends = range.split("-", 2);
                from = value(field, ends[0]);
                to = value(field, ends[1]);
                if (from > to) {
                    throw new IllegalArgumentException("schedule: " + field.label + " range '" + part + "' runs backwards in '"
                            + text + "'; write the smaller end first");
                }
            } else {
                from = value(field, range);
                to = slash >= 0 ? field.max : from;
            }
            for (int i = from; i <= to; i += step) {
                bits.set(i);
            }
        }
        return bits;
    }

    private int value(Field field, String value) {
        int named = field.names.indexOf(value.toUpperCase(Locale.ROOT));
        if (named >= 0) {
            return named + field.min;
        }
        return number(field, value, field.min, field.max, field.allowed());
    }

    private int number(Field field, String value, int min, int max, String allowed) {
        if (!value.isEmpty() && value.chars().allMatch(c -> c >= '0' && c <= '9') && value.length() <= 4) {
            int n = Integer.parseInt(value);
            if (n >= min && n <= max) {
                return n;
            }
        }
        throw fieldError(field, value, " is not " + allowed);
    }

    private IllegalArgumentException fieldError(Field field, String value, String why) {
        return new IllegalArgumentException("schedule: " + field.label + " '" + value + "' in '" + text + "'" + why);
    }

    /** Whether the minute starting at {@code t} is a slot (clock changes as the class describes). */
    public boolean matches(ZonedDateTime t) {
        Instant minute = t.toInstant().truncatedTo(ChronoUnit.MINUTES);
        if (firesAfterGapAt(minute)) {
            return true;
        }
        ZoneOffset offset = rules.getOffset(minute);
        LocalDateTime local = LocalDateTime.ofInstant(minute, offset);
        return local.equals(nextOnClock(local, local.plusMinutes(1))) && firesAt(local, offset);
    }

    /**
     * The first slot strictly after {@code after}, to the minute, in the schedule's zone.
     *
     * @throws IllegalArgumentException if the schedule has no slot within five years (e.g. {@code 0 0 31 2 *})
     */
    public ZonedDateTime next(ZonedDateTime after) {
        Instant t = after.toInstant().truncatedTo(ChronoUnit.MINUTES).plus(Duration.ofMinutes(1));
        Instant limit = t.plus(HORIZON);
        // Walk the timeline one stretch of constant UTC offset at a time: within a stretch the wall clock runs
        // straight, so the next matching wall-clock time is the next slot unless a repeated hour forbids it.
        while (t.isBefore(limit)) {
            if (firesAfterGapAt(t)) {
                return ZonedDateTime.ofInstant(t, zone);
            }
            ZoneOffset offset = rules.getOffset(t);
            ZoneOffsetTransition change = rules.nextTransition(t);
            Instant end = change == null || change.getInstant().isAfter(limit) ? limit : change.getInstant();
            LocalDateTime localEnd = LocalDateTime.ofInstant(end, offset);
            LocalDateTime m = nextOnClock(LocalDateTime.ofInstant(t, offset), localEnd);
            while (m != null) {
                if (firesAt(m, offset)) {
                    return ZonedDateTime.ofInstant(m.toInstant(offset), zone);
                }
                m = nextOnClock(m.plusMinutes(1), localEnd);
            }
            t = end;
        }
        throw new IllegalArgumentException("schedule: '" + text + "' never runs (no slot within five years)");
    }

    /** The first wall-clock minute at or after {@code from} and before {@code until} that the fields accept. */
    private LocalDateTime nextOnClock(LocalDateTime from, LocalDateTime until) {
        LocalDateTime t = from.truncatedTo(ChronoUnit.MINUTES);
        while (t.isBefore(until)) {
            if (!months.get(t.getMonthValue())) {
                t = t.toLocalDate().withDayOfMonth(1).plusMonths(1).atStartOfDay();
            } else if (!dayMatches(t.toLocalDate())) {
                t = t.toLocalDate().plusDays(1).atStartOfDay();
            } else if (!hours.get(t.getHour())) {
                int h = hours.nextSetBit(t.getHour());
                t = h < 0 ? t.toLocalDate().plusDays(1).atStartOfDay() : t.toLocalDate().atTime(h, 0);
            } else if (!minutes.get(t.getMinute())) {
                int m = minutes.nextSetBit(t.getMinute());
                t = m < 0 ? t.truncatedTo(ChronoUnit.HOURS).plusHours(1) : t.withMinute(m);
            } else {
                return t;
            }
        }
        return null;
    }

    private boolean dayMatches(LocalDate d) {
        boolean dom = daysOfMonth.get(d.getDayOfMonth()) || lastDayOfMonth && d.getDayOfMonth() == d.lengthOfMonth();
        boolean dow = daysOfWeek.get(d.getDayOfWeek().getValue() % 7);
        return domStar || dowStar ? dom && dow : dom || dow;
    }

    /** Whether a matching wall-clock time, seen at {@code offset}, runs: a fixed time in a repeated hour runs once. */
    private boolean firesAt(LocalDateTime local, ZoneOffset offset) {
        if (followsClock) {
            return true;
        }
        ZoneOffsetTransition change = rules.getTransition(local);
        return change == null || change.getOffsetBefore().equals(offset);
    }

    /** Whether {@code t} ends a gap (the clock went forward) that swallowed a fixed time of this schedule. */
    private boolean firesAfterGapAt(Instant t) {
        if (followsClock) {
            return false;
        }
        ZoneOffsetTransition change = rules.previousTransition(t.plusNanos(1));
        return change != null && change.isGap() && change.getInstant().equals(t)
                && nextOnClock(change.getDateTimeBefore(), change.getDateTimeAfter()) != null;
    }

    public ZoneId zone() {
        return zone;
    }

    @Override
    public String toString() {
        return text;
    }
}
