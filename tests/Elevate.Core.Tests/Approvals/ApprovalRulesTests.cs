using Elevate.Core.Approvals;

namespace Elevate.Core.Tests.Approvals;

/// <summary>
/// Who may decide a stage, when a stage is done, and what an approved request grants. Alice is the requester, Bob
/// and Carol are other users, Ops is a group Alice and Bob are in.
/// </summary>
public sealed class ApprovalRulesTests
{
    private static readonly DateTimeOffset Now = new(2026, 11, 27, 9, 0, 0, TimeSpan.Zero);
    private static readonly Guid Alice = new("a11ce000-0000-4000-8000-000000000001");
    private static readonly Guid Bob = new("b0b00000-0000-4000-8000-000000000002");
    private static readonly Guid Carol = new("ca401000-0000-4000-8000-000000000003");
    private static readonly Guid Ops = new("0b500000-0000-4000-8000-000000000004");

    /// <summary>A one-approval stage of <paramref name="approvers"/>, timing out after a day, without escalation.</summary>
    private static PlannedStage Stage(params Guid[] approvers) =>
        new(approvers, null, false, 1, TimeSpan.FromDays(1), null, [], false);

    private static ApproverFacts Person(Guid id, bool enabled = true, bool administersScope = false, params Guid[] groups) =>
        new(id, enabled, groups, administersScope);

    private static ApproverStanding StandingOf(PlannedStage stage, ApproverFacts approver, bool escalated = false) =>
        ApprovalRules.Standing(stage, approver, Alice, escalated);

    public static TheoryData<string> RequesterPaths => new("named", "in a named group", "as manager", "as scope administrator", "as escalation approver");

    [Theory]
    [MemberData(nameof(RequesterPaths))]
    public void The_requester_never_stands_as_an_approver_of_their_own_request(string path)
    {
        var (stage, alice) = path switch
        {
            "named" => (Stage(Alice, Bob), Person(Alice)),
            "in a named group" => (Stage(Ops), Person(Alice, groups: Ops)),
            "as manager" => (Stage(Bob) with { Manager = Alice }, Person(Alice)),
            "as scope administrator" => (Stage() with { ScopeAdministrators = true }, Person(Alice, administersScope: true)),
            "as escalation approver" => (Stage(Bob) with { EscalateAfter = TimeSpan.Zero, EscalationApprovers = [Alice] }, Person(Alice)),
            _ => throw new ArgumentOutOfRangeException(nameof(path), path, "No such path."),
        };

        Assert.Equal(ApproverStanding.Requester, StandingOf(stage, alice, escalated: true));
    }

    [Fact]
    public void Each_path_makes_someone_other_than_the_requester_an_approver()
    {
        Assert.Equal(ApproverStanding.Approver, StandingOf(Stage(Alice, Bob), Person(Bob)));
        Assert.Equal(ApproverStanding.Approver, StandingOf(Stage(Ops), Person(Bob, groups: Ops)));
        Assert.Equal(ApproverStanding.Approver, StandingOf(Stage() with { Manager = Carol }, Person(Carol)));
        Assert.Equal(ApproverStanding.Approver, StandingOf(Stage() with { ScopeAdministrators = true }, Person(Carol, administersScope: true)));
    }

    [Fact]
    public void Someone_on_no_path_is_not_an_approver()
    {
        Assert.Equal(ApproverStanding.NotAnApprover, StandingOf(Stage(Bob), Person(Carol)));
        Assert.Equal(ApproverStanding.NotAnApprover, StandingOf(Stage(Ops), Person(Carol)));
        Assert.Equal(ApproverStanding.NotAnApprover, StandingOf(Stage(Bob), Person(Carol, administersScope: true)));
    }

    [Fact]
    public void A_disabled_approver_is_not_an_approver_on_any_path()
    {
        var stage = Stage(Bob, Ops) with { Manager = Bob, ScopeAdministrators = true };

        Assert.Equal(ApproverStanding.NotAnApprover, StandingOf(stage, Person(Bob, enabled: false, administersScope: true, Ops)));
    }

    [Fact]
    public void Escalation_approvers_decide_only_once_the_stage_has_escalated()
    {
        var stage = Stage(Bob) with { EscalateAfter = TimeSpan.FromHours(1), EscalationApprovers = [Carol] };

        Assert.Equal(ApproverStanding.NotAnApprover, StandingOf(stage, Person(Carol), escalated: false));
        Assert.Equal(ApproverStanding.Approver, StandingOf(stage, Person(Carol), escalated: true));
        Assert.Equal(ApproverStanding.Approver, StandingOf(stage, Person(Bob), escalated: true));
    }

    [Fact]
    public void A_stage_escalates_when_escalate_after_has_passed_since_it_started()
    {
        var stage = Stage(Bob) with { EscalateAfter = TimeSpan.FromHours(1), EscalationApprovers = [Carol] };
        var started = Now;

        Assert.False(ApprovalRules.IsEscalated(stage, started, started + TimeSpan.FromMinutes(59)));
        Assert.True(ApprovalRules.IsEscalated(stage, started, started + TimeSpan.FromHours(1)));
        Assert.False(ApprovalRules.IsEscalated(Stage(Bob), started, started + TimeSpan.FromDays(30)));
    }

    [Fact]
    public void Escalation_approvers_may_also_be_reached_through_a_group()
    {
        var stage = Stage(Bob) with { EscalateAfter = TimeSpan.FromHours(1), EscalationApprovers = [Ops] };

        Assert.Equal(ApproverStanding.Approver, StandingOf(stage, Person(Carol, groups: Ops), escalated: true));
    }

    [Fact]
    public void Any_denial_denies_the_stage_whatever_the_approvals()
    {
        var stage = Stage(Bob, Carol) with { Quorum = 2 };

        Assert.Equal(StageState.Denied, ApprovalRules.State(stage, [ApprovalVerdict.Deny]));
        Assert.Equal(StageState.Denied, ApprovalRules.State(stage, [ApprovalVerdict.Approve, ApprovalVerdict.Approve, ApprovalVerdict.Deny]));
    }

    [Fact]
    public void A_stage_waits_until_its_quorum_of_approvals()
    {
        var stage = Stage(Bob, Carol, Ops) with { Quorum = 2 };

        Assert.Equal(StageState.Waiting, ApprovalRules.State(stage, []));
        Assert.Equal(StageState.Waiting, ApprovalRules.State(stage, [ApprovalVerdict.Approve]));
        Assert.Equal(StageState.Approved, ApprovalRules.State(stage, [ApprovalVerdict.Approve, ApprovalVerdict.Approve]));
    }

    [Fact]
    public void An_approval_after_the_requested_start_grants_from_the_approval_for_the_whole_requested_length()
    {
        var approvedAt = Now + TimeSpan.FromHours(3);

        var window = ApprovalRules.GrantWindow(Now, Now + TimeSpan.FromHours(4), TimeSpan.FromHours(4), approvedAt, null);

        Assert.Equal(approvedAt, window.StartsAt);
        Assert.Equal(approvedAt + TimeSpan.FromHours(4), window.EndsAt);
        Assert.Equal(TimeSpan.FromHours(4), window.Duration);
    }

    [Fact]
    public void A_requested_end_time_keeps_its_length_when_the_approval_comes_late()
    {
        var approvedAt = Now + TimeSpan.FromHours(1);

        var window = ApprovalRules.GrantWindow(Now, Now + TimeSpan.FromHours(2), null, approvedAt, null);

        Assert.Equal(approvedAt, window.StartsAt);
        Assert.Equal(approvedAt + TimeSpan.FromHours(2), window.EndsAt);
    }

    [Fact]
    public void An_approval_before_the_requested_start_keeps_the_requested_window()
    {
        var start = Now + TimeSpan.FromDays(1);

        var window = ApprovalRules.GrantWindow(start, start + TimeSpan.FromHours(2), TimeSpan.FromHours(2), Now, null);

        Assert.Equal(start, window.StartsAt);
        Assert.Equal(start + TimeSpan.FromHours(2), window.EndsAt);
    }

    [Fact]
    public void A_granted_window_never_runs_past_the_eligibility_end()
    {
        var approvedAt = Now + TimeSpan.FromHours(3);
        var eligibilityEnd = Now + TimeSpan.FromHours(5);

        var window = ApprovalRules.GrantWindow(Now, Now + TimeSpan.FromHours(4), TimeSpan.FromHours(4), approvedAt, eligibilityEnd);

        Assert.Equal(approvedAt, window.StartsAt);
        Assert.Equal(eligibilityEnd, window.EndsAt);
        Assert.Equal(TimeSpan.FromHours(2), window.Duration);
    }

    [Fact]
    public void A_permanent_request_granted_under_a_time_bound_eligibility_ends_with_it()
    {
        var eligibilityEnd = Now + TimeSpan.FromDays(30);

        Assert.Equal(eligibilityEnd, ApprovalRules.GrantWindow(null, null, null, Now, eligibilityEnd).EndsAt);
        Assert.Null(ApprovalRules.GrantWindow(null, null, null, Now, null).EndsAt);
    }
}
