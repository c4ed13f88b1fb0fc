using Elevate.Core.Assignments;
using Elevate.Core.Common;
using Elevate.Core.Requests;
using Elevate.Core.Settings;

namespace Elevate.Core.Tests.Requests;

/// <summary>adminUpdate, adminExtend, adminRemove and adminRenew: administrators acting on an existing assignment.</summary>
public sealed class AdminChangeRulesTests
{
    private static readonly DateTimeOffset Now = Facts.Now;

    public static TheoryData<string> ClosingWays => ["ended", "expired", "runOut"];

    [Fact]
    public void Admin_update_of_an_open_assignment_is_accepted()
    {
        var facts = Facts.AdminUpdate();

        var evaluation = RequestRules.Evaluate(facts);

        Verdict.Accepted(evaluation);
        Assert.Equal(facts.Schedule, evaluation.Window);
        Assert.Equal(RequestStatus.Provisioned, evaluation.OutcomeOf(RequestAction.AdminUpdate, Now));
    }

    [Theory]
    [InlineData(RequestAction.AdminUpdate)]
    [InlineData(RequestAction.AdminExtend)]
    public void Admins_cannot_change_an_activation(RequestAction action)
    {
        var facts = Base(action) with { Target = Facts.Activation(Facts.Alice.Id, Now - TimeSpan.FromHours(1), Now + TimeSpan.FromHours(1)) };

        Verdict.RejectedOnlyFor(RequestRules.Evaluate(facts), ErrorCodes.WrongAssignmentKind);
    }

    [Theory]
    [MemberData(nameof(ClosingWays))]
    public void Admin_update_of_a_closed_assignment_is_rejected(string how)
    {
        var facts = Facts.AdminUpdate() with { Target = Closed(how) };

        var problem = Verdict.RejectedOnlyFor(RequestRules.Evaluate(facts), ErrorCodes.AssignmentEnded);

        Assert.Equal(ErrorKind.Conflict, problem.Kind);
    }

    [Theory]
    [MemberData(nameof(ClosingWays))]
    public void Admin_extension_of_a_closed_assignment_is_rejected(string how)
    {
        Verdict.RejectedOnlyFor(RequestRules.Evaluate(Facts.AdminExtend() with { Target = Closed(how) }), ErrorCodes.AssignmentEnded);
    }

    [Fact]
    public void Admin_update_that_would_remove_the_last_administrator_is_rejected()
    {
        var problem = Verdict.RejectedOnlyFor(RequestRules.Evaluate(Facts.AdminUpdate() with { RemovesLastAdministrator = true }), ErrorCodes.LastAdministrator);

        Assert.Equal(ErrorKind.RuleViolation, problem.Kind);
    }

    [Theory]
    [InlineData(RequestAction.AdminUpdate)]
    [InlineData(RequestAction.AdminExtend)]
    public void Administrator_cannot_lengthen_their_own_assignment(RequestAction action)
    {
        var own = Facts.Assigned(Facts.Carol.Id, AssignmentKind.Active, Now - TimeSpan.FromDays(10), Now + TimeSpan.FromDays(20));
        var facts = Base(action) with { Principal = Facts.Carol, Target = own, PrincipalIncludesRequester = true };

        Verdict.RejectedOnlyFor(RequestRules.Evaluate(facts), ErrorCodes.SelfGrantForbidden);
    }

    [Fact]
    public void Admin_update_beyond_the_maximum_is_rejected_when_permanence_is_not_allowed()
    {
        var facts = Facts.AdminUpdate() with
        {
            Settings = RoleSettings.Default with { ActiveAssignments = new ActiveAssignmentSettings { AllowPermanent = false, MaxDuration = TimeSpan.FromDays(30) } },
        };

        Verdict.RejectedOnlyFor(RequestRules.Evaluate(facts), ErrorCodes.ExceedsMaxDuration);
    }

    [Fact]
    public void Admin_extension_of_an_open_time_bound_assignment_is_accepted_and_keeps_its_start()
    {
        var facts = Facts.AdminExtend();

        var evaluation = RequestRules.Evaluate(facts);

        Verdict.Accepted(evaluation);
        Assert.Equal(facts.Target!.StartsAt, evaluation.Window!.StartsAt);
        Assert.Equal(Now + TimeSpan.FromDays(60), evaluation.Window.EndsAt);
        Assert.Equal(RequestStatus.Provisioned, evaluation.OutcomeOf(RequestAction.AdminExtend, Now));
    }

    [Theory]
    [InlineData(20)]
    [InlineData(15)]
    public void Admin_extension_must_end_later_than_the_assignment_does_now(int days)
    {
        var facts = Facts.AdminExtend() with { Schedule = Facts.Window(TimeSpan.FromDays(days)) };

        Verdict.RejectedOnlyFor(RequestRules.Evaluate(facts), ErrorCodes.EndNotLater);
    }

    [Fact]
    public void Admin_extension_of_a_permanent_assignment_is_not_allowed()
    {
        var facts = Facts.AdminExtend() with
        {
            Target = Facts.Assigned(Facts.Alice.Id, AssignmentKind.Active, Now - TimeSpan.FromDays(10), null),
        };

        Verdict.RejectedOnlyFor(RequestRules.Evaluate(facts), ErrorCodes.ActionNotAllowed);
    }

    [Fact]
    public void Admin_extension_may_reach_the_maximum_measured_from_now()
    {
        var limited = RoleSettings.Default with { ActiveAssignments = new ActiveAssignmentSettings { AllowPermanent = false, MaxDuration = TimeSpan.FromDays(30) } };
        var facts = Facts.AdminExtend() with { Settings = limited, Schedule = Facts.Window(TimeSpan.FromDays(30)) };

        Verdict.Accepted(RequestRules.Evaluate(facts));
        Verdict.RejectedOnlyFor(RequestRules.Evaluate(facts with { Schedule = Facts.Window(TimeSpan.FromDays(31)) }), ErrorCodes.ExceedsMaxDuration);
    }

    [Fact]
    public void Admin_removal_of_an_open_assignment_is_accepted_and_takes_effect_at_once()
    {
        var evaluation = RequestRules.Evaluate(Facts.AdminRemove());

        Verdict.Accepted(evaluation);
        Assert.Equal(RequestStatus.Provisioned, evaluation.OutcomeOf(RequestAction.AdminRemove, Now));
    }

    [Fact]
    public void Admin_can_remove_an_activation()
    {
        var facts = Facts.AdminRemove() with { Target = Facts.Activation(Facts.Alice.Id, Now - TimeSpan.FromHours(1), Now + TimeSpan.FromHours(1)) };

        Verdict.Accepted(RequestRules.Evaluate(facts));
    }

    [Theory]
    [MemberData(nameof(ClosingWays))]
    public void Admin_removal_of_a_closed_assignment_is_rejected(string how)
    {
        var problem = Verdict.RejectedOnlyFor(RequestRules.Evaluate(Facts.AdminRemove() with { Target = Closed(how) }), ErrorCodes.AssignmentEnded);

        Assert.Equal(ErrorKind.Conflict, problem.Kind);
    }

    [Fact]
    public void Admin_removal_that_would_remove_the_last_administrator_is_rejected()
    {
        Verdict.RejectedOnlyFor(RequestRules.Evaluate(Facts.AdminRemove() with { RemovesLastAdministrator = true }), ErrorCodes.LastAdministrator);
    }

    [Fact]
    public void Admin_renewal_of_an_expired_assignment_is_accepted()
    {
        var evaluation = RequestRules.Evaluate(Renewal(Facts.Expired(Facts.Alice.Id, AssignmentKind.Active, Now - TimeSpan.FromDays(40), Now - TimeSpan.FromDays(10))));

        Verdict.Accepted(evaluation);
        Assert.Equal(RequestStatus.Provisioned, evaluation.OutcomeOf(RequestAction.AdminRemove, Now));
    }

    [Fact]
    public void Admin_renewal_of_an_open_assignment_is_rejected()
    {
        var open = Facts.Assigned(Facts.Alice.Id, AssignmentKind.Active, Now - TimeSpan.FromDays(40), Now + TimeSpan.FromDays(10));

        Verdict.RejectedOnlyFor(RequestRules.Evaluate(Renewal(open)), ErrorCodes.NotExpired);
    }

    [Fact]
    public void Admin_renewal_of_an_activation_is_rejected()
    {
        var activation = Facts.Activation(Facts.Alice.Id, Now - TimeSpan.FromHours(5), Now - TimeSpan.FromHours(3));
        activation.Status = AssignmentStatus.Expired;

        Verdict.RejectedOnlyFor(RequestRules.Evaluate(Renewal(activation)), ErrorCodes.WrongAssignmentKind);
    }

    private static RequestFacts Base(RequestAction action) => action switch
    {
        RequestAction.AdminUpdate => Facts.AdminUpdate(),
        RequestAction.AdminExtend => Facts.AdminExtend(),
        _ => throw new ArgumentOutOfRangeException(nameof(action)),
    };

    private static RequestFacts Renewal(Assignment target) => Facts.AdminAssign() with
    {
        Action = RequestAction.AdminRenew,
        Target = target,
        Schedule = Facts.Window(TimeSpan.FromDays(30)),
    };

    private static Assignment Closed(string how)
    {
        switch (how)
        {
            case "ended":
                var ended = Facts.Assigned(Facts.Alice.Id, AssignmentKind.Active, Now - TimeSpan.FromDays(10), Now + TimeSpan.FromDays(20));
                ended.Status = AssignmentStatus.Ended;
                ended.EndedAt = Now - TimeSpan.FromDays(1);
                ended.EndReason = EndReason.RemovedByAdministrator;
                return ended;
            case "expired":
                return Facts.Expired(Facts.Alice.Id, AssignmentKind.Active, Now - TimeSpan.FromDays(10), Now - TimeSpan.FromDays(1));
            case "runOut":
                // Still marked active because the expiry job has not run: the window decides, not the status.
                return Facts.Assigned(Facts.Alice.Id, AssignmentKind.Active, Now - TimeSpan.FromDays(10), Now);
            default:
                throw new ArgumentOutOfRangeException(nameof(how));
        }
    }
}
