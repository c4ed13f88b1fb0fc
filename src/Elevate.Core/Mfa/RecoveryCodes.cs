using System.Security.Cryptography;
using System.Text;

namespace Elevate.Core.Mfa;

/// <summary>
/// One-time codes that stand in for a lost second factor. Each is 12 symbols from a 32-symbol alphabet (60 random
/// bits), shown as <c>xxxx-xxxx-xxxx</c> in lower case. The alphabet leaves out 0, o, 1 and i, so a code copied from
/// paper cannot be misread; whatever a person adds when typing it (spaces, dashes, capitals) is ignored.
/// </summary>
public static class RecoveryCodes
{
    public const int Count = 10;

    /// <summary>Symbols in a code, not counting the dashes shown between groups.</summary>
    public const int Length = 12;

    private const int GroupLength = 4;

    private const string Alphabet = "23456789abcdefghjklmnpqrstuvwxyz";

    /// <summary>A fresh set of <see cref="Count"/> distinct codes, formatted for display.</summary>
    public static IReadOnlyList<string> Generate()
    {
        var codes = new HashSet<string>(StringComparer.Ordinal);
        while (codes.Count < Count)
        {
            var symbols = RandomNumberGenerator.GetString(Alphabet, Length);
            codes.Add($"{symbols[..GroupLength]}-{symbols[GroupLength..(2 * GroupLength)]}-{symbols[(2 * GroupLength)..]}");
        }

        return [.. codes];
    }

    /// <summary>The code as stored and compared (12 lower-case symbols, no separators), or null if it cannot be one.</summary>
    public static string? Normalize(string input)
    {
        if (input is null || input.Length > 4 * Length)
        {
            return null;
        }

        var normalized = new StringBuilder(Length);
        foreach (var c in input)
        {
            if (c is ' ' or '-')
            {
                continue;
            }

            var lower = char.ToLowerInvariant(c);
            if (!Alphabet.Contains(lower, StringComparison.Ordinal) || normalized.Length == Length)
            {
                return null;
            }

            normalized.Append(lower);
        }

        return normalized.Length == Length ? normalized.ToString() : null;
    }

    /// <summary>
    /// Lower-case hex SHA-256 of a normalised code. A fast hash is right here, unlike for passwords: a code holds 60
    /// random bits, so even a leaked hash needs about 2^59 guesses, and a slow hash would only make each sign-in slower.
    /// </summary>
    public static string Hash(string normalized) =>
        Convert.ToHexStringLower(SHA256.HashData(Encoding.ASCII.GetBytes(normalized)));
}
