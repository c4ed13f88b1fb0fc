using System.Globalization;
using System.Text;
using System.Text.Json;
using Elevate.Core.Audit;
using Elevate.Server.Api;

namespace Elevate.Server.Audit;

/// <summary>Writes audit events as CSV (RFC 4180) or JSON lines, one event at a time.</summary>
public static class AuditExportWriter
{
    public static readonly string[] Columns =
    [
        "sequence", "id", "occurredAt", "actorId", "actorName", "actorTokenId", "action", "outcome", "principalId", "principalName",
        "roleId", "roleName", "scope", "requestId", "assignmentId", "justification", "ticketSystem", "ticketNumber", "clientAddress",
        "correlationId", "details", "previousHash", "hash",
    ];

    public static string CsvHeader() => string.Join(',', Columns) + "\r\n";

    public static string CsvRow(AuditEvent e)
    {
        string?[] values =
        [
            e.Sequence.ToString(CultureInfo.InvariantCulture), e.Id.ToString(), AuditHasher.FormatTime(e.OccurredAt), e.ActorId?.ToString(),
            e.ActorName, e.ActorTokenId?.ToString(), e.Action, System.Text.Json.JsonNamingPolicy.CamelCase.ConvertName(e.Outcome.ToString()), e.PrincipalId?.ToString(), e.PrincipalName,
            e.RoleId?.ToString(), e.RoleName, e.Scope, e.RequestId?.ToString(), e.AssignmentId?.ToString(), e.Justification,
            e.TicketSystem, e.TicketNumber, e.ClientAddress, e.CorrelationId, e.Details, e.PreviousHash, e.Hash,
        ];
        var row = new StringBuilder();
        for (var i = 0; i < values.Length; i++)
        {
            if (i > 0)
            {
                row.Append(',');
            }

            row.Append(Escape(values[i]));
        }

        return row.Append("\r\n").ToString();
    }

    public static string JsonLine(AuditEvent e, JsonSerializerOptions options) => JsonSerializer.Serialize(AuditEventView.From(e), options) + "\n";

    public static string Escape(string? value) => Elevate.Core.Common.Csv.Escape(value);
}
