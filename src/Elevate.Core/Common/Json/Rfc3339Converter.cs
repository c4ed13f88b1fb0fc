using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;
using System.Text.RegularExpressions;

namespace Elevate.Core.Common.Json;

/// <summary>
/// Reads RFC 3339 times, which must carry an offset ("Z" or "+02:00"): a time without one would be read in the
/// server's zone and silently shift a window. Values are converted to UTC and truncated to microseconds; they are
/// written as UTC with a "Z".
/// </summary>
public sealed partial class Rfc3339Converter : JsonConverter<DateTimeOffset>
{
    public override DateTimeOffset Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        if (reader.TokenType != JsonTokenType.String)
        {
            throw new InputException(ErrorCodes.InvalidType, "A time is a string such as '2026-11-27T10:00:00Z'.");
        }

        return TryParse(reader.GetString()!, out var value)
            ? value
            : throw new InputException(ErrorCodes.InvalidTime,
                "Times are RFC 3339 with an offset, e.g. '2026-11-27T10:00:00Z' or '2026-11-27T11:00:00+01:00'.");
    }

    /// <summary>Parses an RFC 3339 time that carries an offset; the result is UTC, truncated to microseconds.</summary>
    public static bool TryParse(string text, out DateTimeOffset value)
    {
        value = default;
        if (text.Length > 40 || !Shape().IsMatch(text) ||
            !DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.None, out var parsed))
        {
            return false;
        }

        value = Clock.Truncate(parsed);
        return true;
    }

    public override void Write(Utf8JsonWriter writer, DateTimeOffset value, JsonSerializerOptions options) =>
        writer.WriteStringValue(value.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.FFFFFFF'Z'", CultureInfo.InvariantCulture));

    [GeneratedRegex(@"^\d{4}-\d{2}-\d{2}[Tt]\d{2}:\d{2}:\d{2}(\.\d{1,9})?([Zz]|[+-]\d{2}:\d{2})$", RegexOptions.CultureInvariant)]
    private static partial Regex Shape();
}
