namespace Elevate.Core.SignIn;

/// <summary>Links a user to their identity at an OpenID Connect provider (the provider's name and the token's subject).</summary>
public sealed class ExternalLogin
{
    public string Provider { get; set; } = "";

    public string Subject { get; set; } = "";

    public Guid PrincipalId { get; set; }

    public DateTimeOffset CreatedAt { get; set; }

    public DateTimeOffset LastSignInAt { get; set; }
}
