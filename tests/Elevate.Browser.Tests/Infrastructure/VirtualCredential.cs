using System.Text.Json;

namespace Elevate.Browser.Tests.Infrastructure;

/// <summary>A credential held by a <see cref="VirtualAuthenticator"/>, as the DevTools protocol reports it.</summary>
/// <param name="CredentialId">The credential id, base64 (standard alphabet, padded) as the protocol sends it.</param>
/// <param name="UserHandle">The user handle the relying party gave at registration, base64; null for a
/// non-resident credential.</param>
public sealed record VirtualCredential(string CredentialId, bool IsResidentCredential, string? RpId, string? UserHandle, long SignCount)
{
    /// <summary>The id as the page sees it (<c>PublicKeyCredential.id</c> is base64url without padding).</summary>
    public string CredentialIdBase64Url => CredentialId.TrimEnd('=').Replace('+', '-').Replace('/', '_');

    public static VirtualCredential From(JsonElement credential) => new(
        credential.GetProperty("credentialId").GetString()!,
        credential.GetProperty("isResidentCredential").GetBoolean(),
        credential.TryGetProperty("rpId", out var rpId) ? rpId.GetString() : null,
        credential.TryGetProperty("userHandle", out var userHandle) ? userHandle.GetString() : null,
        credential.GetProperty("signCount").GetInt64());
}
