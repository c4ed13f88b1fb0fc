namespace Elevate.Core.Access;

/// <summary>What a caller may do beyond their own requests; each comes from built-in roles active for the caller.</summary>
public enum Permission
{
    /// <summary>Create and change users, groups, memberships and service accounts, and issue their credentials.</summary>
    ManageDirectory,

    /// <summary>Create and change role definitions and role settings.</summary>
    ManageRoles,

    /// <summary>Assign, update, extend, renew and remove assignments at a scope (admin requests).</summary>
    ManageAssignments,

    /// <summary>List users, groups and service accounts.</summary>
    ReadDirectory,

    /// <summary>See everyone's assignments and requests.</summary>
    ReadAssignments,

    /// <summary>Read, export and verify the audit trail.</summary>
    ReadAudit,

    /// <summary>Ask whether another principal holds a role.</summary>
    CheckOthers,
}
