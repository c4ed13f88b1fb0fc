using System.Text.Json;

namespace Elevate.Core.Mfa;

/// <summary>
/// The fresh second factor sent with one request (<c>mfa</c> in the body): a TOTP code, or the answer to a WebAuthn
/// challenge issued for exactly this request's content.
/// </summary>
public sealed record StepUpProof
{
    public string? Totp { get; init; }

    public WebAuthnAnswer? WebAuthn { get; init; }
}

/// <summary>A WebAuthn challenge's id (as issued) and the browser's answer to it (the PublicKeyCredential as JSON).</summary>
public sealed record WebAuthnAnswer
{
    public string? ChallengeId { get; init; }

    public JsonElement? Credential { get; init; }
}
