using System.Globalization;
using System.Text;
using Elevate.Core.Common;

namespace Elevate.Core.SignIn;

/// <summary>
/// What a new password must be, after NIST SP 800-63B section 3.1.1.2: long enough, not known to attackers, and not
/// built from the account's own names or an obvious pattern. There are no composition rules ("a digit and a symbol"):
/// they push people to "Password1!" and add little. Length counts what a person sees as characters (text elements
/// after NFKC), so a password of accented letters or emoji is measured as it looks.
/// </summary>
public static class PasswordPolicy
{
    public const int MinLength = 12;
    public const int MaxLength = 256;

    /// <summary>The shortest user name or e-mail local part that is looked for inside the password.</summary>
    public const int MinNameLength = 4;

    // No real password comes near this many UTF-16 units (even 256 emoji sequences); refusing it first keeps a
    // megabyte of pasted text from being normalised and measured.
    private const int MaxRawLength = MaxLength * 16;

    // A password that is one unit of up to this many characters repeated ("abcabcabcabc") is refused as a pattern.
    private const int MaxRepeatedUnit = 4;

    private static readonly char[] TrailingNoise = "0123456789!@#$%^&*()-_=+.,;:?~ ".ToCharArray();

    /// <summary>Returns why <paramref name="password"/> may not be used by this account, or null when it may.</summary>
    public static ElevateError? Check(string? password, string userName, string? email, string field = "password")
    {
        if (string.IsNullOrEmpty(password))
        {
            return ElevateError.Validation(ErrorCodes.Required, field, "Choose a password.");
        }

        if (password.Length > MaxRawLength)
        {
            return TooLong(field);
        }

        if (!PasswordText.IsWellFormed(password))
        {
            return ElevateError.Validation(ErrorCodes.InvalidCharacters, field,
                "The password holds a broken character (half of a surrogate pair). Type it again, or choose another.");
        }

        var normalized = CommonPasswords.Normalize(password);
        var elements = TextElements(normalized);
        if (elements.Count < MinLength)
        {
            return ElevateError.Validation(ErrorCodes.PasswordTooShort, field,
                $"Use at least {MinLength} characters. A few unrelated words make a long password that is easy to remember.");
        }

        if (elements.Count > MaxLength)
        {
            return TooLong(field);
        }

        if (ContainsName(normalized, userName))
        {
            return ElevateError.Validation(ErrorCodes.PasswordTooWeak, field,
                "The password contains your user name, which is the first thing an attacker tries. Choose one without it.");
        }

        if (email is not null && ContainsName(normalized, LocalPart(email)))
        {
            return ElevateError.Validation(ErrorCodes.PasswordTooWeak, field,
                "The password contains the name in your e-mail address, which is the first thing an attacker tries. Choose one without it.");
        }

        if (IsRepetition(elements))
        {
            return ElevateError.Validation(ErrorCodes.PasswordTooWeak, field,
                "The password repeats the same few characters. Choose something less predictable, such as a few unrelated words.");
        }

        if (IsSequence(normalized))
        {
            return ElevateError.Validation(ErrorCodes.PasswordTooWeak, field,
                "The password is a simple run of characters, like 1234 or abcd. Choose something less predictable, such as a few unrelated words.");
        }

        if (IsCommon(normalized))
        {
            return ElevateError.Validation(ErrorCodes.PasswordTooCommon, field,
                "This password is on lists of common passwords that attackers try first. Choose another, such as a few unrelated words.");
        }

        return null;
    }

    private static ElevateError TooLong(string field) =>
        ElevateError.Validation(ErrorCodes.PasswordTooLong, field, $"Use at most {MaxLength} characters.");

    private static List<string> TextElements(string text)
    {
        var elements = new List<string>(text.Length);
        var enumerator = StringInfo.GetTextElementEnumerator(text);
        while (enumerator.MoveNext())
        {
            elements.Add(enumerator.GetTextElement());
        }

        return elements;
    }

    private static bool ContainsName(string normalizedPassword, string name)
    {
        var normalizedName = CommonPasswords.Normalize(name.Trim());
        return normalizedName.Length >= MinNameLength && normalizedPassword.Contains(normalizedName, StringComparison.Ordinal);
    }

    private static string LocalPart(string email)
    {
        var at = email.LastIndexOf('@');
        return at < 0 ? email : email[..at];
    }

    /// <summary>
    /// A listed password, or one with digits and symbols added at the end ("baseball2026!"): that is how people stretch
    /// a short favourite to meet a length rule, and cracking tools try those suffixes first.
    /// </summary>
    private static bool IsCommon(string normalized)
    {
        if (CommonPasswords.Contains(normalized))
        {
            return true;
        }

        var stem = normalized.TrimEnd(TrailingNoise);
        return stem.Length < normalized.Length && stem.Length > 0 && CommonPasswords.Contains(stem);
    }

    private static bool IsRepetition(List<string> elements)
    {
        for (var unit = 1; unit <= MaxRepeatedUnit; unit++)
        {
            if (elements.Count % unit != 0)
            {
                continue;
            }

            var repeats = true;
            for (var i = unit; i < elements.Count && repeats; i++)
            {
                repeats = elements[i] == elements[i - unit];
            }

            if (repeats)
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>
    /// Each character one up (or each one down) from the one before: "123456789012", "abcdefghijkl", "987654321098".
    /// Digits wrap from 9 to 0 and letters from z to a, since that is how people continue such a run.
    /// </summary>
    private static bool IsSequence(string normalized)
    {
        int? direction = null;
        for (var i = 1; i < normalized.Length; i++)
        {
            var step = Step(normalized[i - 1], normalized[i]);
            if (step is not (1 or -1) || (direction is not null && step != direction))
            {
                return false;
            }

            direction = step;
        }

        return true;
    }

    private static int Step(char previous, char current)
    {
        if (char.IsAsciiDigit(previous) && char.IsAsciiDigit(current))
        {
            return Wrap(current - previous, 10);
        }

        if (char.IsAsciiLetterLower(previous) && char.IsAsciiLetterLower(current))
        {
            return Wrap(current - previous, 26);
        }

        return current - previous;
    }

    // Maps a difference onto -1, 0, 1 ... as the shortest way round the cycle, so 9 -> 0 is +1 and 0 -> 9 is -1.
    private static int Wrap(int difference, int size)
    {
        var forward = ((difference % size) + size) % size;
        return forward > size / 2 ? forward - size : forward;
    }
}
