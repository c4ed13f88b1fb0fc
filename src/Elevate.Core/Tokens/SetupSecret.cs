namespace Elevate.Core.Tokens;

/// <summary>
/// A one-time secret that lets a principal obtain their first token: printed to the console for the first
/// administrator, or issued by an administrator for a new user. Stored hashed; usable once, before it expires.
/// </summary>
public sealed class SetupSecret
{
    public Guid Id { get; set; }

    public Guid PrincipalId { get; set; }

    public string SecretHash { get; set; } = "";

    public DateTimeOffset CreatedAt { get; set; }

    public Guid? CreatedById { get; set; }

    public DateTimeOffset ExpiresAt { get; set; }

    public DateTimeOffset? RedeemedAt { get; set; }

    public Guid? RedeemedTokenId { get; set; }
}
