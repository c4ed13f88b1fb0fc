using Elevate.Core.Assignments;
using Elevate.Core.Common;
using Elevate.Core.Requests;
using Elevate.Core.Settings;

namespace Elevate.Core.Tests.Requests;

public sealed class AdminAssignmentRulesTests
{
    private static readonly DateTimeOffset Now = Facts.Now;

    [Theory]
    [InlineData(AssignmentKind.Active)]
    [InlineData(AssignmentKind.Eligible)]
    public void Admin_assignment_to_someone_else_starting_now_is_provisioned(AssignmentKind kind)
    {
        var evaluation = RequestRules.Evaluate(Facts.AdminAssign(kind));

        Verdict.Accepted(evaluation);
        Assert.Equal(RequestStatus.Provisioned, evaluation.OutcomeOf(RequestAction.AdminAssign, Now));
        Assert.False(evaluation.Requirements.Approval);
    }

    [Fact]
    public void Admin_assignment_starting_later_is_scheduled()
    {
        var facts = Facts.AdminAssign() with { Schedule = Facts.Window(TimeSpan.FromDays(30), startIn: TimeSpan.FromDays(2)) };

        var evaluation = RequestRules.Evaluate(facts);

        Verdict.Accepted(evaluation);
        Assert.Equal(RequestStatus.Scheduled, evaluation.OutcomeOf(RequestAction.AdminAssign, Now));
    }

    [Fact]
    public void Administrator_cannot_grant_themselves_a_role()
    {
        var facts = Facts.AdminAssign() with { Principal = Facts.Carol, PrincipalIncludesRequester = true };

        var problem = Verdict.RejectedOnlyFor(RequestRules.Evaluate(facts), ErrorCodes.SelfGrantForbidden);

        Assert.Equal(ErrorKind.Forbidden, problem.Kind);
    }

    [Fact]
    public void Administrator_cannot_grant_a_role_to_a_group_they_belong_to()
    {
        var facts = Facts.AdminAssign() with { Principal = Facts.Ops, PrincipalIncludesRequester = true };

        var problem = Verdict.RejectedOnlyFor(RequestRules.Evaluate(facts), ErrorCodes.SelfGrantForbidden);

        Assert.Equal(ErrorKind.Forbidden, problem.Kind);
    }

    [Fact]
    public void Administrator_can_grant_a_role_to_a_group_they_do_not_belong_to()
    {
        Verdict.Accepted(RequestRules.Evaluate(Facts.AdminAssign() with { Principal = Facts.Ops }));
    }

    [Fact]
    public void Assigning_a_disabled_principal_is_rejected()
    {
        var facts = Facts.AdminAssign() with { Principal = Facts.Alice with { Enabled = false } };

        Verdict.RejectedOnlyFor(RequestRules.Evaluate(facts), ErrorCodes.PrincipalDisabled);
    }

    [Fact]
    public void Permanent_eligible_assignment_is_accepted_by_default()
    {
        Verdict.Accepted(RequestRules.Evaluate(Facts.AdminAssign(AssignmentKind.Eligible) with { Schedule = Facts.Permanent() }));
    }

    [Fact]
    public void Permanent_eligible_assignment_is_rejected_when_the_role_does_not_allow_permanent_eligibility()
    {
        var facts = Facts.AdminAssign(AssignmentKind.Eligible) with
        {
            Schedule = Facts.Permanent(),
            Settings = RoleSettings.Default with { EligibleAssignments = new EligibleAssignmentSettings { AllowPermanent = false } },
        };

        var problem = Verdict.RejectedOnlyFor(RequestRules.Evaluate(facts), ErrorCodes.PermanentNotAllowed);

        Assert.Equal("schedule.expiration", problem.Field);
    }

    [Fact]
    public void Permanent_active_assignment_is_rejected_when_the_role_does_not_allow_permanent_active_assignments()
    {
        var facts = Facts.AdminAssign(AssignmentKind.Active) with
        {
            Schedule = Facts.Permanent(),
            Settings = RoleSettings.Default with { ActiveAssignments = new ActiveAssignmentSettings { AllowPermanent = false } },
        };

        Verdict.RejectedOnlyFor(RequestRules.Evaluate(facts), ErrorCodes.PermanentNotAllowed);
    }

    [Fact]
    public void Time_bound_eligible_assignment_longer_than_the_maximum_is_rejected_when_permanence_is_not_allowed()
    {
        var facts = Facts.AdminAssign(AssignmentKind.Eligible) with
        {
            Schedule = Facts.Window(TimeSpan.FromDays(366)),
            Settings = RoleSettings.Default with { EligibleAssignments = new EligibleAssignmentSettings { AllowPermanent = false } },
        };

        Verdict.RejectedOnlyFor(RequestRules.Evaluate(facts), ErrorCodes.ExceedsMaxDuration);
    }

    [Fact]
    public void Time_bound_active_assignment_longer_than_the_maximum_is_rejected_when_permanence_is_not_allowed()
    {
        var facts = Facts.AdminAssign(AssignmentKind.Active) with
        {
            Schedule = Facts.Window(TimeSpan.FromDays(181)),
            Settings = RoleSettings.Default with { ActiveAssignments = new ActiveAssignmentSettings { AllowPermanent = false } },
        };

        Verdict.RejectedOnlyFor(RequestRules.Evaluate(facts), ErrorCodes.ExceedsMaxDuration);
    }

    [Fact]
    public void Time_bound_assignment_of_exactly_the_maximum_is_accepted_when_permanence_is_not_allowed()
    {
        var facts = Facts.AdminAssign(AssignmentKind.Active) with
        {
            Schedule = Facts.Window(TimeSpan.FromDays(180)),
            Settings = RoleSettings.Default with { ActiveAssignments = new ActiveAssignmentSettings { AllowPermanent = false } },
        };

        Verdict.Accepted(RequestRules.Evaluate(facts));
    }

    [Theory]
    [InlineData(AssignmentKind.Active, 181)]
    [InlineData(AssignmentKind.Eligible, 366)]
    public void Time_bound_assignment_longer_than_the_maximum_is_accepted_when_permanence_is_allowed(AssignmentKind kind, int days)
    {
        var facts = Facts.AdminAssign(kind) with { Schedule = Facts.Window(TimeSpan.FromDays(days)) };

        Verdict.Accepted(RequestRules.Evaluate(facts));
    }

    [Fact]
    public void Admin_assignment_shorter_than_five_minutes_is_rejected()
    {
        var facts = Facts.AdminAssign() with { Schedule = Facts.Window(TimeSpan.FromMinutes(4)) };

        Verdict.RejectedOnlyFor(RequestRules.Evaluate(facts), ErrorCodes.BelowMinDuration);
    }

    [Fact]
    public void Active_assignment_needs_a_justification_by_default()
    {
        var facts = Facts.AdminAssign(AssignmentKind.Active) with { Justification = null };

        var evaluation = RequestRules.Evaluate(facts);

        Verdict.RejectedOnlyFor(evaluation, ErrorCodes.JustificationRequired);
        Assert.True(evaluation.Requirements.Justification);
    }

    [Fact]
    public void Active_assignment_needs_no_justification_when_the_role_does_not_require_one()
    {
        var facts = Facts.AdminAssign(AssignmentKind.Active) with
        {
            Justification = null,
            Settings = RoleSettings.Default with { ActiveAssignments = new ActiveAssignmentSettings { RequireJustification = false } },
        };

        Verdict.Accepted(RequestRules.Evaluate(facts));
    }

    [Fact]
    public void Eligible_assignment_needs_no_justification()
    {
        Verdict.Accepted(RequestRules.Evaluate(Facts.AdminAssign(AssignmentKind.Eligible) with { Justification = null }));
    }

    [Fact]
    public void Active_assignment_needs_a_fresh_second_factor_when_the_role_requires_one()
    {
        var facts = Facts.AdminAssign(AssignmentKind.Active) with
        {
            Settings = RoleSettings.Default with { ActiveAssignments = new ActiveAssignmentSettings { RequireMfa = true } },
        };

        var evaluation = RequestRules.Evaluate(facts);

        Verdict.RejectedOnlyFor(evaluation, ErrorCodes.MfaRequired);
        Assert.True(evaluation.Requirements.Mfa);
        Verdict.Accepted(RequestRules.Evaluate(facts with { MfaPresented = true }));
    }

    [Fact]
    public void Eligible_assignment_needs_no_second_factor_even_when_active_assignments_do()
    {
        var facts = Facts.AdminAssign(AssignmentKind.Eligible) with
        {
            Settings = RoleSettings.Default with { ActiveAssignments = new ActiveAssignmentSettings { RequireMfa = true } },
        };

        Verdict.Accepted(RequestRules.Evaluate(facts));
    }

    [Fact]
    public void Assigning_while_an_open_assignment_of_the_same_kind_exists_is_rejected_as_a_conflict()
    {
        var open = Facts.Assigned(Facts.Alice.Id, AssignmentKind.Active, Now - TimeSpan.FromDays(1), Now + TimeSpan.FromDays(5));

        var problem = Verdict.RejectedOnlyFor(RequestRules.Evaluate(Facts.AdminAssign() with { Duplicate = open }), ErrorCodes.AssignmentAlreadyExists);

        Assert.Equal(ErrorKind.Conflict, problem.Kind);
    }

    [Fact]
    public void Every_problem_of_an_admin_assignment_is_reported()
    {
        var open = Facts.Assigned(Facts.Carol.Id, AssignmentKind.Active, Now - TimeSpan.FromDays(1), Now + TimeSpan.FromDays(5));
        var facts = Facts.AdminAssign() with
        {
            Principal = Facts.Carol with { Enabled = false },
            PrincipalIncludesRequester = true,
            Justification = null,
            Duplicate = open,
        };

        var codes = RequestRules.Evaluate(facts).Problems.Select(p => p.Code).ToHashSet();

        Assert.Equal(
            new HashSet<string>
            {
                ErrorCodes.SelfGrantForbidden,
                ErrorCodes.PrincipalDisabled,
                ErrorCodes.JustificationRequired,
                ErrorCodes.AssignmentAlreadyExists,
            },
            codes);
    }
}
