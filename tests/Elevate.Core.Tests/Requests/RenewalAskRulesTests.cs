using Elevate.Core.Assignments;
using Elevate.Core.Common;
using Elevate.Core.Requests;

namespace Elevate.Core.Tests.Requests;

/// <summary>selfRenew: a holder asks administrators to renew an expired assignment they made.</summary>
public sealed class RenewalAskRulesTests
{
    private static readonly DateTimeOffset Now = Facts.Now;

    [Fact]
    public void Asking_to_renew_an_expired_assignment_is_accepted_and_waits_for_approval()
    {
        var evaluation = RequestRules.Evaluate(Facts.SelfRenew());

        Verdict.Accepted(evaluation);
        Assert.Equal(RequestStatus.PendingApproval, evaluation.OutcomeOf(RequestAction.SelfRenew, Now));
    }

    [Fact]
    public void Asking_to_renew_an_assignment_whose_window_ran_out_counts_as_expired_before_it_is_marked()
    {
        var facts = Facts.SelfRenew() with
        {
            Target = Facts.Assigned(Facts.Alice.Id, AssignmentKind.Active, Now - TimeSpan.FromDays(30), Now - TimeSpan.FromMinutes(1)),
        };

        Verdict.Accepted(RequestRules.Evaluate(facts));
    }

    [Fact]
    public void Asking_to_renew_an_open_assignment_is_rejected()
    {
        var facts = Facts.SelfRenew() with
        {
            Target = Facts.Assigned(Facts.Alice.Id, AssignmentKind.Active, Now - TimeSpan.FromDays(30), Now + TimeSpan.FromDays(1)),
        };

        Verdict.RejectedOnlyFor(RequestRules.Evaluate(facts), ErrorCodes.NotExpired);
    }

    [Fact]
    public void Asking_to_renew_an_assignment_an_administrator_removed_is_rejected()
    {
        var removed = Facts.Assigned(Facts.Alice.Id, AssignmentKind.Active, Now - TimeSpan.FromDays(30), Now + TimeSpan.FromDays(1));
        removed.Status = AssignmentStatus.Ended;
        removed.EndReason = EndReason.RemovedByAdministrator;
        removed.EndedAt = Now - TimeSpan.FromDays(1);

        Verdict.RejectedOnlyFor(RequestRules.Evaluate(Facts.SelfRenew() with { Target = removed }), ErrorCodes.NotExpired);
    }

    [Fact]
    public void Asking_to_renew_an_activation_is_rejected()
    {
        var activation = Facts.Activation(Facts.Alice.Id, Now - TimeSpan.FromHours(5), Now - TimeSpan.FromHours(3));
        activation.Status = AssignmentStatus.Expired;

        Verdict.RejectedOnlyFor(RequestRules.Evaluate(Facts.SelfRenew() with { Target = activation }), ErrorCodes.WrongAssignmentKind);
    }

    [Fact]
    public void Asking_to_renew_someone_elses_assignment_is_forbidden()
    {
        var bobs = Facts.Expired(Facts.Bob.Id, AssignmentKind.Active, Now - TimeSpan.FromDays(30), Now - TimeSpan.FromDays(1));

        Verdict.RejectedOnlyFor(RequestRules.Evaluate(Facts.SelfRenew() with { Target = bobs }), ErrorCodes.NotOwnAssignment);
    }

    [Fact]
    public void Asking_to_renew_needs_a_justification()
    {
        Verdict.RejectedOnlyFor(RequestRules.Evaluate(Facts.SelfRenew() with { Justification = " " }), ErrorCodes.JustificationRequired);
    }

    [Fact]
    public void Asking_to_renew_while_an_open_assignment_of_the_same_kind_exists_is_rejected()
    {
        var open = Facts.Assigned(Facts.Alice.Id, AssignmentKind.Active, Now - TimeSpan.FromDays(1), Now + TimeSpan.FromDays(10));

        var problem = Verdict.RejectedOnlyFor(RequestRules.Evaluate(Facts.SelfRenew() with { Duplicate = open }), ErrorCodes.AssignmentAlreadyExists);

        Assert.Equal(ErrorKind.Conflict, problem.Kind);
    }
}
