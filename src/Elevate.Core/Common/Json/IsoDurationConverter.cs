using System.Text.Json;
using System.Text.Json.Serialization;

namespace Elevate.Core.Common.Json;

/// <summary>Reads and writes <see cref="TimeSpan"/> as an ISO 8601 duration such as <c>PT8H</c>.</summary>
public sealed class IsoDurationConverter : JsonConverter<TimeSpan>
{
    public override TimeSpan Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        if (reader.TokenType != JsonTokenType.String)
        {
            throw new InputException(ErrorCodes.InvalidType, "A duration is a string such as 'PT2H'.");
        }

        var text = reader.GetString();
        return IsoDuration.TryParse(text, out var duration, out var problem)
            ? duration
            : throw new InputException(ErrorCodes.InvalidDuration, problem!);
    }

    public override void Write(Utf8JsonWriter writer, TimeSpan value, JsonSerializerOptions options) =>
        writer.WriteStringValue(IsoDuration.Format(value));
}
