using static Elevate.Core.Principals.AdministratorSafeguard;

namespace Elevate.Core.Tests.Principals;

public sealed class AdministratorSafeguardTests
{
    private static readonly Guid Alice = Guid.NewGuid();
    private static readonly Guid Bob = Guid.NewGuid();
    private static readonly Guid Admins = Guid.NewGuid();
    private static readonly Guid Robot = Guid.NewGuid();

    [Fact]
    public void Removing_the_only_administrators_assignment_is_refused()
    {
        var alices = new Holder(Guid.NewGuid(), Alice, [Alice]);

        Assert.True(WouldRemoveLast([alices], new Change(RemovedAssignmentId: alices.AssignmentId)));
    }

    [Fact]
    public void Removing_an_administrators_assignment_is_allowed_when_another_user_holds_the_role()
    {
        var alices = new Holder(Guid.NewGuid(), Alice, [Alice]);
        var bobs = new Holder(Guid.NewGuid(), Bob, [Bob]);

        Assert.False(WouldRemoveLast([alices, bobs], new Change(RemovedAssignmentId: alices.AssignmentId)));
    }

    [Fact]
    public void Removing_a_direct_assignment_is_allowed_when_the_same_user_is_still_administrator_through_a_group()
    {
        var alices = new Holder(Guid.NewGuid(), Alice, [Alice]);
        var group = new Holder(Guid.NewGuid(), Admins, [Alice]);

        Assert.False(WouldRemoveLast([alices, group], new Change(RemovedAssignmentId: alices.AssignmentId)));
    }

    [Fact]
    public void Removing_the_last_member_of_the_administrators_group_is_refused()
    {
        var group = new Holder(Guid.NewGuid(), Admins, [Alice]);

        Assert.True(WouldRemoveLast([group], new Change(RemovedMembership: (Admins, Alice))));
    }

    [Fact]
    public void Removing_one_of_several_members_of_the_administrators_group_is_allowed()
    {
        var group = new Holder(Guid.NewGuid(), Admins, [Alice, Bob]);

        Assert.False(WouldRemoveLast([group], new Change(RemovedMembership: (Admins, Alice))));
        Assert.Equal(1, CountAdministrators([group], new Change(RemovedMembership: (Admins, Alice))));
    }

    [Fact]
    public void Removing_a_membership_of_another_group_changes_nothing()
    {
        var group = new Holder(Guid.NewGuid(), Admins, [Alice]);

        Assert.False(WouldRemoveLast([group], new Change(RemovedMembership: (Guid.NewGuid(), Alice))));
    }

    [Fact]
    public void Removing_the_group_assignment_that_makes_the_only_administrator_is_refused()
    {
        var group = new Holder(Guid.NewGuid(), Admins, [Alice, Bob]);

        Assert.True(WouldRemoveLast([group], new Change(RemovedAssignmentId: group.AssignmentId)));
    }

    [Fact]
    public void Disabling_the_last_administrator_is_refused()
    {
        var alices = new Holder(Guid.NewGuid(), Alice, [Alice]);

        Assert.True(WouldRemoveLast([alices], new Change(DisabledPrincipalId: Alice)));
    }

    [Fact]
    public void Disabling_the_last_administrator_who_holds_the_role_through_a_group_is_refused()
    {
        var group = new Holder(Guid.NewGuid(), Admins, [Alice]);

        Assert.True(WouldRemoveLast([group], new Change(DisabledPrincipalId: Alice)));
    }

    [Fact]
    public void Disabling_the_administrators_group_is_refused_when_it_makes_the_only_administrators()
    {
        var group = new Holder(Guid.NewGuid(), Admins, [Alice, Bob]);

        Assert.True(WouldRemoveLast([group], new Change(DisabledPrincipalId: Admins)));
    }

    [Fact]
    public void Disabling_one_administrator_is_allowed_while_another_remains()
    {
        var alices = new Holder(Guid.NewGuid(), Alice, [Alice]);
        var bobs = new Holder(Guid.NewGuid(), Bob, [Bob]);

        Assert.False(WouldRemoveLast([alices, bobs], new Change(DisabledPrincipalId: Alice)));
    }

    [Fact]
    public void A_service_account_holding_the_role_does_not_count_as_an_administrator()
    {
        var robots = new Holder(Guid.NewGuid(), Robot, []);
        var alices = new Holder(Guid.NewGuid(), Alice, [Alice]);

        Assert.Equal(0, CountAdministrators([robots]));
        Assert.True(WouldRemoveLast([robots, alices], new Change(RemovedAssignmentId: alices.AssignmentId)));
    }

    [Fact]
    public void A_user_holding_the_role_several_ways_counts_once()
    {
        var alices = new Holder(Guid.NewGuid(), Alice, [Alice]);
        var group = new Holder(Guid.NewGuid(), Admins, [Alice, Bob]);

        Assert.Equal(2, CountAdministrators([alices, group]));
    }

    [Fact]
    public void A_change_when_there_is_no_administrator_at_all_is_not_refused()
    {
        // The rule is about going from one or more to none; it cannot make an empty installation worse.
        var robots = new Holder(Guid.NewGuid(), Robot, []);

        Assert.False(WouldRemoveLast([robots], new Change(RemovedAssignmentId: robots.AssignmentId)));
        Assert.False(WouldRemoveLast([], new Change(DisabledPrincipalId: Alice)));
    }

    [Fact]
    public void Counting_without_a_change_counts_every_enabled_user_once()
    {
        Assert.Equal(0, CountAdministrators([]));
        Assert.Equal(1, CountAdministrators([new Holder(Guid.NewGuid(), Alice, [Alice])]));
    }
}
