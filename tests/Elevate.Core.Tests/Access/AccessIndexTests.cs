using Elevate.Core.Access;
using Elevate.Core.Assignments;
using Elevate.Core.Principals;
using Elevate.Core.Roles;

namespace Elevate.Core.Tests.Access;

public sealed class AccessIndexTests
{
    private static readonly DateTimeOffset Now = new(2026, 3, 2, 9, 0, 0, TimeSpan.Zero);
    private static readonly ScopePath Root = ScopePath.Root;
    private static readonly ScopePath Prod = ScopePath.Parse("/prod");
    private static readonly ScopePath Payments = ScopePath.Parse("/prod/payments");

    private static readonly IndexedPrincipal Alice = new(Guid.NewGuid(), PrincipalKind.User, "alice", true);
    private static readonly IndexedPrincipal Bob = new(Guid.NewGuid(), PrincipalKind.User, "bob", true);
    private static readonly IndexedPrincipal Ops = new(Guid.NewGuid(), PrincipalKind.Group, "ops", true);
    private static readonly IndexedRole DbAdmin = new(Guid.NewGuid(), "Database Administrator", null);

    private readonly AccessIndex _index = new();

    public AccessIndexTests()
    {
        _index.SetPrincipal(Alice);
        _index.SetPrincipal(Bob);
        _index.SetPrincipal(Ops);
        _index.SetRole(DbAdmin);
    }

    [Fact]
    public void A_grant_is_in_force_from_its_start_to_one_tick_before_its_end()
    {
        var grant = Grant(Alice.Id, Payments, Now, Now + TimeSpan.FromHours(2));

        Assert.False(Allowed(Alice.Id, Payments, Now - TimeSpan.FromTicks(1)));
        Assert.True(Allowed(Alice.Id, Payments, Now));
        Assert.True(Allowed(Alice.Id, Payments, grant.EndsAt!.Value - TimeSpan.FromTicks(1)));
        Assert.False(Allowed(Alice.Id, Payments, grant.EndsAt.Value));
    }

    [Fact]
    public void A_permanent_grant_is_in_force_from_its_start_on()
    {
        Grant(Alice.Id, Payments, Now, null);

        Assert.False(Allowed(Alice.Id, Payments, Now - TimeSpan.FromTicks(1)));
        Assert.True(Allowed(Alice.Id, Payments, Now + TimeSpan.FromDays(3650)));
    }

    [Fact]
    public void The_decision_reports_the_grant_that_allows_it()
    {
        var grant = Grant(Alice.Id, Payments, Now, Now + TimeSpan.FromHours(2));

        var decision = _index.Check(Alice.Id, DbAdmin.Id, Payments, Now);

        Assert.True(decision.Allowed);
        Assert.Equal(grant, decision.Grant);
        Assert.Null(decision.ViaGroup);
    }

    [Fact]
    public void A_grant_at_a_scope_holds_at_every_scope_below_it_and_not_above()
    {
        Grant(Alice.Id, Prod, Now, null);

        Assert.True(Allowed(Alice.Id, Prod, Now));
        Assert.True(Allowed(Alice.Id, Payments, Now));
        Assert.False(Allowed(Alice.Id, Root, Now));
        Assert.False(Allowed(Alice.Id, ScopePath.Parse("/production"), Now));
    }

    [Fact]
    public void A_grant_of_one_role_does_not_give_another()
    {
        Grant(Alice.Id, Root, Now, null);

        Assert.False(_index.Check(Alice.Id, Guid.NewGuid(), Payments, Now).Allowed);
    }

    [Fact]
    public void A_grant_to_a_group_applies_to_its_enabled_members()
    {
        _index.SetGroupMembers(Ops.Id, [Alice.Id]);
        var grant = Grant(Ops.Id, Prod, Now, Now + TimeSpan.FromHours(2));

        var decision = _index.Check(Alice.Id, DbAdmin.Id, Payments, Now);

        Assert.True(decision.Allowed);
        Assert.Equal(grant, decision.Grant);
        Assert.Equal(Ops, decision.ViaGroup);
        Assert.False(Allowed(Bob.Id, Payments, Now));
    }

    [Fact]
    public void A_grant_to_a_group_does_not_apply_to_a_disabled_member()
    {
        _index.SetGroupMembers(Ops.Id, [Alice.Id, Bob.Id]);
        Grant(Ops.Id, Prod, Now, null);

        _index.SetPrincipal(Alice with { Enabled = false });

        Assert.False(Allowed(Alice.Id, Payments, Now));
        Assert.True(Allowed(Bob.Id, Payments, Now));
    }

    [Fact]
    public void A_grant_to_a_disabled_group_applies_to_nobody()
    {
        _index.SetGroupMembers(Ops.Id, [Alice.Id]);
        Grant(Ops.Id, Prod, Now, null);

        _index.SetPrincipal(Ops with { Enabled = false });

        Assert.False(Allowed(Alice.Id, Payments, Now));
    }

    [Fact]
    public void A_disabled_principal_is_denied_even_with_its_own_grant()
    {
        Grant(Alice.Id, Payments, Now, null);

        _index.SetPrincipal(Alice with { Enabled = false });

        Assert.False(Allowed(Alice.Id, Payments, Now));
        Assert.Equal(AccessDecision.Denied, _index.Check(Alice.Id, DbAdmin.Id, Payments, Now));
    }

    [Fact]
    public void An_unknown_principal_is_denied()
    {
        Assert.False(Allowed(Guid.NewGuid(), Payments, Now));
    }

    [Fact]
    public void Of_two_overlapping_grants_access_lasts_until_the_later_ends_and_the_longest_is_reported()
    {
        var earlier = Grant(Alice.Id, Payments, Now, Now + TimeSpan.FromHours(1));
        var later = Grant(Alice.Id, Prod, Now + TimeSpan.FromMinutes(30), Now + TimeSpan.FromHours(3));

        Assert.Equal(earlier, _index.Check(Alice.Id, DbAdmin.Id, Payments, Now).Grant);
        Assert.Equal(later, _index.Check(Alice.Id, DbAdmin.Id, Payments, Now + TimeSpan.FromMinutes(45)).Grant);
        Assert.Equal(later, _index.Check(Alice.Id, DbAdmin.Id, Payments, earlier.EndsAt!.Value).Grant);
        Assert.True(Allowed(Alice.Id, Payments, later.EndsAt!.Value - TimeSpan.FromTicks(1)));
        Assert.False(Allowed(Alice.Id, Payments, later.EndsAt.Value));
    }

    [Fact]
    public void A_permanent_grant_is_reported_over_a_time_bound_one()
    {
        Grant(Alice.Id, Payments, Now, Now + TimeSpan.FromHours(1));
        var permanent = Grant(Alice.Id, Root, Now - TimeSpan.FromDays(1), null);
        Grant(Alice.Id, Prod, Now, Now + TimeSpan.FromHours(2));

        Assert.Equal(permanent, _index.Check(Alice.Id, DbAdmin.Id, Payments, Now).Grant);
    }

    [Fact]
    public void A_group_grant_that_lasts_longer_is_reported_over_the_principals_own()
    {
        _index.SetGroupMembers(Ops.Id, [Alice.Id]);
        Grant(Alice.Id, Payments, Now, Now + TimeSpan.FromHours(1));
        var group = Grant(Ops.Id, Payments, Now, Now + TimeSpan.FromHours(2));

        var decision = _index.Check(Alice.Id, DbAdmin.Id, Payments, Now);

        Assert.Equal(group, decision.Grant);
        Assert.Equal(Ops, decision.ViaGroup);
    }

    [Fact]
    public void Removing_a_grant_denies_access()
    {
        var grant = Grant(Alice.Id, Payments, Now, null);

        _index.SetGrant(grant.AssignmentId, null);

        Assert.False(Allowed(Alice.Id, Payments, Now));
        Assert.Equal(0, _index.GrantCount);
    }

    [Fact]
    public void Removing_one_of_two_grants_leaves_the_other_in_force()
    {
        var first = Grant(Alice.Id, Payments, Now, null);
        var second = Grant(Alice.Id, Prod, Now, Now + TimeSpan.FromHours(1));

        _index.SetGrant(first.AssignmentId, null);

        Assert.Equal(second, _index.Check(Alice.Id, DbAdmin.Id, Payments, Now).Grant);
    }

    [Fact]
    public void Replacing_a_grant_applies_its_new_window_only()
    {
        var grant = Grant(Alice.Id, Payments, Now, Now + TimeSpan.FromHours(4));

        _index.SetGrant(grant.AssignmentId, grant with { EndsAt = Now + TimeSpan.FromHours(1) });

        Assert.True(Allowed(Alice.Id, Payments, Now));
        Assert.False(Allowed(Alice.Id, Payments, Now + TimeSpan.FromHours(2)));
        Assert.Equal(1, _index.GrantCount);
    }

    [Fact]
    public void Replacing_a_grant_with_one_for_another_holder_moves_it()
    {
        var grant = Grant(Alice.Id, Payments, Now, null);

        _index.SetGrant(grant.AssignmentId, grant with { HolderId = Bob.Id });

        Assert.False(Allowed(Alice.Id, Payments, Now));
        Assert.True(Allowed(Bob.Id, Payments, Now));
    }

    [Fact]
    public void Replacing_the_group_members_removes_those_left_out()
    {
        _index.SetGroupMembers(Ops.Id, [Alice.Id, Bob.Id]);
        Grant(Ops.Id, Prod, Now, null);

        _index.SetGroupMembers(Ops.Id, [Bob.Id]);

        Assert.False(Allowed(Alice.Id, Payments, Now));
        Assert.True(Allowed(Bob.Id, Payments, Now));
        Assert.Empty(_index.GroupsOf(Alice.Id));
        Assert.Equal([Ops.Id], _index.GroupsOf(Bob.Id));
    }

    [Fact]
    public void Replacing_the_members_of_one_group_keeps_memberships_of_other_groups()
    {
        var other = new IndexedPrincipal(Guid.NewGuid(), PrincipalKind.Group, "dba", true);
        _index.SetPrincipal(other);
        _index.SetGroupMembers(Ops.Id, [Alice.Id]);
        _index.SetGroupMembers(other.Id, [Alice.Id]);
        Grant(other.Id, Prod, Now, null);

        _index.SetGroupMembers(Ops.Id, []);

        Assert.Equal([other.Id], _index.GroupsOf(Alice.Id));
        Assert.True(Allowed(Alice.Id, Payments, Now));
    }

    [Fact]
    public void Auditor_may_read_the_audit_trail_but_not_manage_roles()
    {
        GrantBuiltIn(Alice.Id, BuiltInRole.Auditor, Root);

        Assert.True(_index.Can(Alice.Id, Permission.ReadAudit, Root, Now));
        Assert.True(_index.Can(Alice.Id, Permission.ReadAssignments, Payments, Now));
        Assert.False(_index.Can(Alice.Id, Permission.ManageRoles, Root, Now));
        Assert.False(_index.Can(Alice.Id, Permission.ManageAssignments, Root, Now));
        Assert.False(_index.Can(Alice.Id, Permission.ManageDirectory, Root, Now));
    }

    [Fact]
    public void Privileged_role_administrator_may_manage_assignments_but_not_the_directory()
    {
        GrantBuiltIn(Alice.Id, BuiltInRole.PrivilegedRoleAdministrator, Root);

        Assert.True(_index.Can(Alice.Id, Permission.ManageAssignments, Payments, Now));
        Assert.True(_index.Can(Alice.Id, Permission.ManageRoles, Root, Now));
        Assert.False(_index.Can(Alice.Id, Permission.ManageDirectory, Root, Now));
    }

    [Fact]
    public void A_built_in_role_held_at_a_scope_gives_its_permissions_there_and_below_only()
    {
        GrantBuiltIn(Alice.Id, BuiltInRole.PrivilegedRoleAdministrator, Prod);

        Assert.True(_index.Can(Alice.Id, Permission.ManageAssignments, Payments, Now));
        Assert.False(_index.Can(Alice.Id, Permission.ManageAssignments, Root, Now));
    }

    [Theory]
    [MemberData(nameof(AllPermissions))]
    public void Elevate_administrator_may_do_everything(Permission permission)
    {
        GrantBuiltIn(Alice.Id, BuiltInRole.ElevateAdministrator, Root);

        Assert.True(_index.Can(Alice.Id, permission, Payments, Now));
    }

    [Theory]
    [MemberData(nameof(AllPermissions))]
    public void Without_a_built_in_role_nothing_is_permitted(Permission permission)
    {
        Grant(Alice.Id, Root, Now, null);

        Assert.False(_index.Can(Alice.Id, permission, Root, Now));
    }

    [Fact]
    public void A_built_in_role_gives_its_permissions_only_while_its_grant_is_in_force()
    {
        var grant = new IndexedGrant(Guid.NewGuid(), Alice.Id, BuiltInRoles.IdOf(BuiltInRole.Auditor), Root, Now, Now + TimeSpan.FromHours(1), AssignmentOrigin.Activation);
        _index.SetGrant(grant.AssignmentId, grant);

        Assert.True(_index.Can(Alice.Id, Permission.ReadAudit, Root, Now));
        Assert.False(_index.Can(Alice.Id, Permission.ReadAudit, Root, Now + TimeSpan.FromHours(1)));
    }

    [Fact]
    public void A_built_in_role_held_through_a_group_gives_its_permissions_to_members()
    {
        _index.SetGroupMembers(Ops.Id, [Alice.Id]);
        GrantBuiltIn(Ops.Id, BuiltInRole.Auditor, Root);

        Assert.True(_index.Can(Alice.Id, Permission.ReadAudit, Root, Now));
        Assert.True(_index.Holds(Alice.Id, BuiltInRole.Auditor, Root, Now));
        Assert.False(_index.Holds(Alice.Id, BuiltInRole.ElevateAdministrator, Root, Now));
    }

    [Fact]
    public void Principals_and_roles_are_found_by_id_or_by_name_ignoring_case()
    {
        Assert.Equal(Alice, _index.FindPrincipal(Alice.Id.ToString()));
        Assert.Equal(Alice, _index.FindPrincipal("ALICE"));
        Assert.Equal(DbAdmin, _index.FindRole("database administrator"));
        Assert.Null(_index.FindPrincipal("nobody"));
    }

    [Fact]
    public void A_renamed_principal_is_no_longer_found_by_its_old_name()
    {
        _index.SetPrincipal(Alice with { Name = "alice.smith" });

        Assert.Null(_index.FindPrincipal("alice"));
        Assert.Equal(Alice.Id, _index.FindPrincipal("alice.smith")!.Id);
    }

    [Fact]
    public void Grants_in_force_lists_own_and_group_grants_in_their_window_only()
    {
        _index.SetGroupMembers(Ops.Id, [Alice.Id]);
        var own = Grant(Alice.Id, Payments, Now, Now + TimeSpan.FromHours(1));
        var group = Grant(Ops.Id, Prod, Now, null);
        Grant(Alice.Id, Prod, Now + TimeSpan.FromHours(1), null);
        Grant(Bob.Id, Prod, Now, null);

        var inForce = _index.GrantsInForce(Alice.Id, Now);

        Assert.Equal(new HashSet<IndexedGrant> { own, group }, inForce.ToHashSet());
    }

    public static TheoryData<Permission> AllPermissions => [.. Enum.GetValues<Permission>()];

    private IndexedGrant Grant(Guid holderId, ScopePath scope, DateTimeOffset startsAt, DateTimeOffset? endsAt)
    {
        var grant = new IndexedGrant(Guid.NewGuid(), holderId, DbAdmin.Id, scope, startsAt, endsAt, AssignmentOrigin.Administrator);
        _index.SetGrant(grant.AssignmentId, grant);
        return grant;
    }

    private void GrantBuiltIn(Guid holderId, BuiltInRole role, ScopePath scope)
    {
        var grant = new IndexedGrant(Guid.NewGuid(), holderId, BuiltInRoles.IdOf(role), scope, Now - TimeSpan.FromDays(1), null, AssignmentOrigin.Administrator);
        _index.SetGrant(grant.AssignmentId, grant);
    }

    private bool Allowed(Guid principalId, ScopePath scope, DateTimeOffset at) => _index.Check(principalId, DbAdmin.Id, scope, at).Allowed;
}
