using Elevate.Core.Access;
using Elevate.Core.Roles;

namespace Elevate.Core.Tests.Roles;

public sealed class BuiltInRolesTests
{
    public static TheoryData<BuiltInRole> AllRoles => [.. BuiltInRoles.All];

    [Fact]
    public void Built_in_role_ids_are_fixed_and_distinct()
    {
        Assert.Equal(new Guid("0e1e0a7e-0000-4000-8000-000000000001"), BuiltInRoles.IdOf(BuiltInRole.ElevateAdministrator));
        Assert.Equal(BuiltInRoles.All.Count, BuiltInRoles.All.Select(BuiltInRoles.IdOf).Distinct().Count());
    }

    [Theory]
    [MemberData(nameof(AllRoles))]
    public void A_built_in_role_is_found_again_from_its_id(BuiltInRole role)
    {
        Assert.Equal(role, BuiltInRoles.FromId(BuiltInRoles.IdOf(role)));
    }

    [Fact]
    public void Any_other_id_is_not_a_built_in_role()
    {
        Assert.Null(BuiltInRoles.FromId(Guid.NewGuid()));
    }

    [Theory]
    [InlineData(BuiltInRole.ElevateAdministrator, true)]
    [InlineData(BuiltInRole.PrivilegedRoleAdministrator, true)]
    [InlineData(BuiltInRole.Auditor, true)]
    [InlineData(BuiltInRole.AccessChecker, false)]
    public void Administrative_roles_require_mfa_by_default(BuiltInRole role, bool required)
    {
        Assert.Equal(required, BuiltInRoles.RequiresMfaByDefault(role));
    }

    [Theory]
    [MemberData(nameof(AllRoles))]
    public void Only_elevate_administrator_manages_the_directory(BuiltInRole role)
    {
        Assert.Equal(role == BuiltInRole.ElevateAdministrator, BuiltInRoles.Grants(role, Permission.ManageDirectory));
    }

    [Theory]
    [InlineData(BuiltInRole.Auditor)]
    [InlineData(BuiltInRole.AccessChecker)]
    public void Reading_roles_change_nothing(BuiltInRole role)
    {
        Assert.False(BuiltInRoles.Grants(role, Permission.ManageDirectory));
        Assert.False(BuiltInRoles.Grants(role, Permission.ManageRoles));
        Assert.False(BuiltInRoles.Grants(role, Permission.ManageAssignments));
    }

    [Fact]
    public void Access_checker_may_only_ask_about_others()
    {
        var granted = Enum.GetValues<Permission>().Where(p => BuiltInRoles.Grants(BuiltInRole.AccessChecker, p));

        Assert.Equal([Permission.CheckOthers], granted);
    }

    [Theory]
    [MemberData(nameof(AllRoles))]
    public void Every_built_in_role_may_ask_about_others(BuiltInRole role)
    {
        Assert.True(BuiltInRoles.Grants(role, Permission.CheckOthers));
    }
}
