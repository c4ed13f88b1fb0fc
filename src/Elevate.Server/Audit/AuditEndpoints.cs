using System.Text;
using Elevate.Core.Audit;
using Elevate.Core.Common;
using Elevate.Server.Api;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Http.Json;
using Microsoft.Extensions.Options;

namespace Elevate.Server.Audit;

/// <summary>The audit trail: search, detail, streaming export and chain verification.</summary>
public static class AuditEndpoints
{
    public sealed record HeadView(long LastSequence, string LastHash);

    public static RouteGroupBuilder MapAudit(this RouteGroupBuilder api)
    {
        var audit = api.MapGroup("audit").WithTags("Audit");
        audit.MapGet("events", SearchAsync).WithName("SearchAuditEvents")
            .WithSummary("Events newest first, filtered by time range (from inclusive, to exclusive), actor, principal, role, action, outcome, request.");
        audit.MapGet("events/{sequence:long}", GetAsync).WithName("GetAuditEvent").WithSummary("One event by its sequence number.");
        audit.MapGet("export", ExportAsync).WithName("ExportAuditEvents")
            .WithSummary("Every matching event, oldest first, streamed as CSV (format=csv) or JSON lines (format=jsonl).");
        audit.MapPost("verify", VerifyAsync).WithName("VerifyAuditChain")
            .WithSummary("Walk the hash chain and report the first event that does not match.");
        audit.MapGet("head", HeadAsync).WithName("GetAuditHead").WithSummary("The chain's last sequence and hash, to anchor elsewhere.");
        return api;
    }

    private static Result<AuditFilter> Filter(HttpRequest request)
    {
        var q = request.Query;
        var from = Http.Time(Single(q["from"]), "from");
        var to = Http.Time(Single(q["to"]), "to");
        var actor = Http.Id(Single(q["actorId"]), "actorId");
        var principal = Http.Id(Single(q["principalId"]), "principalId");
        var role = Http.Id(Single(q["roleId"]), "roleId");
        var requestId = Http.Id(Single(q["requestId"]), "requestId");
        var outcome = Http.Enum<AuditOutcome>(Single(q["outcome"]), "outcome");
        if (Respond.FirstError(from.Error, to.Error, actor.Error, principal.Error, role.Error, requestId.Error, outcome.Error) is { } invalid)
        {
            return invalid;
        }

        return new AuditFilter(from.Value, to.Value, actor.Value, principal.Value, role.Value, Single(q["action"]), outcome.Value, requestId.Value);
    }

    private static string? Single(Microsoft.Extensions.Primitives.StringValues values) => values.Count == 0 ? null : values[^1];

    private static async Task<Results<Ok<PageView<AuditEventView>>, ProblemHttpResult>> SearchAsync(
        string? cursor, int? limit, AuditService audit, HttpContext http, CancellationToken ct)
    {
        var filter = Filter(http.Request);
        return filter.IsSuccess
            ? Respond.Page(await audit.SearchAsync(filter.Value, cursor, limit, http.Actor(), ct), AuditEventView.From)
            : Problems.From(filter.Error);
    }

    private static async Task<Results<Ok<AuditEventView>, ProblemHttpResult>> GetAsync(long sequence, AuditService audit, HttpContext http, CancellationToken ct) =>
        Respond.Ok(await audit.GetAsync(sequence, http.Actor(), ct), AuditEventView.From);

    private static async Task<Results<EmptyHttpResult, ProblemHttpResult>> ExportAsync(
        string? format, AuditService audit, IOptions<JsonOptions> json, HttpContext http, CancellationToken ct)
    {
        var kind = format ?? "jsonl";
        if (kind is not ("csv" or "jsonl"))
        {
            return Problems.From(ElevateError.Validation(ErrorCodes.InvalidValue, "format", "format is csv or jsonl."));
        }

        var filter = Filter(http.Request);
        if (!filter.IsSuccess)
        {
            return Problems.From(filter.Error);
        }

        var events = await audit.ExportAsync(filter.Value, kind, http.Actor(), ct);
        if (!events.IsSuccess)
        {
            return Problems.From(events.Error);
        }

        var response = http.Response;
        response.ContentType = kind == "csv" ? "text/csv; charset=utf-8" : "application/x-ndjson; charset=utf-8";
        response.Headers.ContentDisposition = $"attachment; filename=\"elevate-audit.{kind}\"";
        await using var writer = new StreamWriter(response.Body, new UTF8Encoding(false), 64 * 1024);
        if (kind == "csv")
        {
            await writer.WriteAsync(AuditExportWriter.CsvHeader());
        }

        await foreach (var e in events.Value.WithCancellation(ct))
        {
            await writer.WriteAsync(kind == "csv" ? AuditExportWriter.CsvRow(e) : AuditExportWriter.JsonLine(e, json.Value.SerializerOptions));
        }

        await writer.FlushAsync(ct);
        return TypedResults.Empty;
    }

    private static async Task<Results<Ok<ChainVerification>, ProblemHttpResult>> VerifyAsync(AuditService audit, HttpContext http, CancellationToken ct) =>
        Respond.Ok(await audit.VerifyAsync(http.Actor(), ct), v => v);

    private static async Task<Results<Ok<HeadView>, ProblemHttpResult>> HeadAsync(AuditService audit, HttpContext http, CancellationToken ct) =>
        Respond.Ok(await audit.HeadAsync(http.Actor(), ct), h => new HeadView(h.LastSequence, h.LastHash));
}
