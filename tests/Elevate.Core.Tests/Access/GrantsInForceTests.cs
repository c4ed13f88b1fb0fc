using Elevate.Core.Access;
using Elevate.Core.Assignments;
using Elevate.Core.Principals;
using Elevate.Core.Roles;

namespace Elevate.Core.Tests.Access;

public sealed class GrantsInForceTests
{
    private static readonly DateTimeOffset Now = new(2026, 11, 27, 9, 0, 0, TimeSpan.Zero);

    [Fact]
    public void A_disabled_groups_grants_are_not_listed_as_held_by_its_members()
    {
        var index = new AccessIndex();
        var alice = new IndexedPrincipal(Guid.NewGuid(), PrincipalKind.User, "alice", true);
        var team = new IndexedPrincipal(Guid.NewGuid(), PrincipalKind.Group, "team", true);
        var role = new IndexedRole(Guid.NewGuid(), "reader", null);
        index.SetPrincipal(alice);
        index.SetPrincipal(team);
        index.SetRole(role);
        index.SetGroupMembers(team.Id, [alice.Id]);
        var grant = new IndexedGrant(Guid.NewGuid(), team.Id, role.Id, ScopePath.Root, Now.AddHours(-1), null, AssignmentOrigin.Administrator);
        index.SetGrant(grant.AssignmentId, grant);
        Assert.Single(index.GrantsInForce(alice.Id, Now));

        index.SetPrincipal(team with { Enabled = false });

        Assert.Empty(index.GrantsInForce(alice.Id, Now));
        Assert.False(index.Check(alice.Id, role.Id, ScopePath.Root, Now).Allowed);
    }

    [Fact]
    public void A_disabled_principal_holds_nothing()
    {
        var index = new AccessIndex();
        var alice = new IndexedPrincipal(Guid.NewGuid(), PrincipalKind.User, "alice", false);
        index.SetPrincipal(alice);
        var grant = new IndexedGrant(Guid.NewGuid(), alice.Id, Guid.NewGuid(), ScopePath.Root, Now.AddHours(-1), null, AssignmentOrigin.Administrator);
        index.SetGrant(grant.AssignmentId, grant);

        Assert.Empty(index.GrantsInForce(alice.Id, Now));
    }
}
