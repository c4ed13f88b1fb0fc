using System.Text.Json;
using System.Text.Json.Serialization;

namespace Elevate.Core.Common.Json;

/// <summary>
/// Enums as camelCase strings, and nothing else: a number is the wrong type (numbers would silently depend on member
/// order), and an unknown name is an invalid value whose problem lists the names that are allowed.
/// </summary>
public sealed class StrictEnumConverter : JsonConverterFactory
{
    public override bool CanConvert(Type typeToConvert) => typeToConvert.IsEnum;

    public override JsonConverter CreateConverter(Type typeToConvert, JsonSerializerOptions options) =>
        (JsonConverter)Activator.CreateInstance(typeof(Converter<>).MakeGenericType(typeToConvert))!;

    private sealed class Converter<TEnum> : JsonConverter<TEnum> where TEnum : struct, Enum
    {
        private static readonly (string Name, TEnum Value)[] Members =
            Enum.GetValues<TEnum>().Select(v => (JsonNamingPolicy.CamelCase.ConvertName(v.ToString()), v)).ToArray();

        private static readonly string Allowed = string.Join(", ", Members.Select(m => m.Name));

        public override TEnum Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
        {
            if (reader.TokenType != JsonTokenType.String)
            {
                throw new InputException(ErrorCodes.InvalidType, $"A string is expected: one of {Allowed}.");
            }

            var text = reader.GetString();
            foreach (var (name, value) in Members)
            {
                if (string.Equals(name, text, StringComparison.Ordinal))
                {
                    return value;
                }
            }

            throw new InputException(ErrorCodes.InvalidValue, $"Not a known value; use one of {Allowed}.");
        }

        public override void Write(Utf8JsonWriter writer, TEnum value, JsonSerializerOptions options) =>
            writer.WriteStringValue(JsonNamingPolicy.CamelCase.ConvertName(value.ToString()));
    }
}
