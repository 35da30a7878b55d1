package dev.forge.durable;

import dev.forge.Forge;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import org.junit.jupiter.api.Test;

import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class CronExpressionTest {

    private static final ZoneId NEW_YORK = ZoneId.of("America/New_York");
    private static final ZoneId LONDON = ZoneId.of("Europe/London");

    private static ZonedDateTime at(String iso) {
        return ZonedDateTime.parse(iso);
    }

    @Test
    void scriptForgesFourFields() {
        CronExpression mondays = CronExpression.parse("30 2 * 1");
        assertEquals(at("2026-11-23T02:30Z[UTC]"), mondays.next(at("2026-11-22T10:00Z[UTC]")));
        assertEquals(at("2026-11-30T02:30Z[UTC]"), mondays.next(at("2026-11-23T02:30Z[UTC]")));
    }

    @Test
    void stepsRangesAndLists() {
        CronExpression every15 = CronExpression.parse("*/15 8-18/2 * *");
        assertEquals(at("2026-11-22T10:15Z[UTC]"), every15.next(at("2026-11-22T10:00Z[UTC]")));
        assertEquals(at("2026-11-22T12:00Z[UTC]"), every15.next(at("2026-11-22T10:45Z[UTC]")));
        assertEquals(at("2026-11-23T08:00Z[UTC]"), every15.next(at("2026-11-22T18:45Z[UTC]")));
        CronExpression list = CronExpression.parse("0 9 1,15 *");
        assertEquals(at("2026-12-01T09:00Z[UTC]"), list.next(at("2026-11-22T10:00Z[UTC]")));
    }

    @Test
    void dayOfMonthOrDayOfWeekWhenBothAreSet() {
        CronExpression either = CronExpression.parse("0 0 1 0");
        assertEquals(at("2026-11-29T00:00Z[UTC]"), either.next(at("2026-11-22T10:00Z[UTC]")), "a Sunday");
        assertEquals(at("2026-12-01T00:00Z[UTC]"), either.next(at("2026-11-29T00:00Z[UTC]")), "the 1st");
        assertTrue(CronExpression.parse("0 0 * 7").matches(at("2026-11-22T00:00Z[UTC]")), "7 is Sunday");
    }

    @Test
    void classicFiveFieldsWithMonthAndAZone() {
        CronExpression newYear = CronExpression.parse("0 0 1 1 *", ZoneId.of("Europe/London"));
        assertEquals(at("2027-01-01T00:00Z[Europe/London]"), newYear.next(at("2026-11-22T10:00Z[UTC]")));
    }

    @Test
    void badSchedulesNameTheField() {
        assertEquals("schedule: minute '61' in '61 * * *' is not a number from 0 to 59",
                assertThrows(IllegalArgumentException.class, () -> CronExpression.parse("61 * * *")).getMessage());
        assertTrue(assertThrows(IllegalArgumentException.class, () -> CronExpression.parse("* *")).getMessage()
                .contains("has 2 fields"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> CronExpression.parse("0 5-2 * *")).getMessage()
                .contains("runs backwards"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> CronExpression.parse("0 0 31 2 *").next(at("2026-01-01T00:00Z[UTC]")))
                .getMessage().contains("never runs"));
    }

    @Property
    void nextIsAMatchingMinuteAfterTheGivenTime(@ForAll @IntRange(min = 0, max = 59) int minute,
                                                @ForAll @IntRange(min = 1, max = 12) int step,
                                                @ForAll @IntRange(min = 0, max = 500_000) int offsetMinutes) {
        CronExpression cron = CronExpression.parse(minute + "/" + step + " * * *");
        ZonedDateTime from = at("2026-01-01T00:00Z[UTC]").plusMinutes(offsetMinutes);
        ZonedDateTime next = cron.next(from);
        assertTrue(next.isAfter(from));
        assertTrue(cron.matches(next));
        for (ZonedDateTime t = from.plusMinutes(1); t.isBefore(next); t = t.plusMinutes(1)) {
            assertFalse(cron.matches(t), "no slot is skipped");
        }
    }

    /** Every slot in [from, until), by {@link CronExpression#next}. */
    private static List<ZonedDateTime> slots(CronExpression cron, String from, String until) {
        List<ZonedDateTime> out = new ArrayList<>();
        ZonedDateTime end = at(until);
        for (ZonedDateTime t = cron.next(at(from).minusMinutes(1)); t.isBefore(end); t = cron.next(t)) {
            out.add(t);
        }
        return out;
    }

    // New York's clock goes back at 02:00 EDT on 2026-11-01 (01:00-01:59 happens twice) and forward at
    // 02:00 EST on 2026-03-08 (02:00-02:59 never happens); London's at 02:00 BST on 2026-10-25 and 01:00 GMT
    // on 2026-03-29.

    @Test
    void aFixedTimeInTheRepeatedHourRunsOnce() {
        CronExpression ny = CronExpression.parse("30 1 * * *", NEW_YORK);
        assertEquals(List.of(at("2026-10-31T01:30-04:00[America/New_York]"), at("2026-11-01T01:30-04:00[America/New_York]"),
                        at("2026-11-02T01:30-05:00[America/New_York]")),
                slots(ny, "2026-10-31T00:00-04:00[America/New_York]", "2026-11-03T00:00-05:00[America/New_York]"));
        assertTrue(ny.matches(at("2026-11-01T05:30Z[UTC]")), "01:30 EDT, the first time");
        assertFalse(ny.matches(at("2026-11-01T06:30Z[UTC]")), "01:30 EST, the repeat");
        assertEquals(at("2026-11-02T01:30-05:00[America/New_York]"), ny.next(at("2026-11-01T01:10-05:00[America/New_York]")));

        CronExpression london = CronExpression.parse("30 1 * *", LONDON);
        assertEquals(List.of(at("2026-10-25T00:30Z[UTC]").withZoneSameInstant(LONDON), at("2026-10-26T01:30Z[UTC]").withZoneSameInstant(LONDON)),
                slots(london, "2026-10-25T00:00+01:00[Europe/London]", "2026-10-27T00:00Z[Europe/London]"));
    }

    @Test
    void aScheduleWithAStarInMinuteOrHourFollowsTheClockThroughTheRepeatedHour() {
        CronExpression halfHours = CronExpression.parse("*/30 * * *", NEW_YORK);
        assertEquals(List.of(at("2026-11-01T00:30-04:00[America/New_York]"), at("2026-11-01T01:00-04:00[America/New_York]"),
                        at("2026-11-01T01:30-04:00[America/New_York]"), at("2026-11-01T01:00-05:00[America/New_York]"),
                        at("2026-11-01T01:30-05:00[America/New_York]"), at("2026-11-01T02:00-05:00[America/New_York]")),
                slots(halfHours, "2026-11-01T00:30-04:00[America/New_York]", "2026-11-01T02:30-05:00[America/New_York]"));
        CronExpression hourly = CronExpression.parse("@hourly", NEW_YORK);
        assertEquals(at("2026-11-01T01:00-05:00[America/New_York]"), hourly.next(at("2026-11-01T01:00-04:00[America/New_York]")));
    }

    @Test
    void aFixedTimeInTheSkippedHourRunsAtTheFirstMinuteAfterIt() {
        CronExpression ny = CronExpression.parse("30 2 * * *", NEW_YORK);
        assertEquals(List.of(at("2026-03-07T02:30-05:00[America/New_York]"), at("2026-03-08T03:00-04:00[America/New_York]"),
                        at("2026-03-09T02:30-04:00[America/New_York]")),
                slots(ny, "2026-03-07T00:00-05:00[America/New_York]", "2026-03-10T00:00-04:00[America/New_York]"));
        assertTrue(ny.matches(at("2026-03-08T07:00Z[UTC]")), "03:00 EDT stands in for 02:30");
        assertFalse(ny.matches(at("2026-03-08T07:30Z[UTC]")), "03:30 EDT is not 02:30");
        assertEquals(at("2026-03-08T03:00-04:00[America/New_York]"), ny.next(at("2026-03-08T01:59-05:00[America/New_York]")),
                "the gap's end is the very next minute");

        CronExpression london = CronExpression.parse("30 1 * *", LONDON);
        assertEquals(at("2026-03-29T02:00+01:00[Europe/London]"), london.next(at("2026-03-29T00:00Z[Europe/London]")));
    }

    @Test
    void severalFixedTimesInOneGapMakeOneRun() {
        CronExpression twice = CronExpression.parse("0,30 2 * *", NEW_YORK);
        assertEquals(List.of(at("2026-03-08T03:00-04:00[America/New_York]"), at("2026-03-09T02:00-04:00[America/New_York]")),
                slots(twice, "2026-03-08T00:00-05:00[America/New_York]", "2026-03-09T02:30-04:00[America/New_York]"));
        CronExpression twoAndThree = CronExpression.parse("0 2,3 * *", NEW_YORK);
        assertEquals(List.of(at("2026-03-08T03:00-04:00[America/New_York]"), at("2026-03-09T02:00-04:00[America/New_York]")),
                slots(twoAndThree, "2026-03-08T00:00-05:00[America/New_York]", "2026-03-09T03:00-04:00[America/New_York]"));
    }

    @Test
    void aScheduleWithAStarSkipsTheMinutesThatDoNotExist() {
        CronExpression halfHours = CronExpression.parse("*/30 * * *", NEW_YORK);
        assertEquals(List.of(at("2026-03-08T01:30-05:00[America/New_York]"), at("2026-03-08T03:00-04:00[America/New_York]")),
                slots(halfHours, "2026-03-08T01:30-05:00[America/New_York]", "2026-03-08T03:30-04:00[America/New_York]"));
    }

    @Test
    void monthAndDayNamesInAnyCaseInRangesAndLists() {
        assertEquals(at("2026-11-23T09:00Z[UTC]"), CronExpression.parse("0 9 * * MON").next(at("2026-11-22T10:00Z[UTC]")));
        assertEquals(at("2027-01-01T09:00Z[UTC]"), CronExpression.parse("0 9 1 JAN *").next(at("2026-11-22T10:00Z[UTC]")));
        CronExpression weekdays = CronExpression.parse("0 9 * * mon-Fri");
        assertEquals(at("2026-11-23T09:00Z[UTC]"), weekdays.next(at("2026-11-20T10:00Z[UTC]")), "Friday 10:00 to Monday");
        CronExpression halfYears = CronExpression.parse("0 0 1 jan,JUL *");
        assertEquals(at("2027-07-01T00:00Z[UTC]"), halfYears.next(at("2027-01-01T00:00Z[UTC]")));
        assertEquals(CronExpression.parse("0 0 * * 6-7").next(at("2026-11-23T00:00Z[UTC]")),
                CronExpression.parse("0 0 * * SAT,SUN").next(at("2026-11-23T00:00Z[UTC]")));
    }

    @Test
    void nicknames() {
        ZonedDateTime from = at("2026-11-22T10:20Z[UTC]"); // a Sunday
        assertEquals(at("2026-11-23T00:00Z[UTC]"), CronExpression.parse("@daily").next(from));
        assertEquals(at("2026-11-23T00:00Z[UTC]"), CronExpression.parse("@midnight").next(from));
        assertEquals(at("2026-11-22T11:00Z[UTC]"), CronExpression.parse("@hourly").next(from));
        assertEquals(at("2026-11-29T00:00Z[UTC]"), CronExpression.parse("@weekly").next(from), "Sundays");
        assertEquals(at("2026-12-01T00:00Z[UTC]"), CronExpression.parse("@monthly").next(from));
        assertEquals(at("2027-01-01T00:00Z[UTC]"), CronExpression.parse("@yearly").next(from));
        assertEquals(at("2027-01-01T00:00Z[UTC]"), CronExpression.parse(" @Annually ").next(from));
        assertEquals("@daily", CronExpression.parse("@daily").toString(), "the schedule reads as written");
        assertEquals("schedule: '@reboot' is not a nickname Forge knows; use one of @yearly, @annually, @monthly,"
                        + " @weekly, @daily, @midnight, @hourly, or write the fields",
                assertThrows(IllegalArgumentException.class, () -> CronExpression.parse("@reboot")).getMessage());
    }

    @Test
    void lastDayOfTheMonth() {
        CronExpression last = CronExpression.parse("0 0 L * *");
        assertEquals(List.of(at("2028-01-31T00:00Z[UTC]"), at("2028-02-29T00:00Z[UTC]"), at("2028-03-31T00:00Z[UTC]"),
                        at("2028-04-30T00:00Z[UTC]")),
                slots(last, "2028-01-01T00:00Z[UTC]", "2028-05-01T00:00Z[UTC]"));
        assertEquals(at("2026-02-28T00:00Z[UTC]"), CronExpression.parse("0 0 l 2 *").next(at("2026-01-01T00:00Z[UTC]")));
        CronExpression firstAndLast = CronExpression.parse("0 0 1,L *");
        assertEquals(List.of(at("2026-04-01T00:00Z[UTC]"), at("2026-04-30T00:00Z[UTC]"), at("2026-05-01T00:00Z[UTC]")),
                slots(firstAndLast, "2026-04-01T00:00Z[UTC]", "2026-05-02T00:00Z[UTC]"));
        assertEquals("schedule: day of week 'L' in '0 0 * * L': 'L' (the last day of the month) is only for day of month",
                assertThrows(IllegalArgumentException.class, () -> CronExpression.parse("0 0 * * L")).getMessage());
    }

    @Test
    void questionMarkIsAStarInTheDayFields() {
        ZonedDateTime from = at("2026-11-22T10:00Z[UTC]");
        assertEquals(CronExpression.parse("0 0 * * MON").next(from), CronExpression.parse("0 0 ? * MON").next(from));
        assertEquals(at("2026-12-01T00:00Z[UTC]"), CronExpression.parse("0 0 1 * ?").next(from), "the 1st only, not every day");
        assertEquals("schedule: hour '?' in '0 ? * *': '?' is only for day of month and day of week",
                assertThrows(IllegalArgumentException.class, () -> CronExpression.parse("0 ? * *")).getMessage());
    }

    @Test
    void aDayFieldLedByAStarNarrowsTheOtherInsteadOfWideningIt() {
        // cron: either day field starting with '*' makes the two fields ANDed, so */2 (odd days) and Monday
        // together are the Mondays that fall on an odd day: 9 and 23 February 2026, then 9 March
        CronExpression oddMondays = CronExpression.parse("0 0 */2 * 1");
        assertEquals(List.of(at("2026-02-09T00:00Z[UTC]"), at("2026-02-23T00:00Z[UTC]"), at("2026-03-09T00:00Z[UTC]")),
                slots(oddMondays, "2026-02-01T00:00Z[UTC]", "2026-03-10T00:00Z[UTC]"));
        assertFalse(oddMondays.matches(at("2026-02-03T00:00Z[UTC]")), "an odd Tuesday");
        assertFalse(oddMondays.matches(at("2026-02-02T00:00Z[UTC]")), "an even Monday");
        // both restricted without a star: either
        CronExpression firstOrMonday = CronExpression.parse("0 0 1 * 1");
        assertTrue(firstOrMonday.matches(at("2026-02-02T00:00Z[UTC]")), "a Monday");
        assertTrue(firstOrMonday.matches(at("2026-02-01T00:00Z[UTC]")), "the 1st, a Sunday");
        // a bare star leaves the other field alone
        assertEquals(at("2026-02-02T00:00Z[UTC]"), CronExpression.parse("0 0 * * 1").next(at("2026-02-01T00:00Z[UTC]")));
    }

    @Test
    void badValuesNameTheFieldAndTheValue() {
        assertEquals("schedule: day of week 'MOM' in '0 9 * * MOM' is not a number from 0 to 7 or a name SUN-SAT",
                assertThrows(IllegalArgumentException.class, () -> CronExpression.parse("0 9 * * MOM")).getMessage());
        assertEquals("schedule: month '13' in '0 0 1 13 *' is not a number from 1 to 12 or a name JAN-DEC",
                assertThrows(IllegalArgumentException.class, () -> CronExpression.parse("0 0 1 13 *")).getMessage());
        assertEquals("schedule: minute '0' in '*/0 * * *' is not a step from 1 to 59",
                assertThrows(IllegalArgumentException.class, () -> CronExpression.parse("*/0 * * *")).getMessage());
        assertEquals("schedule: day of month '' in '0 0 1, *' is not a number from 1 to 31",
                assertThrows(IllegalArgumentException.class, () -> CronExpression.parse("0 0 1, *")).getMessage());
        assertEquals("schedule: day of week range 'FRI-MON' runs backwards in '0 0 * * FRI-MON'; write the smaller end first",
                assertThrows(IllegalArgumentException.class, () -> CronExpression.parse("0 0 * * FRI-MON")).getMessage());
    }

    /** Across New York's clock changes, next() finds every slot matches() accepts and no other. */
    @Property(tries = 150)
    void nextAndMatchesAgreeAcrossClockChanges(
            @ForAll("schedules") String schedule,
            @ForAll boolean spring,
            @ForAll @IntRange(min = -1440, max = 1440) int offsetMinutes) {
        CronExpression cron = CronExpression.parse(schedule, NEW_YORK);
        ZonedDateTime change = spring ? at("2026-03-08T07:00Z[UTC]") : at("2026-11-01T06:00Z[UTC]");
        ZonedDateTime from = change.plusMinutes(offsetMinutes);
        ZonedDateTime next = cron.next(from);
        assertTrue(next.isAfter(from));
        assertTrue(cron.matches(next), next::toString);
        for (ZonedDateTime t = from.plusMinutes(1); t.isBefore(next); t = t.plusMinutes(1)) {
            assertFalse(cron.matches(t), "slot " + t + " skipped on the way to " + next);
        }
    }

    @net.jqwik.api.Provide
    net.jqwik.api.Arbitrary<String> schedules() {
        return net.jqwik.api.Arbitraries.of("30 1 * *", "30 2 * *", "0,30 2 * *", "*/30 * * *", "0 * * *", "*/7 1-3 * *",
                "15 0-3 * *", "0 0 * *", "@hourly", "59 1 * *", "0 3 * *");
    }
}
