using System.Buffers;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;

namespace Elevate.Core.Audit;

/// <summary>
/// The chain's hash function. The canonical content is a JSON array of the event's fields in a fixed order, with
/// times as UTC ISO 8601 to the microsecond and ids in lower-case "D" form; the hash is
/// SHA-256(previous hash as hex, a newline, the canonical content), written as lower-case hex.
/// Changing this format breaks verification of existing chains, so it carries a version tag.
/// </summary>
public static class AuditHasher
{
    public const string FormatVersion = "elevate-audit-v1";

    public static readonly string GenesisHash = new('0', 64);

    public static string Compute(AuditEvent e)
    {
        var buffer = new ArrayBufferWriter<byte>(512);
        buffer.Write(Encoding.ASCII.GetBytes(e.PreviousHash));
        buffer.Write("\n"u8);
        using (var json = new Utf8JsonWriter(buffer, new JsonWriterOptions { Indented = false, SkipValidation = false }))
        {
            json.WriteStartArray();
            json.WriteStringValue(FormatVersion);
            json.WriteNumberValue(e.Sequence);
            json.WriteStringValue(e.Id.ToString("D"));
            json.WriteStringValue(FormatTime(e.OccurredAt));
            WriteGuid(json, e.ActorId);
            json.WriteStringValue(e.ActorName);
            WriteGuid(json, e.ActorTokenId);
            json.WriteStringValue(e.Action);
            json.WriteStringValue(e.Outcome.ToString());
            WriteGuid(json, e.PrincipalId);
            WriteString(json, e.PrincipalName);
            WriteGuid(json, e.RoleId);
            WriteString(json, e.RoleName);
            WriteString(json, e.Scope);
            WriteGuid(json, e.RequestId);
            WriteGuid(json, e.AssignmentId);
            WriteString(json, e.Justification);
            WriteString(json, e.TicketSystem);
            WriteString(json, e.TicketNumber);
            WriteString(json, e.ClientAddress);
            WriteString(json, e.CorrelationId);
            WriteString(json, e.Details);
            json.WriteEndArray();
        }

        Span<byte> hash = stackalloc byte[SHA256.HashSizeInBytes];
        SHA256.HashData(buffer.WrittenSpan, hash);
        return Convert.ToHexStringLower(hash);
    }

    public static string FormatTime(DateTimeOffset value) =>
        value.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.ffffff'Z'", CultureInfo.InvariantCulture);

    private static void WriteGuid(Utf8JsonWriter json, Guid? value)
    {
        if (value is { } id)
        {
            json.WriteStringValue(id.ToString("D"));
        }
        else
        {
            json.WriteNullValue();
        }
    }

    private static void WriteString(Utf8JsonWriter json, string? value)
    {
        if (value is null)
        {
            json.WriteNullValue();
        }
        else
        {
            json.WriteStringValue(value);
        }
    }
}
