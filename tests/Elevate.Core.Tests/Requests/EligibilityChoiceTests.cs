using Elevate.Core.Assignments;
using Elevate.Core.Common;
using Elevate.Core.Requests;

namespace Elevate.Core.Tests.Requests;

/// <summary>Which eligibility an activation is recorded against when several cover it.</summary>
public sealed class EligibilityChoiceTests
{
    private static readonly DateTimeOffset Now = Facts.Now;
    private static readonly DateTimeOffset LongAgo = Now - TimeSpan.FromDays(100);

    [Fact]
    public void A_permanent_eligibility_is_chosen_over_a_time_bound_one()
    {
        var timeBound = Facts.Eligibility(Facts.Alice.Id, LongAgo, Now + TimeSpan.FromDays(300));
        var permanent = Facts.Eligibility(Facts.Ops.Id, LongAgo, null);

        Assert.Same(permanent, Choose(timeBound, permanent));
        Assert.Same(permanent, Choose(permanent, timeBound));
    }

    [Fact]
    public void The_principals_own_permanent_eligibility_is_chosen_over_a_groups()
    {
        var group = Facts.Eligibility(Facts.Ops.Id, LongAgo, null);
        var own = Facts.Eligibility(Facts.Alice.Id, LongAgo, null);

        Assert.Same(own, Choose(group, own));
        Assert.Same(own, Choose(own, group));
    }

    [Fact]
    public void The_principals_own_time_bound_eligibility_is_chosen_over_a_groups_ending_at_the_same_time()
    {
        var end = Now + TimeSpan.FromDays(30);
        var group = Facts.Eligibility(Facts.Ops.Id, LongAgo, end);
        var own = Facts.Eligibility(Facts.Alice.Id, LongAgo, end);

        Assert.Same(own, Choose(group, own));
        Assert.Same(own, Choose(own, group));
    }

    [Fact]
    public void Of_two_time_bound_eligibilities_the_one_that_ends_later_is_chosen()
    {
        var sooner = Facts.Eligibility(Facts.Alice.Id, LongAgo, Now + TimeSpan.FromDays(10));
        var later = Facts.Eligibility(Facts.Ops.Id, LongAgo, Now + TimeSpan.FromDays(20));

        Assert.Same(later, Choose(sooner, later));
        Assert.Same(later, Choose(later, sooner));
    }

    [Fact]
    public void An_eligibility_that_does_not_cover_the_window_is_not_chosen()
    {
        var endsTooSoon = Facts.Eligibility(Facts.Alice.Id, LongAgo, Now + TimeSpan.FromHours(1));
        var covering = Facts.Eligibility(Facts.Ops.Id, LongAgo, Now + TimeSpan.FromDays(1));

        Assert.Same(covering, Choose(endsTooSoon, covering));
    }

    [Theory]
    [InlineData(AssignmentStatus.Expired)]
    [InlineData(AssignmentStatus.Ended)]
    public void A_closed_eligibility_does_not_allow_activation(AssignmentStatus status)
    {
        var closed = Facts.Eligibility(Facts.Alice.Id, LongAgo, null);
        closed.Status = status;
        var facts = Facts.SelfActivate() with { Eligibilities = [closed] };

        var evaluation = RequestRules.Evaluate(facts);

        Verdict.RejectedOnlyFor(evaluation, ErrorCodes.OutsideEligibilityWindow);
        Assert.Null(evaluation.Eligibility);
    }

    private static Assignment? Choose(params Assignment[] eligibilities)
    {
        var evaluation = RequestRules.Evaluate(Facts.SelfActivate() with { Eligibilities = eligibilities });
        Verdict.Accepted(evaluation);
        return evaluation.Eligibility;
    }
}
