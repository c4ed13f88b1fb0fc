using System.Collections.Frozen;
using System.Text;

namespace Elevate.Core.SignIn;

/// <summary>
/// Passwords that attackers try first, from lists of leaked passwords (see the header of common-passwords.txt).
/// The list is read from an embedded resource the first time it is needed.
/// </summary>
public static class CommonPasswords
{
    private const string ResourceName = "Elevate.Core.SignIn.common-passwords.txt";

    private static readonly Lazy<FrozenSet<string>> Entries = new(Load);

    /// <summary>Whether <paramref name="password"/>, ignoring case and compatibility forms (NFKC), is on the list.</summary>
    public static bool Contains(string password) => Entries.Value.Contains(Normalize(password));

    internal static int Count => Entries.Value.Count;

    /// <summary>NFKC folds look-alike forms (full-width letters, ligatures) into the plain ones the list holds.</summary>
    internal static string Normalize(string password) => PasswordText.Normalize(password).ToLowerInvariant();

    private static FrozenSet<string> Load()
    {
        using var stream = typeof(CommonPasswords).Assembly.GetManifestResourceStream(ResourceName)
            ?? throw new InvalidOperationException($"The embedded resource {ResourceName} is missing from the build.");
        using var reader = new StreamReader(stream, Encoding.UTF8);
        var entries = new HashSet<string>(StringComparer.Ordinal);
        while (reader.ReadLine() is { } line)
        {
            if (line.Length > 0 && !line.StartsWith('#'))
            {
                entries.Add(Normalize(line));
            }
        }

        return entries.ToFrozenSet(StringComparer.Ordinal);
    }
}
