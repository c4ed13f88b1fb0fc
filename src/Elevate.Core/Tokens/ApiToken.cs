using Elevate.Core.Persistence;

namespace Elevate.Core.Tokens;

/// <summary>
/// A bearer token: a personal access token of a user or a token of a service account. Only the SHA-256 of the
/// secret is stored; the secret is shown once, when the token is created.
/// </summary>
public sealed class ApiToken : IChangeStamped
{
    public Guid Id { get; set; }

    public Guid PrincipalId { get; set; }

    public string Name { get; set; } = "";

    /// <summary>The first characters of the secret, so a holder can tell their tokens apart.</summary>
    public string Prefix { get; set; } = "";

    /// <summary>Lower-case hex SHA-256 of the whole secret.</summary>
    public string SecretHash { get; set; } = "";

    public DateTimeOffset CreatedAt { get; set; }

    public Guid? CreatedById { get; set; }

    public DateTimeOffset ExpiresAt { get; set; }

    public DateTimeOffset? RevokedAt { get; set; }

    public Guid? RevokedById { get; set; }

    /// <summary>Updated at most once a minute per token, so busy callers do not turn reads into writes.</summary>
    public DateTimeOffset? LastUsedAt { get; set; }

    public string? LastUsedFrom { get; set; }

    public long ChangeSeq { get; set; }

    public bool IsUsableAt(DateTimeOffset now) => RevokedAt is null && now < ExpiresAt;
}
