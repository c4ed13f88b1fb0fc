using System.Text.Json;
using Elevate.Core.Mfa;

namespace Elevate.Server.Portal;

/// <summary>Reads the hidden fields portal.js fills after a WebAuthn ceremony (challenge id and the credential as JSON).</summary>
public static class WebAuthnForm
{
    public static WebAuthnAnswer? Answer(string? challengeId, string? credentialJson)
    {
        if (string.IsNullOrEmpty(challengeId) || string.IsNullOrEmpty(credentialJson) || credentialJson.Length > 64 * 1024)
        {
            return null;
        }

        try
        {
            using var document = JsonDocument.Parse(credentialJson);
            return new WebAuthnAnswer { ChallengeId = challengeId, Credential = document.RootElement.Clone() };
        }
        catch (JsonException)
        {
            return null;
        }
    }
}
