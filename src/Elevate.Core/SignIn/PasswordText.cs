using System.Text;

namespace Elevate.Core.SignIn;

/// <summary>
/// The form a password is checked in: NFKC, as NIST SP 800-63B asks, so the same password typed on another keyboard
/// (a full-width letter, a ligature) meets the same rules. Used for checks only, never for hashing.
/// </summary>
internal static class PasswordText
{
    /// <summary>Whether every surrogate is paired; normalisation throws on a lone one.</summary>
    public static bool IsWellFormed(string text)
    {
        for (var i = 0; i < text.Length; i++)
        {
            if (char.IsHighSurrogate(text[i]) && i + 1 < text.Length && char.IsLowSurrogate(text[i + 1]))
            {
                i++;
            }
            else if (char.IsSurrogate(text[i]))
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>
    /// The NFKC form. Under InvariantGlobalization (Elevate's setting) .NET leaves strings unnormalised, so the
    /// full-width forms that East Asian input methods type (U+FF01 to U+FF5E) are folded to ASCII by hand as well: that
    /// is the NFKC mapping that matters most for the common-password list, and it holds whatever the setting.
    /// Text with a lone surrogate is returned as it is, since it cannot be normalised.
    /// </summary>
    public static string Normalize(string text)
    {
        if (!IsWellFormed(text))
        {
            return text;
        }

        var normalized = text.Normalize(NormalizationForm.FormKC);
        return normalized.AsSpan().IndexOfAnyInRange('\uff01', '\uff5e') < 0
            ? normalized
            : string.Create(normalized.Length, normalized, static (span, source) =>
            {
                for (var i = 0; i < source.Length; i++)
                {
                    span[i] = source[i] is >= '\uff01' and <= '\uff5e' ? (char)(source[i] - 0xfee0) : source[i];
                }
            });
    }
}
