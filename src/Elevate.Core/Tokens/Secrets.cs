using System.Security.Cryptography;
using System.Text;

namespace Elevate.Core.Tokens;

/// <summary>
/// Random secrets and their stored form. Secrets carry 256 bits of entropy, so a single SHA-256 is the right
/// stored form: a slow password hash adds nothing against guessing a 256-bit value and would slow every request.
/// </summary>
public static class Secrets
{
    public const string TokenPrefix = "elv_";
    public const string SetupPrefix = "elvsetup_";
    public const int PrefixShown = 12;

    public static string NewToken() => TokenPrefix + Base64Url(RandomNumberGenerator.GetBytes(32));

    public static string NewSetupSecret() => SetupPrefix + Base64Url(RandomNumberGenerator.GetBytes(32));

    public static string Hash(string secret) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(secret)));

    public static string Base64Url(ReadOnlySpan<byte> bytes) =>
        Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');
}
