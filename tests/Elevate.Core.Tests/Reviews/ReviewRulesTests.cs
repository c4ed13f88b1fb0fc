using Elevate.Core.Assignments;
using Elevate.Core.Reviews;
using Microsoft.Extensions.Time.Testing;

namespace Elevate.Core.Tests.Reviews;

public sealed class ReviewRulesTests
{
    // Friday 27 November 2026, 09:00 UTC.
    private static readonly FakeTimeProvider Clock = new(new DateTimeOffset(2026, 11, 27, 9, 0, 0, TimeSpan.Zero));

    private static DateTimeOffset Now => Clock.GetUtcNow();

    private static DateTimeOffset DaysAgo(int days) => Now - TimeSpan.FromDays(days);

    [Fact]
    public void No_activity_at_all_is_inactive()
    {
        Assert.True(ReviewRules.IsInactive(null, 30, Now));
    }

    [Fact]
    public void Activity_exactly_at_the_start_of_the_window_counts_as_within_it()
    {
        Assert.False(ReviewRules.IsInactive(DaysAgo(30), 30, Now));
        Assert.True(ReviewRules.IsInactive(DaysAgo(30) - TimeSpan.FromTicks(1), 30, Now));
        Assert.False(ReviewRules.IsInactive(DaysAgo(29), 30, Now));
    }

    [Fact]
    public void An_eligibility_never_activated_is_recommended_for_denial()
    {
        var recommendation = ReviewRules.Recommend(AssignmentKind.Eligible, new Activity(null), 30, Now);

        Assert.Equal(new Recommendation(ReviewVerdict.Deny, "Never activated this role."), recommendation);
    }

    [Fact]
    public void An_active_assignment_whose_holder_never_signed_in_is_recommended_for_denial()
    {
        var recommendation = ReviewRules.Recommend(AssignmentKind.Active, new Activity(null), 30, Now);

        Assert.Equal(new Recommendation(ReviewVerdict.Deny, "Never signed in."), recommendation);
    }

    [Fact]
    public void An_eligibility_activated_within_the_window_is_recommended_for_approval()
    {
        var recommendation = ReviewRules.Recommend(AssignmentKind.Eligible, new Activity(DaysAgo(10)), 30, Now);

        Assert.Equal(ReviewVerdict.Approve, recommendation.Verdict);
        Assert.Equal("Last activated on 2026-11-17, within the last 30 days.", recommendation.Reason);
    }

    [Fact]
    public void An_eligibility_last_activated_before_the_window_is_recommended_for_denial_naming_the_window()
    {
        var recommendation = ReviewRules.Recommend(AssignmentKind.Eligible, new Activity(DaysAgo(31)), 30, Now);

        Assert.Equal(ReviewVerdict.Deny, recommendation.Verdict);
        Assert.Contains("30 days", recommendation.Reason, StringComparison.Ordinal);
        Assert.Equal("Not activated in the last 30 days (last on 2026-10-27).", recommendation.Reason);
    }

    [Fact]
    public void An_activation_exactly_at_the_start_of_the_window_is_recommended_for_approval()
    {
        var atBoundary = ReviewRules.Recommend(AssignmentKind.Eligible, new Activity(DaysAgo(30)), 30, Now);
        var justBefore = ReviewRules.Recommend(AssignmentKind.Eligible, new Activity(DaysAgo(30) - TimeSpan.FromSeconds(1)), 30, Now);

        Assert.Equal(new Recommendation(ReviewVerdict.Approve, "Last activated on 2026-10-28, within the last 30 days."), atBoundary);
        Assert.Equal(new Recommendation(ReviewVerdict.Deny, "Not activated in the last 30 days (last on 2026-10-28)."), justBefore);
    }

    [Fact]
    public void An_active_assignment_is_judged_by_sign_ins()
    {
        var recent = ReviewRules.Recommend(AssignmentKind.Active, new Activity(DaysAgo(10)), 30, Now);
        var stale = ReviewRules.Recommend(AssignmentKind.Active, new Activity(DaysAgo(31)), 30, Now);

        Assert.Equal(new Recommendation(ReviewVerdict.Approve, "Last signed in on 2026-11-17, within the last 30 days."), recent);
        Assert.Equal(new Recommendation(ReviewVerdict.Deny, "No sign-in in the last 30 days (last on 2026-10-27)."), stale);
    }

    [Fact]
    public void The_window_in_days_is_the_one_given()
    {
        var recommendation = ReviewRules.Recommend(AssignmentKind.Eligible, new Activity(DaysAgo(10)), 7, Now);

        Assert.Equal(new Recommendation(ReviewVerdict.Deny, "Not activated in the last 7 days (last on 2026-11-17)."), recommendation);
    }

    [Fact]
    public void The_date_in_the_reason_is_the_utc_date()
    {
        // 17 Nov 22:00 at UTC-5 is 18 Nov 03:00 UTC.
        var last = new DateTimeOffset(2026, 11, 17, 22, 0, 0, TimeSpan.FromHours(-5));

        var recommendation = ReviewRules.Recommend(AssignmentKind.Eligible, new Activity(last), 30, Now);

        Assert.Equal("Last activated on 2026-11-18, within the last 30 days.", recommendation.Reason);
    }

    [Theory]
    [InlineData(AssignmentKind.Eligible)]
    [InlineData(AssignmentKind.Active)]
    public void A_disabled_account_is_recommended_for_denial_even_when_recently_active(AssignmentKind kind)
    {
        var expected = new Recommendation(ReviewVerdict.Deny, "The account is disabled.");

        Assert.Equal(expected, ReviewRules.Recommend(kind, new Activity(DaysAgo(1), Enabled: false), 30, Now));
        Assert.Equal(expected, ReviewRules.Recommend(kind, new Activity(null, Enabled: false), 30, Now));
    }

    [Fact]
    public void A_denial_before_the_last_stage_is_final()
    {
        Assert.Equal(new StageStep(1, ReviewVerdict.Deny), ReviewRules.Step(1, 2, ReviewVerdict.Deny));
        Assert.Equal(new StageStep(2, ReviewVerdict.Deny), ReviewRules.Step(2, 3, ReviewVerdict.Deny));
    }

    [Theory]
    [InlineData(ReviewVerdict.Approve)]
    [InlineData(ReviewVerdict.DontKnow)]
    public void An_approval_or_dont_know_before_the_last_stage_moves_the_item_on(ReviewVerdict verdict)
    {
        Assert.Equal(new StageStep(2, null), ReviewRules.Step(1, 2, verdict));
        Assert.Equal(new StageStep(2, null), ReviewRules.Step(1, 3, verdict));
        Assert.Equal(new StageStep(3, null), ReviewRules.Step(2, 3, verdict));
    }

    [Theory]
    [InlineData(ReviewVerdict.Approve)]
    [InlineData(ReviewVerdict.Deny)]
    [InlineData(ReviewVerdict.DontKnow)]
    public void Any_verdict_at_the_last_stage_is_final(ReviewVerdict verdict)
    {
        Assert.Equal(new StageStep(2, verdict), ReviewRules.Step(2, 2, verdict));
        Assert.Equal(new StageStep(3, verdict), ReviewRules.Step(3, 3, verdict));
        Assert.Equal(new StageStep(1, verdict), ReviewRules.Step(1, 1, verdict));
    }

    [Theory]
    [InlineData(DefaultDecision.NoChange)]
    [InlineData(DefaultDecision.Remove)]
    [InlineData(DefaultDecision.Approve)]
    [InlineData(DefaultDecision.Recommendation)]
    public void A_reviewers_approval_or_denial_is_kept_whatever_the_default(DefaultDecision fallback)
    {
        Assert.Equal((ReviewResult.Approved, false), ReviewRules.Close(ReviewVerdict.Approve, ReviewVerdict.Deny, fallback));
        Assert.Equal((ReviewResult.Denied, false), ReviewRules.Close(ReviewVerdict.Deny, ReviewVerdict.Approve, fallback));
        Assert.Equal((ReviewResult.Approved, false), ReviewRules.Close(ReviewVerdict.Approve, null, fallback));
        Assert.Equal((ReviewResult.Denied, false), ReviewRules.Close(ReviewVerdict.Deny, null, fallback));
    }

    public static TheoryData<ReviewVerdict?, ReviewVerdict?, DefaultDecision, ReviewResult> Defaults => new()
    {
        // Undecided.
        { null, ReviewVerdict.Deny, DefaultDecision.NoChange, ReviewResult.NotReviewed },
        { null, ReviewVerdict.Approve, DefaultDecision.Remove, ReviewResult.Denied },
        { null, ReviewVerdict.Deny, DefaultDecision.Approve, ReviewResult.Approved },
        { null, ReviewVerdict.Approve, DefaultDecision.Recommendation, ReviewResult.Approved },
        { null, ReviewVerdict.Deny, DefaultDecision.Recommendation, ReviewResult.Denied },
        { null, null, DefaultDecision.Recommendation, ReviewResult.NotReviewed },
        { null, ReviewVerdict.DontKnow, DefaultDecision.Recommendation, ReviewResult.NotReviewed },

        // "Don't know" is treated as undecided.
        { ReviewVerdict.DontKnow, ReviewVerdict.Deny, DefaultDecision.NoChange, ReviewResult.NotReviewed },
        { ReviewVerdict.DontKnow, ReviewVerdict.Approve, DefaultDecision.Remove, ReviewResult.Denied },
        { ReviewVerdict.DontKnow, ReviewVerdict.Deny, DefaultDecision.Approve, ReviewResult.Approved },
        { ReviewVerdict.DontKnow, ReviewVerdict.Approve, DefaultDecision.Recommendation, ReviewResult.Approved },
        { ReviewVerdict.DontKnow, ReviewVerdict.Deny, DefaultDecision.Recommendation, ReviewResult.Denied },
        { ReviewVerdict.DontKnow, null, DefaultDecision.Recommendation, ReviewResult.NotReviewed },
    };

    [Theory]
    [MemberData(nameof(Defaults))]
    public void An_undecided_or_dont_know_item_gets_the_default_marked_as_default(
        ReviewVerdict? decision, ReviewVerdict? recommendation, DefaultDecision fallback, ReviewResult expected)
    {
        Assert.Equal((expected, true), ReviewRules.Close(decision, recommendation, fallback));
    }

    private static readonly DateTimeOffset EndsAt = new(2026, 12, 10, 12, 0, 0, TimeSpan.Zero);

    private static readonly TimeSpan[] ThreeDaysAndOneDay = [TimeSpan.FromDays(3), TimeSpan.FromDays(1)];

    [Fact]
    public void Reminders_come_the_given_time_before_the_end_earliest_first()
    {
        var startedAt = EndsAt - TimeSpan.FromDays(14);

        Assert.Equal(new DateTimeOffset(2026, 12, 7, 12, 0, 0, TimeSpan.Zero), ReviewRules.NextReminder(ThreeDaysAndOneDay, EndsAt, startedAt));
    }

    [Fact]
    public void The_reminder_after_one_just_sent_is_the_next_one_and_after_the_last_there_is_none()
    {
        var first = new DateTimeOffset(2026, 12, 7, 12, 0, 0, TimeSpan.Zero);
        var second = new DateTimeOffset(2026, 12, 9, 12, 0, 0, TimeSpan.Zero);

        Assert.Equal(second, ReviewRules.NextReminder(ThreeDaysAndOneDay, EndsAt, first));
        Assert.Null(ReviewRules.NextReminder(ThreeDaysAndOneDay, EndsAt, second));
    }

    [Fact]
    public void Reminders_are_in_time_order_whatever_order_they_are_configured_in()
    {
        TimeSpan[] unordered = [TimeSpan.FromDays(1), TimeSpan.FromDays(3)];
        var startedAt = EndsAt - TimeSpan.FromDays(14);

        Assert.Equal(new DateTimeOffset(2026, 12, 7, 12, 0, 0, TimeSpan.Zero), ReviewRules.NextReminder(unordered, EndsAt, startedAt));
    }

    [Fact]
    public void Without_reminders_there_is_no_reminder()
    {
        Assert.Null(ReviewRules.NextReminder([], EndsAt, EndsAt - TimeSpan.FromDays(14)));
    }
}
