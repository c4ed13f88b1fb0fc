using System.Globalization;
using System.Security.Cryptography;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.WebUtilities;

namespace Elevate.Server.Notifications;

/// <summary>What a valid approve / deny link stands for: one approver, one request, once, until it expires.</summary>
public sealed record ActionLink(Guid RequestId, Guid ApproverId, Guid Nonce, DateTimeOffset ExpiresAt);

/// <summary>
/// Signs and reads the approve / deny links in approvers' e-mails. A link is authenticated encryption (Data Protection,
/// keys shared by every instance) of the request, the approver and a nonce, with an expiry; it never decides anything
/// by itself: it opens a confirmation page that needs the approver signed in, and the nonce is recorded with the
/// decision so the link works once.
/// </summary>
public sealed class ActionLinks(IDataProtectionProvider protection, TimeProvider time)
{
    // The expiry is inside the protected payload and checked against Elevate's clock (not the protector's own).
    private readonly IDataProtector _protector = protection.CreateProtector("Elevate.Notifications.ActionLink.v1");

    public string Create(Guid requestId, Guid approverId, DateTimeOffset expiresAt)
    {
        var payload = string.Join('.', requestId.ToString("N"), approverId.ToString("N"), Guid.NewGuid().ToString("N"),
            expiresAt.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture));
        return WebEncoders.Base64UrlEncode(_protector.Protect(System.Text.Encoding.UTF8.GetBytes(payload)));
    }

    /// <summary>The link's content, or null when it was tampered with, is not a link, or has expired.</summary>
    public ActionLink? Read(string? token)
    {
        if (string.IsNullOrEmpty(token) || token.Length > 2048)
        {
            return null;
        }

        try
        {
            var bytes = _protector.Unprotect(WebEncoders.Base64UrlDecode(token));
            var parts = System.Text.Encoding.UTF8.GetString(bytes).Split('.');
            if (parts.Length != 4 || !long.TryParse(parts[3], NumberStyles.None, CultureInfo.InvariantCulture, out var seconds))
            {
                return null;
            }

            var expiration = DateTimeOffset.FromUnixTimeSeconds(seconds);
            if (expiration <= time.GetUtcNow())
            {
                return null;
            }

            return new ActionLink(Guid.ParseExact(parts[0], "N"), Guid.ParseExact(parts[1], "N"), Guid.ParseExact(parts[2], "N"), expiration);
        }
        catch (Exception e) when (e is CryptographicException or FormatException)
        {
            return null;
        }
    }
}
