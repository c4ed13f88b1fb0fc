namespace Elevate.Core.Mfa;

/// <summary>
/// An authenticator app's shared secret, encrypted at rest. Unconfirmed until the user has typed one code from it;
/// <see cref="LastUsedStep"/> makes every code (and every older one) usable once, across instances.
/// </summary>
public sealed class TotpFactor
{
    public Guid Id { get; set; }

    public Guid PrincipalId { get; set; }

    /// <summary>The secret as protected by <see cref="ISecretProtector"/>; never stored in the clear.</summary>
    public string ProtectedSecret { get; set; } = "";

    public DateTimeOffset CreatedAt { get; set; }

    public DateTimeOffset? ConfirmedAt { get; set; }

    public long? LastUsedStep { get; set; }

    public DateTimeOffset? LastUsedAt { get; set; }
}
