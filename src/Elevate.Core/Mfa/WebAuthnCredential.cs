namespace Elevate.Core.Mfa;

/// <summary>A registered passkey or security key: its credential id and public key (no secret is stored).</summary>
public sealed class WebAuthnCredential
{
    public Guid Id { get; set; }

    public Guid PrincipalId { get; set; }

    public byte[] CredentialId { get; set; } = [];

    public byte[] PublicKey { get; set; } = [];

    /// <summary>The WebAuthn user handle: a random value per user, never the user's name.</summary>
    public byte[] UserHandle { get; set; } = [];

    public long SignCount { get; set; }

    public string Name { get; set; } = "";

    public Guid AaGuid { get; set; }

    public string? Transports { get; set; }

    public bool IsBackupEligible { get; set; }

    public bool IsBackedUp { get; set; }

    public DateTimeOffset CreatedAt { get; set; }

    public DateTimeOffset? LastUsedAt { get; set; }
}
