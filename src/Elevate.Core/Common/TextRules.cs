namespace Elevate.Core.Common;

/// <summary>Checks for free text that people type: length and characters.</summary>
public static class TextRules
{
    public const int NameMaxLength = 100;
    public const int DisplayNameMaxLength = 200;
    public const int DescriptionMaxLength = 1000;
    public const int JustificationMaxLength = 500;
    public const int TicketMaxLength = 100;
    public const int EmailMaxLength = 254;
    public const int PatternMaxLength = 500;

    /// <summary>
    /// Returns an error when <paramref name="value"/> is present but empty, too long, or holds control characters.
    /// Line breaks are allowed only where <paramref name="multiline"/> says so (justifications, descriptions).
    /// Control characters are refused because they hide text in logs, CSV exports and terminals.
    /// </summary>
    public static ElevateError? Check(string? value, string field, int maxLength, bool required, bool multiline = false)
    {
        if (value is null)
        {
            return required ? ElevateError.Validation(ErrorCodes.Required, field, $"'{field}' is required.") : null;
        }

        if (string.IsNullOrWhiteSpace(value))
        {
            return ElevateError.Validation(ErrorCodes.Required, field, $"'{field}' must not be empty or blank.");
        }

        if (value.Length > maxLength)
        {
            return ElevateError.Validation(ErrorCodes.TooLong, field, $"'{field}' is {value.Length} characters long; the limit is {maxLength}.");
        }

        foreach (var c in value)
        {
            var allowed = !char.IsControl(c) || (multiline && (c == '\n' || c == '\r' || c == '\t'));

            // Bidirectional overrides and isolates can make text display differently from what it says (the
            // "trojan source" trick); line and paragraph separators break log lines.
            var deceptive = c is '\u2028' or '\u2029' or (>= '\u202A' and <= '\u202E') or (>= '\u2066' and <= '\u2069');
            if (!allowed || deceptive || (char.IsSurrogate(c) && !HasValidSurrogates(value)))
            {
                return ElevateError.Validation(ErrorCodes.InvalidCharacters, field, $"'{field}' contains control or invalid characters.");
            }
        }

        return null;
    }

    private static bool HasValidSurrogates(string value)
    {
        for (var i = 0; i < value.Length; i++)
        {
            if (char.IsHighSurrogate(value[i]))
            {
                if (i + 1 >= value.Length || !char.IsLowSurrogate(value[i + 1]))
                {
                    return false;
                }

                i++;
            }
            else if (char.IsLowSurrogate(value[i]))
            {
                return false;
            }
        }

        return true;
    }
}
