using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Konscious.Security.Cryptography;

namespace Elevate.Core.SignIn;

/// <summary>
/// Argon2id password hashes in the PHC string format (<c>$argon2id$v=19$m=19456,t=2,p=1$salt$hash</c>), which carries
/// its own parameters so they can be raised later without breaking stored hashes: a hash made with weaker ones still
/// verifies, and the caller is told to store a fresh one.
/// <para>
/// A password is hashed exactly as given (its UTF-8 bytes), not normalised: string.Normalize does nothing under
/// InvariantGlobalization and works with ICU, so normalising here would let a change of that setting make stored
/// hashes of non-ASCII passwords stop verifying. That also keeps the hashes interchangeable with other Argon2 tools.
/// </para>
/// </summary>
public sealed class PasswordHasher
{
    public const int SaltLength = 16;
    public const int HashLength = 32;

    private const string Prefix = "$argon2id$v=19$";

    // Bounds on what a stored hash may ask for, so a corrupted or planted row cannot make one check allocate gigabytes
    // or run for minutes. They are far above anything a deployment would choose.
    private const int MaxMemoryKiB = 4 * 1024 * 1024;
    private const int MaxIterations = 64;
    private const int MaxParallelism = 64;

    private readonly Lazy<string> _dummy;

    public PasswordHasher(Argon2Parameters parameters)
    {
        ArgumentNullException.ThrowIfNull(parameters);
        ArgumentOutOfRangeException.ThrowIfLessThan(parameters.Parallelism, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(parameters.Parallelism, MaxParallelism);
        ArgumentOutOfRangeException.ThrowIfLessThan(parameters.Iterations, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(parameters.Iterations, MaxIterations);
        ArgumentOutOfRangeException.ThrowIfLessThan(parameters.MemoryKiB, 8 * parameters.Parallelism);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(parameters.MemoryKiB, MaxMemoryKiB);
        Parameters = parameters;

        // Made with this hasher's own parameters, so checking against it takes as long as checking a real, current
        // hash. A fixed string would stop matching the moment a deployment raised its parameters.
        _dummy = new(() => Hash(Convert.ToBase64String(RandomNumberGenerator.GetBytes(HashLength))));
    }

    public Argon2Parameters Parameters { get; }

    public string Hash(string password)
    {
        ArgumentException.ThrowIfNullOrEmpty(password);
        var salt = RandomNumberGenerator.GetBytes(SaltLength);
        var hash = Compute(password, salt, Parameters, HashLength);
        return string.Create(CultureInfo.InvariantCulture,
            $"{Prefix}m={Parameters.MemoryKiB},t={Parameters.Iterations},p={Parameters.Parallelism}${Encode(salt)}${Encode(hash)}");
    }

    /// <summary>Checks <paramref name="password"/> against a stored PHC string; a string that cannot be read is <see cref="PasswordCheck.Invalid"/>.</summary>
    public PasswordCheck Verify(string phc, string password)
    {
        // Argon2 here refuses an empty password; no password is empty, so none matches.
        if (string.IsNullOrEmpty(password) || !TryParse(phc, out var stored, out var salt, out var expected))
        {
            return PasswordCheck.Invalid;
        }

        var actual = Compute(password, salt, stored, expected.Length);
        if (!CryptographicOperations.FixedTimeEquals(actual, expected))
        {
            return PasswordCheck.Invalid;
        }

        var weaker = stored.IsWeakerThan(Parameters) || salt.Length < SaltLength || expected.Length < HashLength;
        return weaker ? PasswordCheck.ValidButNeedsRehash : PasswordCheck.Valid;
    }

    /// <summary>
    /// Spends the time of a <see cref="Verify"/> when there is no account to check against, so the time a failed
    /// sign-in takes does not tell whether the user name exists.
    /// </summary>
    public void SpendEqualTime(string password) => Verify(_dummy.Value, password);

    private static byte[] Compute(string password, byte[] salt, Argon2Parameters parameters, int length)
    {
        using var argon2 = new Argon2id(Encoding.UTF8.GetBytes(password))
        {
            Salt = salt,
            MemorySize = parameters.MemoryKiB,
            Iterations = parameters.Iterations,
            DegreeOfParallelism = parameters.Parallelism,
        };
        return argon2.GetBytes(length);
    }

    private static bool TryParse(string? phc, out Argon2Parameters parameters, out byte[] salt, out byte[] hash)
    {
        parameters = Argon2Parameters.Default;
        salt = [];
        hash = [];
        if (phc is null || !phc.StartsWith(Prefix, StringComparison.Ordinal))
        {
            return false;
        }

        var parts = phc[Prefix.Length..].Split('$');
        if (parts.Length != 3)
        {
            return false;
        }

        var values = parts[0].Split(',');
        if (values.Length != 3
            || !TryParseValue(values[0], "m=", MaxMemoryKiB, out var memory)
            || !TryParseValue(values[1], "t=", MaxIterations, out var iterations)
            || !TryParseValue(values[2], "p=", MaxParallelism, out var parallelism)
            || memory < 8 * parallelism)
        {
            return false;
        }

        parameters = new Argon2Parameters(memory, iterations, parallelism);
        return TryDecode(parts[1], 8, out salt) && TryDecode(parts[2], 16, out hash);
    }

    private static bool TryParseValue(string text, string name, int max, out int value)
    {
        value = 0;
        return text.StartsWith(name, StringComparison.Ordinal)
            && int.TryParse(text.AsSpan(name.Length), NumberStyles.None, CultureInfo.InvariantCulture, out value)
            && value >= 1 && value <= max;
    }

    private static string Encode(byte[] bytes) => Convert.ToBase64String(bytes).TrimEnd('=');

    private static bool TryDecode(string text, int minLength, out byte[] bytes)
    {
        bytes = [];
        if (text.Length > 128 || text.Contains('=', StringComparison.Ordinal) || text.Length % 4 == 1)
        {
            return false;
        }

        var padded = text.PadRight(text.Length + ((4 - (text.Length % 4)) % 4), '=');
        var buffer = new byte[padded.Length / 4 * 3];
        if (!Convert.TryFromBase64String(padded, buffer, out var written) || written < minLength)
        {
            return false;
        }

        // The last symbol may carry bits that decoding drops; like the reference implementation, only the one canonical
        // spelling is accepted, so two different strings never stand for the same hash.
        bytes = buffer[..written];
        return Encode(bytes) == text;
    }
}
