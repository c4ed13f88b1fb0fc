using Elevate.Core.Access;

namespace Elevate.Core.Roles;

/// <summary>The fixed identity and meaning of Elevate's own roles.</summary>
public static class BuiltInRoles
{
    public static readonly IReadOnlyList<BuiltInRole> All = Enum.GetValues<BuiltInRole>();

    /// <summary>Fixed ids, the same in every installation, so scripts and policies can name them.</summary>
    public static Guid IdOf(BuiltInRole role) => role switch
    {
        BuiltInRole.ElevateAdministrator => new Guid("0e1e0a7e-0000-4000-8000-000000000001"),
        BuiltInRole.PrivilegedRoleAdministrator => new Guid("0e1e0a7e-0000-4000-8000-000000000002"),
        BuiltInRole.Auditor => new Guid("0e1e0a7e-0000-4000-8000-000000000003"),
        BuiltInRole.AccessChecker => new Guid("0e1e0a7e-0000-4000-8000-000000000004"),
    };

    public static string NameOf(BuiltInRole role) => role switch
    {
        BuiltInRole.ElevateAdministrator => "Elevate Administrator",
        BuiltInRole.PrivilegedRoleAdministrator => "Privileged Role Administrator",
        BuiltInRole.Auditor => "Auditor",
        BuiltInRole.AccessChecker => "Access Checker",
    };

    public static string DescriptionOf(BuiltInRole role) => role switch
    {
        BuiltInRole.ElevateAdministrator => "Full administration of Elevate: directory, roles, settings, assignments and audit.",
        BuiltInRole.PrivilegedRoleAdministrator => "Manages roles, role settings and assignments (except Elevate Administrator).",
        BuiltInRole.Auditor => "Reads assignments, requests and the audit trail; changes nothing.",
        BuiltInRole.AccessChecker => "Asks whether other principals hold a role; for the service accounts of other systems.",
    };

    /// <summary>
    /// Whether activating the role asks for a fresh second factor by default. On for the administrative roles
    /// (the brief's default); off for Access Checker, which service accounts hold and which grants no change.
    /// </summary>
    public static bool RequiresMfaByDefault(BuiltInRole role) => role switch
    {
        BuiltInRole.ElevateAdministrator => true,
        BuiltInRole.PrivilegedRoleAdministrator => true,
        BuiltInRole.Auditor => true,
        BuiltInRole.AccessChecker => false,
    };

    public static bool Grants(BuiltInRole role, Permission permission) => role switch
    {
        BuiltInRole.ElevateAdministrator => true,
        BuiltInRole.PrivilegedRoleAdministrator => permission is Permission.ManageRoles or Permission.ManageAssignments
            or Permission.ReadDirectory or Permission.ReadAssignments or Permission.ReadAudit or Permission.CheckOthers,
        BuiltInRole.Auditor => permission is Permission.ReadDirectory or Permission.ReadAssignments
            or Permission.ReadAudit or Permission.CheckOthers,
        BuiltInRole.AccessChecker => permission is Permission.CheckOthers,
    };

    /// <summary>The ids of the built-in roles that grant <paramref name="permission"/>.</summary>
    public static Guid[] Granting(Permission permission) => [.. All.Where(r => Grants(r, permission)).Select(IdOf)];

    public static BuiltInRole? FromId(Guid id)
    {
        foreach (var role in All)
        {
            if (IdOf(role) == id)
            {
                return role;
            }
        }

        return null;
    }
}
