using Elevate.Core.Assignments;
using Elevate.Core.Common;
using Elevate.Core.Requests;

namespace Elevate.Core.Tests.Requests;

public sealed class DeactivationRulesTests
{
    private static readonly DateTimeOffset Now = Facts.Now;

    [Fact]
    public void Holder_can_deactivate_their_own_running_activation_at_once()
    {
        var evaluation = RequestRules.Evaluate(Facts.SelfDeactivate());

        Verdict.Accepted(evaluation);
        Assert.Equal(RequestStatus.Provisioned, evaluation.OutcomeOf(RequestAction.SelfDeactivate, Now));
    }

    [Fact]
    public void Holder_can_deactivate_their_own_activation_before_it_starts()
    {
        var scheduled = Facts.Activation(Facts.Alice.Id, Now + TimeSpan.FromHours(1), Now + TimeSpan.FromHours(2));

        Verdict.Accepted(RequestRules.Evaluate(Facts.SelfDeactivate() with { Target = scheduled }));
    }

    [Fact]
    public void Deactivating_someone_elses_activation_is_forbidden()
    {
        var bobs = Facts.Activation(Facts.Bob.Id, Now - TimeSpan.FromMinutes(30), Now + TimeSpan.FromHours(1));

        var problem = Verdict.RejectedOnlyFor(RequestRules.Evaluate(Facts.SelfDeactivate() with { Target = bobs }), ErrorCodes.NotOwnAssignment);

        Assert.Equal(ErrorKind.Forbidden, problem.Kind);
    }

    [Fact]
    public void Deactivating_an_assignment_an_administrator_made_is_rejected()
    {
        var assigned = Facts.Assigned(Facts.Alice.Id, AssignmentKind.Active, Now - TimeSpan.FromDays(1), Now + TimeSpan.FromDays(1));

        Verdict.RejectedOnlyFor(RequestRules.Evaluate(Facts.SelfDeactivate() with { Target = assigned }), ErrorCodes.WrongAssignmentKind);
    }

    [Theory]
    [InlineData(AssignmentStatus.Ended)]
    [InlineData(AssignmentStatus.Expired)]
    public void Deactivating_a_closed_activation_is_rejected(AssignmentStatus status)
    {
        var facts = Facts.SelfDeactivate();
        facts.Target!.Status = status;

        var problem = Verdict.RejectedOnlyFor(RequestRules.Evaluate(facts), ErrorCodes.AssignmentEnded);

        Assert.Equal(ErrorKind.Conflict, problem.Kind);
    }

    [Fact]
    public void Deactivating_an_activation_whose_window_ran_out_is_rejected_even_before_it_is_marked_expired()
    {
        var runOut = Facts.Activation(Facts.Alice.Id, Now - TimeSpan.FromHours(2), Now);

        Verdict.RejectedOnlyFor(RequestRules.Evaluate(Facts.SelfDeactivate() with { Target = runOut }), ErrorCodes.AssignmentEnded);
    }

    [Fact]
    public void Deactivating_without_a_target_is_rejected()
    {
        var problem = Verdict.RejectedOnlyFor(RequestRules.Evaluate(Facts.SelfDeactivate() with { Target = null }), ErrorCodes.Required);

        Assert.Equal("targetAssignmentId", problem.Field);
    }
}
