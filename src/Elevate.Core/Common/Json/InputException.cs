using System.Text.Json;

namespace Elevate.Core.Common.Json;

/// <summary>
/// Thrown by Elevate's JSON converters when a value has the right JSON type but the wrong form (a time without an
/// offset, a malformed duration). The serializer fills in <see cref="JsonException.Path"/>; the API turns both into
/// a problem naming the field and this <see cref="Code"/>.
/// </summary>
public sealed class InputException(string code, string message) : JsonException(message)
{
    public string Code { get; } = code;
}
