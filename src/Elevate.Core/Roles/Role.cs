using Elevate.Core.Persistence;

namespace Elevate.Core.Roles;

/// <summary>A named privilege, e.g. "Database Administrator".</summary>
public sealed class Role : IChangeStamped, IVersioned
{
    public Guid Id { get; set; }

    public string Name { get; set; } = "";

    /// <summary>Lower-cased <see cref="Name"/>, for the case-insensitive uniqueness index.</summary>
    public string NormalizedName { get; set; } = "";

    public string? Description { get; set; }

    /// <summary>Privileged roles are the ones security alerts and access reviews focus on.</summary>
    public bool IsPrivileged { get; set; }

    /// <summary>Set for Elevate's own roles, which cannot be renamed or deleted.</summary>
    public BuiltInRole? BuiltIn { get; set; }

    public DateTimeOffset CreatedAt { get; set; }

    public int Version { get; set; }

    public long ChangeSeq { get; set; }

    public static string Normalize(string name) => name.ToLowerInvariant();
}
