using Elevate.Core.Assignments;
using Elevate.Core.Common;
using Elevate.Core.Requests;
using Elevate.Core.Settings;

namespace Elevate.Core.Tests.Requests;

/// <summary>selfExtend of an activation: judged like activating again from now, without a gap.</summary>
public sealed class ActivationExtensionRulesTests
{
    private static readonly DateTimeOffset Now = Facts.Now;

    [Fact]
    public void Extending_an_own_activation_within_the_maximum_from_now_is_accepted_and_keeps_its_start()
    {
        var facts = Facts.SelfExtendActivation();

        var evaluation = RequestRules.Evaluate(facts);

        Verdict.Accepted(evaluation);
        Assert.Equal(facts.Target!.StartsAt, evaluation.Window!.StartsAt);
        Assert.Equal(Now + TimeSpan.FromHours(4), evaluation.Window.EndsAt);
        Assert.Equal(RequestStatus.Provisioned, evaluation.OutcomeOf(RequestAction.SelfExtend, Now));
        Assert.Same(facts.Eligibilities[0], evaluation.Eligibility);
    }

    [Fact]
    public void Extension_is_measured_from_now_not_from_the_activation_start()
    {
        // Started seven hours ago: the whole window becomes 15 hours, but only eight of them lie ahead.
        var facts = Facts.SelfExtendActivation() with
        {
            Target = Facts.Activation(Facts.Alice.Id, Now - TimeSpan.FromHours(7), Now + TimeSpan.FromHours(1)),
            Schedule = Facts.Window(TimeSpan.FromHours(8)),
        };

        Verdict.Accepted(RequestRules.Evaluate(facts));
    }

    [Fact]
    public void Extension_ending_beyond_the_maximum_from_now_is_rejected()
    {
        var facts = Facts.SelfExtendActivation() with { Schedule = Facts.Window(TimeSpan.FromHours(8) + TimeSpan.FromMinutes(1)) };

        Verdict.RejectedOnlyFor(RequestRules.Evaluate(facts), ErrorCodes.ExceedsMaxDuration);
    }

    [Theory]
    [InlineData(60)]
    [InlineData(30)]
    public void Extension_must_end_later_than_the_activation_does_now(int minutesFromNow)
    {
        var facts = Facts.SelfExtendActivation() with { Schedule = Facts.Window(TimeSpan.FromMinutes(minutesFromNow)) };

        Verdict.RejectedOnlyFor(RequestRules.Evaluate(facts), ErrorCodes.EndNotLater);
    }

    [Fact]
    public void Extension_beyond_the_eligibility_end_is_rejected()
    {
        var facts = Facts.SelfExtendActivation() with
        {
            Eligibilities = [Facts.Eligibility(Facts.Alice.Id, Now - TimeSpan.FromDays(30), Now + TimeSpan.FromHours(2))],
            Schedule = Facts.Window(TimeSpan.FromHours(3)),
        };

        Verdict.RejectedOnlyFor(RequestRules.Evaluate(facts), ErrorCodes.OutsideEligibilityWindow);
    }

    [Fact]
    public void Extension_without_any_eligibility_left_is_rejected()
    {
        var facts = Facts.SelfExtendActivation() with { Eligibilities = [] };

        Verdict.RejectedOnlyFor(RequestRules.Evaluate(facts), ErrorCodes.NotEligible);
    }

    [Fact]
    public void Extending_someone_elses_activation_is_forbidden()
    {
        var facts = Facts.SelfExtendActivation() with
        {
            Target = Facts.Activation(Facts.Bob.Id, Now - TimeSpan.FromHours(1), Now + TimeSpan.FromHours(1)),
        };

        Verdict.RejectedOnlyFor(RequestRules.Evaluate(facts), ErrorCodes.NotOwnAssignment);
    }

    [Theory]
    [InlineData(AssignmentStatus.Ended)]
    [InlineData(AssignmentStatus.Expired)]
    public void Extending_a_closed_activation_is_rejected(AssignmentStatus status)
    {
        var facts = Facts.SelfExtendActivation();
        facts.Target!.Status = status;

        Verdict.RejectedOnlyFor(RequestRules.Evaluate(facts), ErrorCodes.AssignmentEnded);
    }

    [Fact]
    public void Extension_needs_a_justification_like_an_activation()
    {
        var facts = Facts.SelfExtendActivation() with { Justification = null };

        Verdict.RejectedOnlyFor(RequestRules.Evaluate(facts), ErrorCodes.JustificationRequired);
    }

    [Fact]
    public void Extension_needs_a_fresh_second_factor_when_the_role_requires_one()
    {
        var facts = Facts.SelfExtendActivation() with
        {
            Settings = RoleSettings.Default with { Activation = new ActivationSettings { RequireMfa = true } },
        };

        Verdict.RejectedOnlyFor(RequestRules.Evaluate(facts), ErrorCodes.MfaRequired);
    }

    [Fact]
    public void Extension_waits_for_approval_when_the_role_requires_approval()
    {
        var facts = Facts.SelfExtendActivation() with
        {
            Settings = RoleSettings.Default with
            {
                Activation = new ActivationSettings { Approval = new ApprovalSettings { Required = true, Approvers = [Facts.Bob.Id] } },
            },
        };

        var evaluation = RequestRules.Evaluate(facts);

        Verdict.Accepted(evaluation);
        Assert.Equal(RequestStatus.PendingApproval, evaluation.OutcomeOf(RequestAction.SelfExtend, Now));
    }
}
