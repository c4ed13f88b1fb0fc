using System.Buffers.Binary;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace Elevate.Core.Mfa;

/// <summary>
/// Time-based one-time passwords as in RFC 6238: HOTP (RFC 4226) over the number of 30-second steps since the Unix
/// epoch. Elevate issues SHA-1, 6 digits and 30 seconds, the only combination every authenticator app honours; the
/// other algorithms and lengths exist so the RFC's test vectors can be checked.
/// </summary>
public static class Totp
{
    public const int Digits = 6;

    /// <summary>RFC 4226 section 4 recommends a 160-bit shared secret.</summary>
    public const int SecretLength = 20;

    public static readonly TimeSpan Period = TimeSpan.FromSeconds(30);

    public static byte[] NewSecret() => RandomNumberGenerator.GetBytes(SecretLength);

    public static long StepAt(DateTimeOffset time) => time.ToUnixTimeSeconds() / (long)Period.TotalSeconds;

    /// <summary>The code for <paramref name="step"/>: HOTP's dynamic truncation, zero-padded to <paramref name="digits"/>.</summary>
    public static string Code(ReadOnlySpan<byte> secret, long step, int digits = Digits, TotpAlgorithm algorithm = TotpAlgorithm.Sha1)
    {
        // RFC 4226 asks for at least 6 digits; the truncated value has 31 bits, so a 10th digit would be nearly always 0-2.
        ArgumentOutOfRangeException.ThrowIfLessThan(digits, 6);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(digits, 9);

        Span<byte> counter = stackalloc byte[sizeof(long)];
        BinaryPrimitives.WriteInt64BigEndian(counter, step);

        Span<byte> mac = stackalloc byte[HMACSHA512.HashSizeInBytes];
        var length = algorithm switch
        {
            // RFC 6238's default and what authenticator apps use; HMAC-SHA-1 is not weakened by SHA-1 collisions.
#pragma warning disable CA5350
            TotpAlgorithm.Sha1 => HMACSHA1.HashData(secret, counter, mac),
#pragma warning restore CA5350
            TotpAlgorithm.Sha256 => HMACSHA256.HashData(secret, counter, mac),
            TotpAlgorithm.Sha512 => HMACSHA512.HashData(secret, counter, mac),
        };

        var offset = mac[length - 1] & 0x0f;
        var binary = BinaryPrimitives.ReadInt32BigEndian(mac.Slice(offset, 4)) & 0x7fffffff;
        var modulus = 1;
        for (var i = 0; i < digits; i++)
        {
            modulus *= 10;
        }

        return (binary % modulus).ToString(CultureInfo.InvariantCulture).PadLeft(digits, '0');
    }

    /// <summary>
    /// Checks a 6-digit code typed at <paramref name="now"/> and returns the step it belongs to, which the caller stores
    /// as the new <paramref name="lastUsedStep"/>. Returns null for a wrong or malformed code, and for a code whose step
    /// is not after <paramref name="lastUsedStep"/>: a code, and every code before it, works once, so a code seen over
    /// a shoulder or caught in a log is worthless once it has been used.
    /// </summary>
    public static long? Verify(ReadOnlySpan<byte> secret, string code, DateTimeOffset now, long? lastUsedStep)
    {
        var typed = ParseCode(code);
        if (typed is null)
        {
            return null;
        }

        // One step either side covers a phone clock that is a little off and a code typed as it rolls over; more would
        // widen the window for a guessed code for little gain.
        var current = StepAt(now);
        long? matched = null;
        for (var step = current - 1; step <= current + 1; step++)
        {
            // Every candidate is compared, so the time taken does not tell which step (if any) matched. The latest
            // match wins: were it the earliest, a code that also matched a later step could be used a second time.
            var expected = Encoding.ASCII.GetBytes(Code(secret, step));
            if (CryptographicOperations.FixedTimeEquals(expected, typed))
            {
                matched = step;
            }
        }

        return matched is null || matched <= lastUsedStep ? null : matched;
    }

    /// <summary>
    /// The otpauth URI that authenticator apps read from a QR code (Google's Key Uri Format). The issuer appears both
    /// in the label and as a parameter, since apps differ in which one they show.
    /// </summary>
    public static string KeyUri(string issuer, string accountName, ReadOnlySpan<byte> secret)
    {
        var escapedIssuer = Uri.EscapeDataString(issuer);
        return $"otpauth://totp/{escapedIssuer}:{Uri.EscapeDataString(accountName)}" +
            $"?secret={Base32.Encode(secret)}&issuer={escapedIssuer}" +
            $"&algorithm=SHA1&digits={Digits}&period={(int)Period.TotalSeconds}";
    }

    private static byte[]? ParseCode(string? code)
    {
        if (code is null)
        {
            return null;
        }

        var digits = new byte[Digits];
        var count = 0;
        foreach (var c in code)
        {
            if (c == ' ')
            {
                continue;
            }

            if (!char.IsAsciiDigit(c) || count == Digits)
            {
                return null;
            }

            digits[count++] = (byte)c;
        }

        return count == Digits ? digits : null;
    }
}
