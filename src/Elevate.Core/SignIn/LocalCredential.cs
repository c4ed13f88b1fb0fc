namespace Elevate.Core.SignIn;

/// <summary>A user's password for local sign-in, as an Argon2id PHC string. Users who only use single sign-on have none.</summary>
public sealed class LocalCredential
{
    public Guid PrincipalId { get; set; }

    public string PasswordHash { get; set; } = "";

    public DateTimeOffset CreatedAt { get; set; }

    public DateTimeOffset ChangedAt { get; set; }
}
