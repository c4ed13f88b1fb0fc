using Elevate.Core.Reviews;
using Microsoft.Extensions.Time.Testing;

namespace Elevate.Core.Tests.Reviews;

public sealed class RecurrenceTests
{
    // Friday 27 November 2026, 09:00 UTC.
    private static readonly FakeTimeProvider Clock = new(Utc(2026, 11, 27));

    private static DateTimeOffset Utc(int year, int month, int day, int hour = 9, int minute = 0) =>
        new(year, month, day, hour, minute, 0, TimeSpan.Zero);

    private static ReviewSchedule Every(Recurrence recurrence, DateTimeOffset startsAt, int durationDays = 14) =>
        new() { Recurrence = recurrence, StartsAt = startsAt, DurationDays = durationDays };

    private static DateTimeOffset? At(ReviewSchedule schedule, int index) => ReviewRecurrence.Occurrence(schedule, index);

    [Fact]
    public void Monthly_from_the_31st_takes_the_last_day_of_shorter_months_and_returns_to_the_31st()
    {
        var schedule = Every(Recurrence.Monthly, Utc(2027, 1, 31));

        Assert.Equal(Utc(2027, 1, 31), At(schedule, 0));
        Assert.Equal(Utc(2027, 2, 28), At(schedule, 1));
        Assert.Equal(Utc(2027, 3, 31), At(schedule, 2));
        Assert.Equal(Utc(2027, 4, 30), At(schedule, 3));
        Assert.Equal(Utc(2027, 5, 31), At(schedule, 4));
    }

    [Fact]
    public void Monthly_occurrences_are_counted_from_the_anchor_so_a_short_month_never_makes_them_drift()
    {
        var schedule = Every(Recurrence.Monthly, Utc(2027, 1, 31));

        // Counted from 28 Feb these would be 28 Mar, 28 Jan, 28 Feb; counted from the anchor they are not.
        Assert.Equal(Utc(2027, 12, 31), At(schedule, 11));
        Assert.Equal(Utc(2028, 1, 31), At(schedule, 12));
        Assert.Equal(Utc(2028, 2, 29), At(schedule, 13));
        Assert.Equal(Utc(2028, 3, 31), At(schedule, 14));
    }

    [Fact]
    public void Monthly_from_31_january_of_a_leap_year_runs_on_29_february()
    {
        var schedule = Every(Recurrence.Monthly, Utc(2028, 1, 31));

        Assert.Equal(Utc(2028, 2, 29), At(schedule, 1));
        Assert.Equal(Utc(2028, 3, 31), At(schedule, 2));
    }

    [Fact]
    public void Annual_from_29_february_runs_on_28_february_until_the_next_leap_year()
    {
        var schedule = Every(Recurrence.Annual, Utc(2028, 2, 29));

        Assert.Equal(Utc(2028, 2, 29), At(schedule, 0));
        Assert.Equal(Utc(2029, 2, 28), At(schedule, 1));
        Assert.Equal(Utc(2030, 2, 28), At(schedule, 2));
        Assert.Equal(Utc(2031, 2, 28), At(schedule, 3));
        Assert.Equal(Utc(2032, 2, 29), At(schedule, 4));
        Assert.Equal(Utc(2033, 2, 28), At(schedule, 5));
    }

    [Fact]
    public void Quarterly_from_30_november_clamps_in_february_and_returns_to_the_30th()
    {
        var schedule = Every(Recurrence.Quarterly, Utc(2026, 11, 30));

        Assert.Equal(Utc(2026, 11, 30), At(schedule, 0));
        Assert.Equal(Utc(2027, 2, 28), At(schedule, 1));
        Assert.Equal(Utc(2027, 5, 30), At(schedule, 2));
        Assert.Equal(Utc(2027, 8, 30), At(schedule, 3));
        Assert.Equal(Utc(2027, 11, 30), At(schedule, 4));
        Assert.Equal(Utc(2028, 2, 29), At(schedule, 5));
    }

    [Fact]
    public void Semi_annual_from_31_august_runs_on_29_february_in_a_leap_year_then_31_august_again()
    {
        var schedule = Every(Recurrence.SemiAnnual, Utc(2027, 8, 31));

        Assert.Equal(Utc(2027, 8, 31), At(schedule, 0));
        Assert.Equal(Utc(2028, 2, 29), At(schedule, 1));
        Assert.Equal(Utc(2028, 8, 31), At(schedule, 2));
        Assert.Equal(Utc(2029, 2, 28), At(schedule, 3));
    }

    [Fact]
    public void Weekly_adds_seven_days_and_keeps_the_time_of_day()
    {
        var anchor = new DateTimeOffset(2026, 11, 30, 14, 45, 30, TimeSpan.Zero);
        var schedule = Every(Recurrence.Weekly, anchor, durationDays: 7);

        Assert.Equal(anchor, At(schedule, 0));
        Assert.Equal(new DateTimeOffset(2026, 12, 7, 14, 45, 30, TimeSpan.Zero), At(schedule, 1));
        Assert.Equal(new DateTimeOffset(2027, 1, 4, 14, 45, 30, TimeSpan.Zero), At(schedule, 5));
        Assert.Equal(new DateTimeOffset(2027, 11, 29, 14, 45, 30, TimeSpan.Zero), At(schedule, 52));
    }

    [Fact]
    public void Occurrences_are_given_in_utc()
    {
        var schedule = Every(Recurrence.Monthly, new DateTimeOffset(2027, 1, 31, 11, 0, 0, TimeSpan.FromHours(2)));

        var first = At(schedule, 0)!.Value;
        var second = At(schedule, 1)!.Value;
        Assert.Equal(TimeSpan.Zero, first.Offset);
        Assert.Equal(TimeSpan.Zero, second.Offset);
        Assert.Equal(Utc(2027, 1, 31, 9), first);
        Assert.Equal(Utc(2027, 2, 28, 9), second);
    }

    [Fact]
    public void A_one_time_review_has_only_its_first_occurrence()
    {
        var schedule = Every(Recurrence.OneTime, Utc(2026, 12, 1));

        Assert.Equal(Utc(2026, 12, 1), At(schedule, 0));
        Assert.Null(At(schedule, 1));
        Assert.Null(At(schedule, 2));
    }

    [Theory]
    [InlineData(Recurrence.OneTime)]
    [InlineData(Recurrence.Weekly)]
    [InlineData(Recurrence.Monthly)]
    [InlineData(Recurrence.Annual)]
    public void A_negative_index_has_no_occurrence(Recurrence recurrence)
    {
        Assert.Null(At(Every(recurrence, Utc(2026, 12, 1)), -1));
    }

    [Fact]
    public void Ending_on_a_date_includes_an_occurrence_exactly_at_the_date_and_none_after()
    {
        var schedule = Every(Recurrence.Monthly, Utc(2027, 1, 31)) with { End = ReviewEnd.OnDate, EndsOn = Utc(2027, 3, 31) };

        Assert.Equal(Utc(2027, 2, 28), At(schedule, 1));
        Assert.Equal(Utc(2027, 3, 31), At(schedule, 2));
        Assert.Null(At(schedule, 3));
        Assert.Null(At(schedule, 12));
    }

    [Fact]
    public void Ending_on_a_date_a_minute_before_an_occurrence_excludes_it()
    {
        var schedule = Every(Recurrence.Monthly, Utc(2027, 1, 31)) with { End = ReviewEnd.OnDate, EndsOn = Utc(2027, 3, 31, 8, 59) };

        Assert.Equal(Utc(2027, 2, 28), At(schedule, 1));
        Assert.Null(At(schedule, 2));
    }

    [Fact]
    public void An_end_date_is_ignored_unless_the_schedule_ends_on_a_date()
    {
        var never = Every(Recurrence.Monthly, Utc(2027, 1, 31)) with { End = ReviewEnd.Never, EndsOn = Utc(2027, 2, 1) };

        Assert.Equal(Utc(2027, 4, 30), At(never, 3));
    }

    [Fact]
    public void A_schedule_that_never_ends_keeps_giving_occurrences()
    {
        var schedule = Every(Recurrence.Annual, Utc(2028, 2, 29));

        Assert.Equal(Utc(2128, 2, 29), At(schedule, 100));
        Assert.Equal(Utc(2029, 2, 28), ReviewRecurrence.NextStart(schedule, 500, Utc(2028, 2, 29), Utc(2028, 3, 1)));
    }

    [Fact]
    public void The_first_instance_starts_at_the_anchor_while_its_window_is_open_even_if_the_anchor_has_passed()
    {
        // Monday 23 Nov, open for 7 days: still open on Friday 27 Nov.
        var schedule = Every(Recurrence.Weekly, Utc(2026, 11, 23), durationDays: 7);

        Assert.Equal(Utc(2026, 11, 23), ReviewRecurrence.NextStart(schedule, 0, null, Clock.GetUtcNow()));
    }

    [Fact]
    public void The_first_instance_of_a_future_anchor_starts_at_the_anchor()
    {
        var schedule = Every(Recurrence.Monthly, Utc(2027, 1, 31));

        Assert.Equal(Utc(2027, 1, 31), ReviewRecurrence.NextStart(schedule, 0, null, Clock.GetUtcNow()));
    }

    [Fact]
    public void A_first_occurrence_whose_window_has_gone_by_is_skipped()
    {
        // 31 Oct + 14 days ended on 14 Nov; the next occurrence is 30 Nov (November has no 31st).
        var schedule = Every(Recurrence.Monthly, Utc(2026, 10, 31));

        Assert.Equal(Utc(2026, 11, 30), ReviewRecurrence.NextStart(schedule, 0, null, Clock.GetUtcNow()));
    }

    [Fact]
    public void An_occurrence_whose_window_ends_exactly_now_is_skipped_and_one_a_tick_before_is_not()
    {
        // 20 Nov 09:00 + 7 days ends at 27 Nov 09:00, which is now.
        var schedule = Every(Recurrence.Weekly, Utc(2026, 11, 20), durationDays: 7);
        var clock = new FakeTimeProvider(Utc(2026, 11, 27) - TimeSpan.FromTicks(1));

        Assert.Equal(Utc(2026, 11, 20), ReviewRecurrence.NextStart(schedule, 0, null, clock.GetUtcNow()));
        clock.Advance(TimeSpan.FromTicks(1));
        Assert.Equal(Utc(2026, 11, 27), ReviewRecurrence.NextStart(schedule, 0, null, clock.GetUtcNow()));
    }

    [Fact]
    public void After_downtime_the_occurrences_whose_whole_window_passed_are_skipped()
    {
        // Started 2 Nov; down until 27 Nov 09:00. 9 Nov (ends 12 Nov), 16 Nov (ends 19 Nov) and 23 Nov (ends 26 Nov) are over.
        var schedule = Every(Recurrence.Weekly, Utc(2026, 11, 2), durationDays: 3);

        Assert.Equal(Utc(2026, 11, 30), ReviewRecurrence.NextStart(schedule, 1, Utc(2026, 11, 2), Clock.GetUtcNow()));
    }

    [Fact]
    public void After_downtime_an_occurrence_whose_window_is_still_open_starts_late()
    {
        // 23 Nov + 5 days ends on 28 Nov: still open on 27 Nov.
        var schedule = Every(Recurrence.Weekly, Utc(2026, 11, 2), durationDays: 5);

        Assert.Equal(Utc(2026, 11, 23), ReviewRecurrence.NextStart(schedule, 1, Utc(2026, 11, 2), Clock.GetUtcNow()));
    }

    [Fact]
    public void The_next_start_is_the_first_occurrence_strictly_after_the_last_start()
    {
        var schedule = Every(Recurrence.Weekly, Utc(2026, 11, 2), durationDays: 7);
        var clock = new FakeTimeProvider(Utc(2026, 11, 9));

        // The 9 Nov instance has just started: the next one is the following week, not 9 Nov again.
        Assert.Equal(Utc(2026, 11, 16), ReviewRecurrence.NextStart(schedule, 2, Utc(2026, 11, 9), clock.GetUtcNow()));

        clock.Advance(TimeSpan.FromDays(1));
        Assert.Equal(Utc(2026, 11, 16), ReviewRecurrence.NextStart(schedule, 2, Utc(2026, 11, 9), clock.GetUtcNow()));
    }

    [Fact]
    public void A_one_time_review_starts_once()
    {
        var schedule = Every(Recurrence.OneTime, Utc(2026, 12, 1));
        var now = Clock.GetUtcNow();

        Assert.Equal(Utc(2026, 12, 1), ReviewRecurrence.NextStart(schedule, 0, null, now));
        Assert.Null(ReviewRecurrence.NextStart(schedule, 1, Utc(2026, 12, 1), now));
        Assert.Null(ReviewRecurrence.NextStart(schedule, 1, Utc(2026, 12, 1), Utc(2027, 6, 1)));
    }

    [Fact]
    public void A_one_time_review_whose_window_went_by_unstarted_never_starts()
    {
        var schedule = Every(Recurrence.OneTime, Utc(2026, 11, 1));

        Assert.Null(ReviewRecurrence.NextStart(schedule, 0, null, Clock.GetUtcNow()));
    }

    [Fact]
    public void Ending_after_a_count_stops_once_that_many_instances_have_started()
    {
        var schedule = Every(Recurrence.Weekly, Utc(2026, 11, 30), durationDays: 7) with { End = ReviewEnd.AfterCount, Instances = 3 };
        var now = Clock.GetUtcNow();

        Assert.Equal(Utc(2026, 11, 30), ReviewRecurrence.NextStart(schedule, 0, null, now));
        Assert.Equal(Utc(2026, 12, 7), ReviewRecurrence.NextStart(schedule, 1, Utc(2026, 11, 30), Utc(2026, 11, 30)));
        Assert.Equal(Utc(2026, 12, 14), ReviewRecurrence.NextStart(schedule, 2, Utc(2026, 12, 7), Utc(2026, 12, 7)));
        Assert.Null(ReviewRecurrence.NextStart(schedule, 3, Utc(2026, 12, 14), Utc(2026, 12, 14)));
        Assert.Null(ReviewRecurrence.NextStart(schedule, 4, Utc(2026, 12, 14), Utc(2026, 12, 14)));
    }

    [Fact]
    public void Occurrences_skipped_after_downtime_do_not_count_towards_the_instances()
    {
        var schedule = Every(Recurrence.Weekly, Utc(2026, 11, 2), durationDays: 3) with { End = ReviewEnd.AfterCount, Instances = 2 };

        Assert.Equal(Utc(2026, 11, 30), ReviewRecurrence.NextStart(schedule, 1, Utc(2026, 11, 2), Clock.GetUtcNow()));
        Assert.Null(ReviewRecurrence.NextStart(schedule, 2, Utc(2026, 11, 30), Utc(2026, 11, 30)));
    }

    [Fact]
    public void Ending_after_a_count_without_a_count_runs_one_instance()
    {
        var schedule = Every(Recurrence.Weekly, Utc(2026, 11, 30), durationDays: 7) with { End = ReviewEnd.AfterCount, Instances = null };

        Assert.Equal(Utc(2026, 11, 30), ReviewRecurrence.NextStart(schedule, 0, null, Clock.GetUtcNow()));
        Assert.Null(ReviewRecurrence.NextStart(schedule, 1, Utc(2026, 11, 30), Utc(2026, 11, 30)));
    }

    [Fact]
    public void Ending_on_a_date_gives_no_next_start_after_the_last_occurrence_on_or_before_it()
    {
        var schedule = Every(Recurrence.Weekly, Utc(2026, 11, 30), durationDays: 7) with { End = ReviewEnd.OnDate, EndsOn = Utc(2026, 12, 14) };

        Assert.Equal(Utc(2026, 12, 14), ReviewRecurrence.NextStart(schedule, 2, Utc(2026, 12, 7), Utc(2026, 12, 7)));
        Assert.Null(ReviewRecurrence.NextStart(schedule, 3, Utc(2026, 12, 14), Utc(2026, 12, 14)));
    }

    [Fact]
    public void Ending_on_a_date_whose_last_window_went_by_during_downtime_gives_no_next_start()
    {
        var schedule = Every(Recurrence.Weekly, Utc(2026, 11, 2), durationDays: 3) with { End = ReviewEnd.OnDate, EndsOn = Utc(2026, 11, 16) };

        Assert.Null(ReviewRecurrence.NextStart(schedule, 1, Utc(2026, 11, 2), Clock.GetUtcNow()));
    }

    [Theory]
    [InlineData(Recurrence.Weekly, 7)]
    [InlineData(Recurrence.Monthly, 28)] // February
    [InlineData(Recurrence.Quarterly, 89)] // February + March + April
    [InlineData(Recurrence.SemiAnnual, 181)] // September to February, or February to July
    [InlineData(Recurrence.Annual, 365)]
    [InlineData(Recurrence.OneTime, 365)]
    public void The_longest_duration_is_the_shortest_period(Recurrence recurrence, int days)
    {
        Assert.Equal(days, ReviewRecurrence.LongestDurationDays(recurrence));
    }

    [Theory]
    [InlineData(Recurrence.Weekly)]
    [InlineData(Recurrence.Monthly)]
    [InlineData(Recurrence.Quarterly)]
    [InlineData(Recurrence.SemiAnnual)]
    [InlineData(Recurrence.Annual)]
    public void Instances_of_the_longest_duration_never_overlap_from_any_anchor_and_the_limit_is_tight(Recurrence recurrence)
    {
        var longest = TimeSpan.FromDays(ReviewRecurrence.LongestDurationDays(recurrence));
        var shortestGap = TimeSpan.MaxValue;
        for (var anchor = Utc(2027, 1, 1); anchor < Utc(2029, 1, 1); anchor = anchor.AddDays(1))
        {
            var schedule = Every(recurrence, anchor);
            for (var i = 0; i < 12; i++)
            {
                var gap = At(schedule, i + 1)!.Value - At(schedule, i)!.Value;
                shortestGap = gap < shortestGap ? gap : shortestGap;
            }
        }

        Assert.Equal(longest, shortestGap);
    }
}
