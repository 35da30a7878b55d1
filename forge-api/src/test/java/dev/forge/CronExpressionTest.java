package dev.forge;

import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import org.junit.jupiter.api.Test;

import java.time.ZoneId;
import java.time.ZonedDateTime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class CronExpressionTest {

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
}
