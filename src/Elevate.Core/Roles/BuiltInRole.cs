namespace Elevate.Core.Roles;

/// <summary>Elevate's own administrative roles, managed just in time like any other role.</summary>
public enum BuiltInRole
{
    /// <summary>Everything, including the directory and the Elevate Administrator role itself.</summary>
    ElevateAdministrator,

    /// <summary>Roles, role settings and assignments of every role except Elevate Administrator.</summary>
    PrivilegedRoleAdministrator,

    /// <summary>Reads everything, including the audit trail; changes nothing.</summary>
    Auditor,

    /// <summary>May ask whether others hold a role (the check API); given to the service accounts of other systems.</summary>
    AccessChecker,
}
