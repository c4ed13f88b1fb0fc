using Elevate.Core.Assignments;
using Elevate.Core.Common;
using Elevate.Core.Requests;
using Elevate.Core.Settings;

namespace Elevate.Core.Tests.Requests;

/// <summary>selfExtend of an assignment an administrator made: a request that waits for an administrator.</summary>
public sealed class AssignmentExtensionAskRulesTests
{
    private static readonly DateTimeOffset Now = Facts.Now;

    [Fact]
    public void Asking_to_extend_within_the_extension_window_is_accepted_and_waits_for_approval()
    {
        var facts = Facts.SelfExtendAssignment();

        var evaluation = RequestRules.Evaluate(facts);

        Verdict.Accepted(evaluation);
        Assert.Equal(RequestStatus.PendingApproval, evaluation.OutcomeOf(RequestAction.SelfExtend, Now));
        Assert.Equal(facts.Target!.StartsAt, evaluation.Window!.StartsAt);
    }

    [Fact]
    public void Asking_to_extend_needs_approval_even_when_activations_of_the_role_do_not()
    {
        var evaluation = RequestRules.Evaluate(Facts.SelfExtendAssignment());

        Assert.False(RoleSettings.Default.Activation.Approval.Required);
        Assert.True(evaluation.Requirements.Approval);
        Assert.True(evaluation.Requirements.Justification);
    }

    [Fact]
    public void Asking_to_extend_before_the_extension_window_is_rejected()
    {
        var facts = Facts.SelfExtendAssignment() with
        {
            Target = Facts.Assigned(Facts.Alice.Id, AssignmentKind.Active, Now - TimeSpan.FromDays(100), Now + TimeSpan.FromDays(14) + TimeSpan.FromTicks(1)),
            Schedule = Facts.Window(TimeSpan.FromDays(90)),
        };

        Verdict.RejectedOnlyFor(RequestRules.Evaluate(facts), ErrorCodes.NotYetExtendable);
    }

    [Fact]
    public void Asking_to_extend_exactly_at_the_start_of_the_extension_window_is_accepted()
    {
        var facts = Facts.SelfExtendAssignment() with
        {
            Target = Facts.Assigned(Facts.Alice.Id, AssignmentKind.Active, Now - TimeSpan.FromDays(100), Now + TimeSpan.FromDays(14)),
        };

        Verdict.Accepted(RequestRules.Evaluate(facts));
    }

    [Fact]
    public void The_extension_window_comes_from_the_role_settings()
    {
        var facts = Facts.SelfExtendAssignment() with { Settings = RoleSettings.Default with { ExtensionWindow = TimeSpan.FromDays(7) } };

        Verdict.RejectedOnlyFor(RequestRules.Evaluate(facts), ErrorCodes.NotYetExtendable);
    }

    [Fact]
    public void Asking_to_extend_a_permanent_assignment_is_not_allowed()
    {
        var facts = Facts.SelfExtendAssignment() with
        {
            Target = Facts.Assigned(Facts.Alice.Id, AssignmentKind.Active, Now - TimeSpan.FromDays(100), null),
        };

        Verdict.RejectedOnlyFor(RequestRules.Evaluate(facts), ErrorCodes.ActionNotAllowed);
    }

    [Fact]
    public void Asking_to_extend_needs_a_justification_even_when_activations_of_the_role_do_not()
    {
        var facts = Facts.SelfExtendAssignment() with
        {
            Justification = null,
            Settings = RoleSettings.Default with { Activation = new ActivationSettings { RequireJustification = false } },
        };

        Verdict.RejectedOnlyFor(RequestRules.Evaluate(facts), ErrorCodes.JustificationRequired);
    }

    [Fact]
    public void Asking_to_extend_must_end_later_than_the_assignment_does_now()
    {
        var facts = Facts.SelfExtendAssignment() with { Schedule = Facts.Window(TimeSpan.FromDays(10)) };

        Verdict.RejectedOnlyFor(RequestRules.Evaluate(facts), ErrorCodes.EndNotLater);
    }

    [Fact]
    public void Asking_to_extend_beyond_the_kinds_maximum_is_rejected_when_permanence_is_not_allowed()
    {
        var facts = Facts.SelfExtendAssignment() with
        {
            Settings = RoleSettings.Default with { ActiveAssignments = new ActiveAssignmentSettings { AllowPermanent = false, MaxDuration = TimeSpan.FromDays(30) } },
            Schedule = Facts.Window(TimeSpan.FromDays(31)),
        };

        Verdict.RejectedOnlyFor(RequestRules.Evaluate(facts), ErrorCodes.ExceedsMaxDuration);
    }

    [Fact]
    public void Asking_to_extend_someone_elses_assignment_is_forbidden()
    {
        var facts = Facts.SelfExtendAssignment() with
        {
            Target = Facts.Assigned(Facts.Bob.Id, AssignmentKind.Active, Now - TimeSpan.FromDays(100), Now + TimeSpan.FromDays(10)),
        };

        Verdict.RejectedOnlyFor(RequestRules.Evaluate(facts), ErrorCodes.NotOwnAssignment);
    }

    [Fact]
    public void Asking_to_extend_an_expired_assignment_is_rejected()
    {
        var facts = Facts.SelfExtendAssignment() with
        {
            Target = Facts.Expired(Facts.Alice.Id, AssignmentKind.Active, Now - TimeSpan.FromDays(100), Now - TimeSpan.FromDays(1)),
        };

        Verdict.RejectedOnlyFor(RequestRules.Evaluate(facts), ErrorCodes.AssignmentEnded);
    }
}
