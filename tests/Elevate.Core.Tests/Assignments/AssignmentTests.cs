using Elevate.Core.Assignments;

namespace Elevate.Core.Tests.Assignments;

public sealed class AssignmentTests
{
    private static readonly DateTimeOffset Start = new(2026, 3, 2, 9, 0, 0, TimeSpan.Zero);
    private static readonly DateTimeOffset End = Start + TimeSpan.FromHours(2);
    private static readonly TimeSpan Tick = TimeSpan.FromTicks(1);

    [Fact]
    public void An_open_assignment_is_in_force_from_its_start_until_one_tick_before_its_end()
    {
        var assignment = Make(AssignmentStatus.Active, End);

        Assert.False(assignment.IsInForceAt(Start - Tick));
        Assert.True(assignment.IsInForceAt(Start));
        Assert.True(assignment.IsInForceAt(End - Tick));
        Assert.False(assignment.IsInForceAt(End));
    }

    [Fact]
    public void A_scheduled_assignment_is_in_force_once_its_window_starts_even_before_it_is_marked_started()
    {
        Assert.True(Make(AssignmentStatus.Scheduled, End).IsInForceAt(Start));
    }

    [Fact]
    public void A_permanent_assignment_never_runs_out()
    {
        var assignment = Make(AssignmentStatus.Active, null);

        Assert.True(assignment.IsPermanent);
        Assert.True(assignment.IsInForceAt(Start + TimeSpan.FromDays(36500)));
        Assert.False(assignment.HasRunOutAt(Start + TimeSpan.FromDays(36500)));
    }

    [Theory]
    [InlineData(AssignmentStatus.Expired)]
    [InlineData(AssignmentStatus.Ended)]
    public void A_closed_assignment_is_not_in_force_inside_its_window(AssignmentStatus status)
    {
        var assignment = Make(status, End);

        Assert.False(assignment.IsOpen);
        Assert.False(assignment.IsInForceAt(Start + TimeSpan.FromHours(1)));
        Assert.False(assignment.HasRunOutAt(End));
    }

    [Fact]
    public void An_open_assignment_has_run_out_from_its_end_on()
    {
        var assignment = Make(AssignmentStatus.Active, End);

        Assert.False(assignment.HasRunOutAt(End - Tick));
        Assert.True(assignment.HasRunOutAt(End));
        Assert.True(assignment.HasRunOutAt(End + TimeSpan.FromDays(1)));
    }

    [Fact]
    public void Marking_a_scheduled_assignment_started_at_its_start_makes_it_active()
    {
        var assignment = Make(AssignmentStatus.Scheduled, End);

        Assert.True(assignment.MarkStarted(Start));
        Assert.Equal(AssignmentStatus.Active, assignment.Status);
    }

    [Fact]
    public void Marking_a_scheduled_assignment_started_before_its_start_does_nothing()
    {
        var assignment = Make(AssignmentStatus.Scheduled, End);

        Assert.False(assignment.MarkStarted(Start - Tick));
        Assert.Equal(AssignmentStatus.Scheduled, assignment.Status);
    }

    [Theory]
    [InlineData(AssignmentStatus.Active)]
    [InlineData(AssignmentStatus.Expired)]
    [InlineData(AssignmentStatus.Ended)]
    public void Marking_an_assignment_that_is_not_scheduled_started_does_nothing(AssignmentStatus status)
    {
        var assignment = Make(status, End);

        Assert.False(assignment.MarkStarted(Start + TimeSpan.FromHours(1)));
        Assert.Equal(status, assignment.Status);
    }

    [Theory]
    [InlineData(AssignmentStatus.Active)]
    [InlineData(AssignmentStatus.Scheduled)]
    public void Marking_a_run_out_assignment_expired_records_its_planned_end(AssignmentStatus status)
    {
        var assignment = Make(status, End);

        Assert.True(assignment.MarkExpired(End + TimeSpan.FromMinutes(3)));
        Assert.Equal(AssignmentStatus.Expired, assignment.Status);
        Assert.Equal(End, assignment.EndedAt);
        Assert.Equal(End, assignment.EndsAt);
        Assert.Null(assignment.EndReason);
    }

    [Fact]
    public void Marking_an_assignment_expired_before_its_end_does_nothing()
    {
        var assignment = Make(AssignmentStatus.Active, End);

        Assert.False(assignment.MarkExpired(End - Tick));
        Assert.Equal(AssignmentStatus.Active, assignment.Status);
        Assert.Null(assignment.EndedAt);
    }

    [Fact]
    public void Marking_a_permanent_assignment_expired_does_nothing()
    {
        var assignment = Make(AssignmentStatus.Active, null);

        Assert.False(assignment.MarkExpired(Start + TimeSpan.FromDays(36500)));
        Assert.Equal(AssignmentStatus.Active, assignment.Status);
    }

    [Fact]
    public void Ending_an_assignment_early_keeps_its_planned_end_and_records_when_and_why()
    {
        var assignment = Make(AssignmentStatus.Active, End);
        var at = Start + TimeSpan.FromMinutes(30);
        var requestId = Guid.NewGuid();

        Assert.True(assignment.End(at, EndReason.Deactivated, requestId));

        Assert.Equal(AssignmentStatus.Ended, assignment.Status);
        Assert.Equal(End, assignment.EndsAt);
        Assert.Equal(at, assignment.EndedAt);
        Assert.Equal(EndReason.Deactivated, assignment.EndReason);
        Assert.Equal(requestId, assignment.EndedByRequestId);
        Assert.False(assignment.IsInForceAt(at + TimeSpan.FromMinutes(1)));
    }

    [Fact]
    public void Ending_an_assignment_before_it_starts_cancels_it()
    {
        var assignment = Make(AssignmentStatus.Scheduled, End);

        Assert.True(assignment.End(Start - TimeSpan.FromHours(1), EndReason.RequestCanceled, null));

        Assert.Equal(AssignmentStatus.Ended, assignment.Status);
        Assert.False(assignment.IsInForceAt(Start));
    }

    [Fact]
    public void Ending_a_run_out_assignment_returns_false_and_leaves_its_status()
    {
        var assignment = Make(AssignmentStatus.Active, End);

        Assert.False(assignment.End(End, EndReason.RemovedByAdministrator, Guid.NewGuid()));

        Assert.Equal(AssignmentStatus.Active, assignment.Status);
        Assert.Null(assignment.EndedAt);
        Assert.Null(assignment.EndReason);
        Assert.Null(assignment.EndedByRequestId);
    }

    [Theory]
    [InlineData(AssignmentStatus.Expired)]
    [InlineData(AssignmentStatus.Ended)]
    public void Ending_a_closed_assignment_returns_false_and_changes_nothing(AssignmentStatus status)
    {
        var endedAt = Start + TimeSpan.FromMinutes(10);
        var assignment = Make(status, End);
        assignment.EndedAt = endedAt;
        assignment.EndReason = status == AssignmentStatus.Ended ? EndReason.Deactivated : null;

        Assert.False(assignment.End(Start + TimeSpan.FromMinutes(20), EndReason.RemovedByAdministrator, Guid.NewGuid()));

        Assert.Equal(status, assignment.Status);
        Assert.Equal(endedAt, assignment.EndedAt);
    }

    [Fact]
    public void Rescheduling_to_a_later_start_makes_the_assignment_scheduled()
    {
        var assignment = Make(AssignmentStatus.Active, End);
        var now = Start + TimeSpan.FromMinutes(10);

        assignment.Reschedule(now + TimeSpan.FromDays(1), now + TimeSpan.FromDays(2), now);

        Assert.Equal(AssignmentStatus.Scheduled, assignment.Status);
        Assert.Equal(now + TimeSpan.FromDays(1), assignment.StartsAt);
        Assert.Equal(now + TimeSpan.FromDays(2), assignment.EndsAt);
    }

    [Fact]
    public void Rescheduling_to_a_start_that_has_come_makes_the_assignment_active()
    {
        var assignment = Make(AssignmentStatus.Scheduled, End);

        assignment.Reschedule(Start, null, Start);

        Assert.Equal(AssignmentStatus.Active, assignment.Status);
        Assert.True(assignment.IsPermanent);
    }

    private static Assignment Make(AssignmentStatus status, DateTimeOffset? endsAt) => new()
    {
        Id = Guid.NewGuid(),
        Kind = AssignmentKind.Active,
        Origin = AssignmentOrigin.Activation,
        PrincipalId = Guid.NewGuid(),
        RoleId = Guid.NewGuid(),
        Scope = "/prod",
        StartsAt = Start,
        EndsAt = endsAt,
        Status = status,
    };
}
