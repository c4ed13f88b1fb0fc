namespace Elevate.Core.Principals;

/// <summary>A user or service account in a group. Groups do not nest (see docs/adr/0004-groups-are-flat.md).</summary>
public sealed class GroupMembership
{
    public Guid GroupId { get; set; }

    public Guid MemberId { get; set; }

    public DateTimeOffset AddedAt { get; set; }

    /// <summary>
    /// Null when an administrator added the member; <c>oidc:&lt;provider&gt;</c> when the provider's groups claim did.
    /// Sign-in keeps only the latter in step with the claim, so it never undoes an administrator's decision.
    /// </summary>
    public string? Source { get; set; }
}
