namespace Elevate.Core.Mfa;

/// <summary>One of a user's ten single-use recovery codes, stored as a SHA-256 hash.</summary>
public sealed class RecoveryCode
{
    public Guid Id { get; set; }

    public Guid PrincipalId { get; set; }

    public string CodeHash { get; set; } = "";

    public DateTimeOffset CreatedAt { get; set; }

    public DateTimeOffset? UsedAt { get; set; }
}
