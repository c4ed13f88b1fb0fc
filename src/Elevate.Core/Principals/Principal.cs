using Elevate.Core.Persistence;

namespace Elevate.Core.Principals;

/// <summary>A user, group or service account. Names are unique across all kinds so a name identifies one principal.</summary>
public sealed class Principal : IChangeStamped, IVersioned
{
    public Guid Id { get; set; }

    public PrincipalKind Kind { get; set; }

    /// <summary>The unique name: a user name, group name or service-account name.</summary>
    public string Name { get; set; } = "";

    /// <summary>Lower-cased <see cref="Name"/>, for the case-insensitive uniqueness index.</summary>
    public string NormalizedName { get; set; } = "";

    public string DisplayName { get; set; } = "";

    public string? Email { get; set; }

    /// <summary>The user's manager (another user), used by approvals and reviews.</summary>
    public Guid? ManagerId { get; set; }

    public string? Description { get; set; }

    /// <summary>A disabled principal can neither activate nor approve, and holds nothing.</summary>
    public bool Enabled { get; set; } = true;

    public DateTimeOffset CreatedAt { get; set; }

    public DateTimeOffset? DisabledAt { get; set; }

    /// <summary>The last successful interactive sign-in (portal), for stale-account reports.</summary>
    public DateTimeOffset? LastSignInAt { get; set; }

    public int Version { get; set; }

    public long ChangeSeq { get; set; }

    public static string Normalize(string name) => name.ToLowerInvariant();
}
