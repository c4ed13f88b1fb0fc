using Elevate.Core.Common;
using Elevate.Core.Requests;

namespace Elevate.Core.Tests.Requests;

public sealed class ScheduleTests
{
    private static readonly DateTimeOffset Now = Facts.Now;
    private static readonly TimeSpan TwoHours = TimeSpan.FromHours(2);

    [Fact]
    public void A_missing_schedule_is_required()
    {
        AssertError(Schedule.Resolve(null, Now), ErrorCodes.Required, "schedule");
    }

    [Fact]
    public void A_schedule_without_expiration_is_rejected()
    {
        AssertError(Schedule.Resolve(new ScheduleInput(null, null, null, TwoHours), Now), ErrorCodes.Required, "schedule.expiration");
    }

    [Fact]
    public void The_field_prefix_names_where_the_schedule_came_from()
    {
        AssertError(Schedule.Resolve(new ScheduleInput(null, null, null, null), Now, "window"), ErrorCodes.Required, "window.expiration");
    }

    [Fact]
    public void A_schedule_without_start_starts_now()
    {
        var window = Resolve(new ScheduleInput(null, ExpirationType.AfterDuration, null, TwoHours));

        Assert.Equal(new Schedule(Now, Now + TwoHours, TwoHours), window);
    }

    [Fact]
    public void A_schedule_after_a_duration_ends_that_long_after_its_start()
    {
        var start = Now + TimeSpan.FromDays(1);

        var window = Resolve(new ScheduleInput(start, ExpirationType.AfterDuration, null, TwoHours));

        Assert.Equal(new Schedule(start, start + TwoHours, TwoHours), window);
    }

    [Fact]
    public void A_schedule_after_a_time_ends_then_and_knows_its_length()
    {
        var end = Now + TimeSpan.FromHours(3);

        var window = Resolve(new ScheduleInput(null, ExpirationType.AfterDateTime, end, null));

        Assert.Equal(new Schedule(Now, end, TimeSpan.FromHours(3)), window);
    }

    [Fact]
    public void A_schedule_with_no_expiration_is_permanent()
    {
        var window = Resolve(new ScheduleInput(null, ExpirationType.NoExpiration, null, null));

        Assert.True(window.IsPermanent);
        Assert.Null(window.Length);
        Assert.Equal(Now, window.StartsAt);
    }

    [Fact]
    public void After_date_time_without_ends_at_is_rejected()
    {
        AssertError(Schedule.Resolve(new ScheduleInput(null, ExpirationType.AfterDateTime, null, null), Now), ErrorCodes.Required, "schedule.endsAt");
    }

    [Fact]
    public void After_duration_without_duration_is_rejected()
    {
        AssertError(Schedule.Resolve(new ScheduleInput(null, ExpirationType.AfterDuration, null, null), Now), ErrorCodes.Required, "schedule.duration");
    }

    [Fact]
    public void After_date_time_with_a_duration_as_well_is_rejected()
    {
        var input = new ScheduleInput(null, ExpirationType.AfterDateTime, Now + TwoHours, TwoHours);

        AssertError(Schedule.Resolve(input, Now), ErrorCodes.InvalidSchedule, "schedule.duration");
    }

    [Fact]
    public void After_duration_with_an_end_as_well_is_rejected()
    {
        var input = new ScheduleInput(null, ExpirationType.AfterDuration, Now + TwoHours, TwoHours);

        AssertError(Schedule.Resolve(input, Now), ErrorCodes.InvalidSchedule, "schedule.endsAt");
    }

    [Theory]
    [InlineData(true, false, "schedule.endsAt")]
    [InlineData(false, true, "schedule.duration")]
    public void No_expiration_with_an_end_or_duration_is_rejected(bool withEnd, bool withDuration, string field)
    {
        var input = new ScheduleInput(null, ExpirationType.NoExpiration, withEnd ? Now + TwoHours : null, withDuration ? TwoHours : null);

        AssertError(Schedule.Resolve(input, Now), ErrorCodes.InvalidSchedule, field);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(-60)]
    public void An_end_not_after_the_start_is_rejected(int minutesAfterStart)
    {
        var start = Now + TimeSpan.FromHours(1);
        var input = new ScheduleInput(start, ExpirationType.AfterDateTime, start + TimeSpan.FromMinutes(minutesAfterStart), null);

        AssertError(Schedule.Resolve(input, Now), ErrorCodes.InvalidSchedule, "schedule.endsAt");
    }

    [Theory]
    [InlineData(0)]
    [InlineData(-1)]
    [InlineData(-7200)]
    public void A_duration_that_is_not_positive_is_rejected(int seconds)
    {
        var input = new ScheduleInput(null, ExpirationType.AfterDuration, null, TimeSpan.FromSeconds(seconds));

        AssertError(Schedule.Resolve(input, Now), ErrorCodes.InvalidDuration, "schedule.duration");
    }

    [Fact]
    public void A_start_more_than_five_minutes_in_the_past_is_rejected()
    {
        var input = new ScheduleInput(Now - TimeSpan.FromMinutes(5) - TimeSpan.FromTicks(1), ExpirationType.AfterDuration, null, TwoHours);

        AssertError(Schedule.Resolve(input, Now), ErrorCodes.StartInPast, "schedule.startsAt");
    }

    [Theory]
    [InlineData(1)]
    [InlineData(299)]
    [InlineData(300)]
    public void A_start_slightly_in_the_past_is_moved_to_now(int secondsAgo)
    {
        var input = new ScheduleInput(Now - TimeSpan.FromSeconds(secondsAgo), ExpirationType.AfterDuration, null, TwoHours);

        var window = Resolve(input);

        Assert.Equal(Now, window.StartsAt);
        Assert.Equal(Now + TwoHours, window.EndsAt);
    }

    [Fact]
    public void A_start_slightly_in_the_past_with_an_end_time_keeps_the_end_and_shortens_the_length()
    {
        var end = Now + TwoHours;
        var input = new ScheduleInput(Now - TimeSpan.FromMinutes(2), ExpirationType.AfterDateTime, end, null);

        var window = Resolve(input);

        Assert.Equal(new Schedule(Now, end, TwoHours), window);
    }

    [Fact]
    public void A_start_more_than_ten_years_away_is_rejected()
    {
        var input = new ScheduleInput(Now + Schedule.Horizon + TimeSpan.FromTicks(1), ExpirationType.NoExpiration, null, null);

        AssertError(Schedule.Resolve(input, Now), ErrorCodes.InvalidSchedule, "schedule.startsAt");
    }

    [Fact]
    public void An_end_more_than_ten_years_away_is_rejected()
    {
        var input = new ScheduleInput(null, ExpirationType.AfterDateTime, Now + Schedule.Horizon + TimeSpan.FromTicks(1), null);

        AssertError(Schedule.Resolve(input, Now), ErrorCodes.InvalidSchedule, "schedule.endsAt");
    }

    [Fact]
    public void A_duration_reaching_more_than_ten_years_away_is_rejected()
    {
        var input = new ScheduleInput(Now + TimeSpan.FromDays(10), ExpirationType.AfterDuration, null, Schedule.Horizon);

        AssertError(Schedule.Resolve(input, Now), ErrorCodes.InvalidSchedule, "schedule.duration");
    }

    [Fact]
    public void An_end_exactly_at_the_horizon_is_accepted()
    {
        var window = Resolve(new ScheduleInput(null, ExpirationType.AfterDateTime, Now + Schedule.Horizon, null));

        Assert.Equal(Now + Schedule.Horizon, window.EndsAt);
    }

    [Fact]
    public void The_kept_start_is_used_when_the_input_gives_none()
    {
        var kept = Now - TimeSpan.FromDays(10);

        var window = Schedule.Resolve(new ScheduleInput(null, ExpirationType.AfterDateTime, Now + TimeSpan.FromDays(5), null), Now, keepStart: kept).Value;

        Assert.Equal(kept, window.StartsAt);
        Assert.Equal(TimeSpan.FromDays(15), window.Length);
    }

    [Fact]
    public void The_kept_start_is_not_used_when_the_input_gives_a_start()
    {
        var start = Now + TimeSpan.FromHours(1);

        var window = Schedule.Resolve(new ScheduleInput(start, ExpirationType.AfterDuration, null, TwoHours), Now, keepStart: Now - TimeSpan.FromDays(10)).Value;

        Assert.Equal(start, window.StartsAt);
    }

    private static Schedule Resolve(ScheduleInput input)
    {
        var result = Schedule.Resolve(input, Now);
        Assert.True(result.IsSuccess, $"Expected a window, got {result.Error?.Code} at {result.Error?.Field}.");
        return result.Value;
    }

    private static void AssertError(Result<Schedule> result, string code, string field)
    {
        Assert.False(result.IsSuccess, $"Expected '{code}' at '{field}', got a window.");
        Assert.Equal(code, result.Error.Code);
        Assert.Equal(field, result.Error.Field);
        Assert.Equal(ErrorKind.Validation, result.Error.Kind);
    }
}
