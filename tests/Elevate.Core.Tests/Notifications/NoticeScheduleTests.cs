using Elevate.Core.Approvals;
using Elevate.Core.Assignments;
using Elevate.Core.Notifications;
using Elevate.Core.Requests;

namespace Elevate.Core.Tests.Notifications;

/// <summary>When "ends soon" notices, escalations and digests fall due, and which events are critical.</summary>
public sealed class NoticeScheduleTests
{
    private static readonly DateTimeOffset Now = new(2026, 11, 27, 9, 0, 0, TimeSpan.Zero);
    private static readonly NotificationOptions Options = new();

    private static Assignment Eligibility(DateTimeOffset start, DateTimeOffset? end, AssignmentOrigin origin = AssignmentOrigin.Administrator) => new()
    {
        Kind = origin == AssignmentOrigin.Activation ? AssignmentKind.Active : AssignmentKind.Eligible,
        Origin = origin,
        StartsAt = start,
        EndsAt = end,
        Status = start > Now ? AssignmentStatus.Scheduled : AssignmentStatus.Active,
    };

    [Fact]
    public void An_assignment_is_noticed_fourteen_days_and_then_one_day_before_it_ends()
    {
        var end = Now.AddDays(30);
        var a = Eligibility(Now, end);

        Assert.Equal(end.AddDays(-14), NoticeSchedule.NextEndingNotice(a, Now, Options));
        Assert.Equal(end.AddDays(-1), NoticeSchedule.NextEndingNotice(a, end.AddDays(-14), Options));
        Assert.Null(NoticeSchedule.NextEndingNotice(a, end.AddDays(-1), Options));
    }

    [Fact]
    public void A_notice_moment_already_past_is_skipped_not_sent_late()
    {
        var end = Now.AddDays(5);

        Assert.Equal(end.AddDays(-1), NoticeSchedule.NextEndingNotice(Eligibility(Now, end), Now, Options));
    }

    [Fact]
    public void Permanent_ended_and_run_out_assignments_get_no_notice()
    {
        Assert.Null(NoticeSchedule.NextEndingNotice(Eligibility(Now, null), Now, Options));
        var ended = Eligibility(Now, Now.AddDays(30));
        ended.End(Now.AddMinutes(1), EndReason.RemovedByAdministrator, null);
        Assert.Null(NoticeSchedule.NextEndingNotice(ended, Now.AddMinutes(1), Options));
        Assert.Null(NoticeSchedule.NextEndingNotice(Eligibility(Now.AddDays(-40), Now.AddDays(-1)), Now, Options));
    }

    [Fact]
    public void An_activation_is_noticed_shortly_before_its_end_and_a_short_one_not_at_all()
    {
        var two = Eligibility(Now, Now.AddHours(2), AssignmentOrigin.Activation);
        Assert.Equal(Now.AddHours(2) - Options.ActivationEndingNotice, NoticeSchedule.NextEndingNotice(two, Now, Options));

        // A notice would come before the activation begins: nothing is left to warn about.
        var tiny = Eligibility(Now, Now.AddMinutes(10), AssignmentOrigin.Activation);
        Assert.Null(NoticeSchedule.NextEndingNotice(tiny, Now, Options));
    }

    [Fact]
    public void A_scheduled_assignment_is_not_noticed_before_it_starts()
    {
        var a = Eligibility(Now.AddDays(10), Now.AddDays(20));

        Assert.Equal(Now.AddDays(19), NoticeSchedule.NextEndingNotice(a, Now, Options));
    }

    [Fact]
    public void A_waiting_stage_escalates_after_its_time_only_when_it_has_escalation_approvers()
    {
        var escalating = Waiting(new PlannedStage([Guid.NewGuid()], null, false, 1, TimeSpan.FromDays(1), TimeSpan.FromHours(1), [Guid.NewGuid()], false));
        Assert.Equal(Now.AddHours(1), NoticeSchedule.Escalation(escalating, Now));
        Assert.Null(NoticeSchedule.Escalation(escalating, Now.AddHours(2)));

        var nobodyToEscalateTo = Waiting(new PlannedStage([Guid.NewGuid()], null, false, 1, TimeSpan.FromDays(1), TimeSpan.FromHours(1), [], false));
        Assert.Null(NoticeSchedule.Escalation(nobodyToEscalateTo, Now));

        var escalatedFromTheStart = Waiting(new PlannedStage([Guid.NewGuid()], null, false, 1, TimeSpan.FromDays(1), TimeSpan.Zero, [Guid.NewGuid()], false));
        Assert.Null(NoticeSchedule.Escalation(escalatedFromTheStart, Now));

        escalating.MoveTo(RequestStatus.Canceled, Now);
        Assert.Null(NoticeSchedule.Escalation(escalating, Now));
    }

    [Theory]
    [InlineData("2026-11-27T07:59:00Z", "08:00", "2026-11-27T08:00:00Z")]
    [InlineData("2026-11-27T08:00:00Z", "08:00", "2026-11-28T08:00:00Z")]
    [InlineData("2026-12-31T23:30:00Z", "00:00", "2027-01-01T00:00:00Z")]
    [InlineData("2028-02-28T18:00:00Z", "17:00", "2028-02-29T17:00:00Z")]
    public void The_digest_goes_out_at_the_next_chosen_time_of_day(string now, string time, string expected) =>
        Assert.Equal(DateTimeOffset.Parse(expected, System.Globalization.CultureInfo.InvariantCulture),
            NoticeSchedule.NextDigest(TimeSpan.Parse(time, System.Globalization.CultureInfo.InvariantCulture), DateTimeOffset.Parse(now, System.Globalization.CultureInfo.InvariantCulture)));

    [Fact]
    public void Critical_messages_are_those_that_need_action_or_report_lost_access()
    {
        Assert.True(NotificationEvents.IsCritical(NotificationEvent.ApprovalRequested));
        Assert.True(NotificationEvents.IsCritical(NotificationEvent.Denied));
        Assert.True(NotificationEvents.IsCritical(NotificationEvent.Removed));
        Assert.True(NotificationEvents.IsCritical(NotificationEvent.ExpiringSoon, TimeSpan.FromHours(23)));
        Assert.False(NotificationEvents.IsCritical(NotificationEvent.ExpiringSoon, TimeSpan.FromDays(14)));
        Assert.False(NotificationEvents.IsCritical(NotificationEvent.EligibleAssigned));
        Assert.False(NotificationEvents.IsCritical(NotificationEvent.Approved));
    }

    [Fact]
    public void Every_event_has_a_distinct_name_that_parses_back()
    {
        var names = Enum.GetValues<NotificationEvent>().Select(NotificationEvents.Name).ToList();
        Assert.Equal(names.Count, names.Distinct().Count());
        Assert.All(Enum.GetValues<NotificationEvent>(), e => Assert.True(NotificationEvents.TryParse(NotificationEvents.Name(e), out var back) && back == e));
    }

    [Fact]
    public void A_channel_route_takes_the_events_it_names_and_only_critical_ones_when_told()
    {
        var all = new ChannelRoute("all", NotificationChannel.Webhook, [], false);
        var denials = new ChannelRoute("denials", NotificationChannel.Slack, [NotificationEvent.Denied], false);
        var critical = new ChannelRoute("critical", NotificationChannel.Teams, [], true);

        Assert.True(all.Wants(NotificationEvent.Activated, critical: false));
        Assert.False(denials.Wants(NotificationEvent.Activated, critical: false));
        Assert.True(denials.Wants(NotificationEvent.Denied, critical: true));
        Assert.False(critical.Wants(NotificationEvent.Activated, critical: false));
        Assert.True(critical.Wants(NotificationEvent.ApprovalRequested, critical: true));
    }

    private static AssignmentRequest Waiting(PlannedStage stage)
    {
        var request = new AssignmentRequest { Status = RequestStatus.PendingApproval, CreatedAt = Now };
        ApprovalService.Start(request, new ApprovalPlan([stage], false), Now);
        return request;
    }
}
