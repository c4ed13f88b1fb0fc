namespace Elevate.Core.SignIn;

/// <summary>
/// A signed-in browser. The cookie only names the session; whether it still works is decided here on every request,
/// so signing out everywhere, disabling the user or reaching a timeout takes effect at once on every instance.
/// </summary>
public sealed class UserSession
{
    public Guid Id { get; set; }

    public Guid PrincipalId { get; set; }

    /// <summary>How the user proved who they are, e.g. <c>password+totp</c>, <c>passkey</c>, <c>oidc:keycloak</c>.</summary>
    public string Methods { get; set; } = "";

    public DateTimeOffset CreatedAt { get; set; }

    /// <summary>Updated at most once a minute; the idle timeout counts from here.</summary>
    public DateTimeOffset LastSeenAt { get; set; }

    /// <summary>The absolute end, however active the session is.</summary>
    public DateTimeOffset ExpiresAt { get; set; }

    public DateTimeOffset? EndedAt { get; set; }

    public SessionEndReason? EndReason { get; set; }

    public string? ClientAddress { get; set; }

    public string? UserAgent { get; set; }
}

/// <summary>Why a session stopped working before its natural end.</summary>
public enum SessionEndReason
{
    /// <summary>The user signed out of this browser.</summary>
    SignedOut,

    /// <summary>The user (or an administrator) signed out of every browser.</summary>
    SignedOutEverywhere,

    /// <summary>The password was changed or reset; other sessions end so a thief's session does not survive it.</summary>
    PasswordChanged,

    /// <summary>An administrator disabled the user.</summary>
    UserDisabled,

    /// <summary>An administrator reset the user's second factors.</summary>
    FactorsReset,
}
