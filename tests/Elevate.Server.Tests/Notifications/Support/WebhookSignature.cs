using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace Elevate.Server.Tests.Notifications.Support;

/// <summary>
/// The receiver's side of Elevate's webhook signature, written independently of the product so that tests check the
/// product against the scheme rather than against itself. The header is
/// <c>Elevate-Signature: t=&lt;unix seconds&gt;,v1=&lt;lowercase hex HMAC-SHA256(secret, "&lt;t&gt;.&lt;raw body&gt;")&gt;</c>;
/// several <c>v1</c> entries may be present (e.g. while a secret is rotated) and any one that matches passes.
/// </summary>
public static class WebhookSignature
{
    /// <summary>The name of the header that carries the signature.</summary>
    public const string HeaderName = "Elevate-Signature";

    /// <summary>Signs <paramref name="body"/> as a sender would at <paramref name="at"/> (for tests of the verifier).</summary>
    public static string Sign(string body, string secret, DateTimeOffset at)
    {
        var timestamp = at.ToUnixTimeSeconds();
        return $"t={timestamp.ToString(CultureInfo.InvariantCulture)},v1={Convert.ToHexStringLower(Mac(secret, timestamp, body))}";
    }

    /// <summary>
    /// Whether <paramref name="header"/> is a valid signature of <paramref name="body"/> with <paramref name="secret"/>,
    /// made within <paramref name="tolerance"/> of <paramref name="now"/> (either way: the replay window).
    /// </summary>
    /// <param name="why">Why the signature was rejected; null when it is valid.</param>
    public static bool Verify(string? header, string body, string secret, DateTimeOffset now, TimeSpan tolerance, out string? why)
    {
        ArgumentNullException.ThrowIfNull(body);
        ArgumentNullException.ThrowIfNull(secret);
        if (string.IsNullOrWhiteSpace(header))
        {
            why = "The signature header is missing or empty.";
            return false;
        }

        long? timestamp = null;
        var candidates = new List<string>();
        foreach (var part in header.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
        {
            var equals = part.IndexOf('=', StringComparison.Ordinal);
            if (equals <= 0)
            {
                why = $"Malformed element \"{part}\": expected key=value.";
                return false;
            }

            var key = part[..equals].Trim();
            var value = part[(equals + 1)..].Trim();
            switch (key)
            {
                case "t":
                    if (timestamp is not null)
                    {
                        why = "The header has more than one timestamp (t=).";
                        return false;
                    }

                    if (value.Length == 0 || !value.All(char.IsAsciiDigit)
                        || !long.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var seconds))
                    {
                        why = $"The timestamp \"{value}\" is not a number of Unix seconds.";
                        return false;
                    }

                    timestamp = seconds;
                    break;
                case "v1":
                    candidates.Add(value);
                    break;
                default:
                    // Other schemes (a future v2, say) are not ours to judge.
                    break;
            }
        }

        if (timestamp is not { } t)
        {
            why = "The header has no timestamp (t=).";
            return false;
        }

        if (candidates.Count == 0)
        {
            why = "The header has no v1 signature.";
            return false;
        }

        if (t > DateTimeOffset.MaxValue.ToUnixTimeSeconds())
        {
            why = $"The timestamp {t} is out of range.";
            return false;
        }

        var skew = now - DateTimeOffset.FromUnixTimeSeconds(t);
        if (skew.Duration() > tolerance)
        {
            why = skew > TimeSpan.Zero
                ? $"The timestamp is {skew} old, more than the tolerance of {tolerance} (a replay?)."
                : $"The timestamp is {skew.Duration()} in the future, more than the tolerance of {tolerance}.";
            return false;
        }

        var expected = Mac(secret, t, body);
        var malformed = 0;
        foreach (var candidate in candidates)
        {
            if (!IsLowercaseHex(candidate, expected.Length * 2))
            {
                malformed++;
                continue;
            }

            if (CryptographicOperations.FixedTimeEquals(Convert.FromHexString(candidate), expected))
            {
                why = null;
                return true;
            }
        }

        why = malformed == candidates.Count
            ? $"No v1 value is {expected.Length * 2} lowercase hex digits."
            : "No v1 signature matches the body and secret.";
        return false;
    }

    private static byte[] Mac(string secret, long timestamp, string body) =>
        HMACSHA256.HashData(
            Encoding.UTF8.GetBytes(secret),
            Encoding.UTF8.GetBytes($"{timestamp.ToString(CultureInfo.InvariantCulture)}.{body}"));

    private static bool IsLowercaseHex(string value, int length) =>
        value.Length == length && value.All(c => char.IsAsciiDigit(c) || c is >= 'a' and <= 'f');
}
