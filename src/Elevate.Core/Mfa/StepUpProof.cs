using System.Text.Json;
using Elevate.Core.Common;

namespace Elevate.Core.Mfa;

/// <summary>
/// The fresh second factor sent with one request (<c>mfa</c> in the body): a TOTP code, or the answer to a WebAuthn
/// challenge issued for exactly this request's content.
/// </summary>
public sealed record StepUpProof
{
    public string? Totp { get; init; }

    public WebAuthnAnswer? WebAuthn { get; init; }

    /// <summary>The proof's shape (the <c>mfa</c> member of a request or a decision); null when it is well formed.</summary>
    public ElevateError? Validate() => this switch
    {
        _ when (Totp is null) == (WebAuthn is null) =>
            ElevateError.Validation(ErrorCodes.InvalidValue, "mfa", "Give exactly one factor: mfa.totp or mfa.webAuthn."),
        { Totp: { } code } when code.Length > 20 || code.Any(char.IsControl) =>
            ElevateError.Validation(ErrorCodes.InvalidValue, "mfa.totp", "A TOTP code is the six digits your authenticator app shows."),
        { WebAuthn: { } answer } when answer.ChallengeId is null || answer.Credential is null =>
            ElevateError.Validation(ErrorCodes.Required, answer.ChallengeId is null ? "mfa.webAuthn.challengeId" : "mfa.webAuthn.credential",
                "A WebAuthn answer needs the challengeId it was issued with and the credential the browser returned."),
        _ => null,
    };
}

/// <summary>A WebAuthn challenge's id (as issued) and the browser's answer to it (the PublicKeyCredential as JSON).</summary>
public sealed record WebAuthnAnswer
{
    public string? ChallengeId { get; init; }

    public JsonElement? Credential { get; init; }
}
