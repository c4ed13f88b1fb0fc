namespace Elevate.Core.Principals;

/// <summary>Who can hold a role.</summary>
public enum PrincipalKind
{
    /// <summary>A person.</summary>
    User,

    /// <summary>A set of users and service accounts; what the group is given, its enabled members hold.</summary>
    Group,

    /// <summary>A non-human identity that authenticates with tokens only.</summary>
    ServiceAccount,
}
