using System.Globalization;
using System.Text;
using Elevate.Core.Audit;
using Elevate.Core.Common;
using Elevate.Core.Principals;
using Elevate.Core.Roles;
using Elevate.Server.Audit;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Options;

namespace Elevate.Server.Portal.Audit;

/// <summary>
/// The audit trail for those who may read it: a filter (time range, actor, principal, role, action, outcome), the
/// matching events newest first a page at a time, CSV and JSON-lines exports of the filter, and the chain's head
/// with a "Verify chain" button. Names in the filter are resolved to ids through the directory and the roles.
/// </summary>
public sealed class IndexModel(AuditService audit, DirectoryService directory, RoleService roles, IOptions<Microsoft.AspNetCore.Http.Json.JsonOptions> json) : PortalPage
{
    private static readonly string[] TimeFormats = ["yyyy-MM-dd'T'HH:mm", "yyyy-MM-dd'T'HH:mm:ss", "yyyy-MM-dd'T'HH:mm:ss.FFFFFFF", "yyyy-MM-dd HH:mm", "yyyy-MM-dd HH:mm:ss", "yyyy-MM-dd"];

    public static readonly AuditOutcome[] Outcomes = Enum.GetValues<AuditOutcome>();

    /// <summary>From this time (UTC, inclusive).</summary>
    [BindProperty(SupportsGet = true, Name = "from")]
    public string? From { get; set; }

    /// <summary>Before this time (UTC, exclusive).</summary>
    [BindProperty(SupportsGet = true, Name = "to")]
    public string? To { get; set; }

    [BindProperty(SupportsGet = true, Name = "actor")]
    public string? ActorName { get; set; }

    [BindProperty(SupportsGet = true, Name = "principal")]
    public string? Principal { get; set; }

    [BindProperty(SupportsGet = true, Name = "role")]
    public string? Role { get; set; }

    [BindProperty(SupportsGet = true, Name = "action")]
    public string? Action { get; set; }

    /// <summary>succeeded, rejected or failed; empty for any.</summary>
    [BindProperty(SupportsGet = true, Name = "outcome")]
    public string? Outcome { get; set; }

    /// <summary>One request's id: every event it caused, from submission to its end.</summary>
    [BindProperty(SupportsGet = true, Name = "request")]
    public string? RequestId { get; set; }

    [BindProperty(SupportsGet = true, Name = "cursor")]
    public string? Cursor { get; set; }

    [BindProperty(SupportsGet = true, Name = "limit")]
    public int? Limit { get; set; }

    public IReadOnlyList<AuditEvent> Events { get; private set; } = [];

    public string? NextCursor { get; private set; }

    public AuditHead? Head { get; private set; }

    /// <summary>When the head event happened (null when the chain is empty).</summary>
    public DateTimeOffset? HeadAt { get; private set; }

    /// <summary>The verdict of "Verify chain", when it was just pressed.</summary>
    public ChainVerification? Verification { get; private set; }

    /// <summary>Whether the search ran (false when the filter has errors).</summary>
    public bool Searched { get; private set; }

    /// <summary>The filter as query parameters (cursor and handler aside), for the paging and export links.</summary>
    public string FilterQuery => Query(includeLimit: true);

    public static string OutcomeValue(AuditOutcome outcome) => System.Text.Json.JsonNamingPolicy.CamelCase.ConvertName(outcome.ToString());

    public static string Time(DateTimeOffset at) => at.UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss 'UTC'", CultureInfo.InvariantCulture);

    public static string Iso(DateTimeOffset at) => at.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);

    public async Task<IActionResult> OnGetAsync(CancellationToken ct) => await LoadAsync(ct) ?? Page();

    /// <summary>Walks the whole chain and shows the verdict with the page.</summary>
    public async Task<IActionResult> OnPostVerifyAsync(CancellationToken ct)
    {
        var verified = await audit.VerifyAsync(Actor, ct);
        if (!verified.IsSuccess)
        {
            return Refused(verified.Error);
        }

        Verification = verified.Value;
        return await LoadAsync(ct) ?? Page();
    }

    /// <summary>Every event the filter matches, oldest first, as CSV (format=csv) or JSON lines (format=jsonl), streamed.</summary>
    public async Task<IActionResult> OnGetExportAsync(string? format, CancellationToken ct)
    {
        if (format is not ("csv" or "jsonl"))
        {
            return NotFound();
        }

        var filter = await FilterAsync(ct);
        if (filter.Refusal is { } refusal)
        {
            return refusal;
        }

        if (filter.Filter is null)
        {
            return await LoadAsync(ct) ?? Page();
        }

        var events = await audit.ExportAsync(filter.Filter, format, Actor, ct);
        if (!events.IsSuccess)
        {
            if (events.Error.Kind is ErrorKind.Forbidden or ErrorKind.NotFound)
            {
                return Refused(events.Error);
            }

            AddFilterErrors(events.Error);
            return await LoadAsync(ct) ?? Page();
        }

        var response = Response;
        response.ContentType = format == "csv" ? "text/csv; charset=utf-8" : "application/x-ndjson; charset=utf-8";
        response.Headers.ContentDisposition = $"attachment; filename=\"elevate-audit.{format}\"";
        await using (var writer = new StreamWriter(response.Body, new UTF8Encoding(false), 64 * 1024))
        {
            if (format == "csv")
            {
                await writer.WriteAsync(AuditExportWriter.CsvHeader());
            }

            await foreach (var e in events.Value.WithCancellation(ct))
            {
                await writer.WriteAsync(format == "csv" ? AuditExportWriter.CsvRow(e) : AuditExportWriter.JsonLine(e, json.Value.SerializerOptions));
            }

            await writer.FlushAsync(ct);
        }

        return new EmptyResult();
    }

    /// <summary>The filter, the page of events and the head; a result only when the caller may not read the trail.</summary>
    private async Task<IActionResult?> LoadAsync(CancellationToken ct)
    {
        // The head first: it is the cheapest way to learn whether the caller may read the trail at all.
        var head = await audit.HeadAsync(Actor, ct);
        if (!head.IsSuccess)
        {
            return Refused(head.Error);
        }

        if (ModelState.ErrorCount == 0)
        {
            var filter = await FilterAsync(ct);
            if (filter.Refusal is { } refusal)
            {
                return refusal;
            }

            if (filter.Filter is not null)
            {
                var page = await audit.SearchAsync(filter.Filter, Cursor, Limit, Actor, ct);
                if (page.IsSuccess)
                {
                    Events = page.Value.Items;
                    NextCursor = page.Value.NextCursor;
                    Searched = true;
                }
                else if (page.Error.Kind is ErrorKind.Forbidden)
                {
                    return Refused(page.Error);
                }
                else
                {
                    AddFilterErrors(page.Error);
                }
            }
        }

        // Read again: the search itself is recorded in the chain.
        head = await audit.HeadAsync(Actor, ct);
        if (head.IsSuccess)
        {
            Head = head.Value;
            if (Head.LastSequence > 0 && await audit.GetAsync(Head.LastSequence, Actor, ct) is { IsSuccess: true } last)
            {
                HeadAt = last.Value.OccurredAt;
            }
        }

        return null;
    }

    private sealed record FilterResult(AuditFilter? Filter, IActionResult? Refusal);

    /// <summary>
    /// The form's filter as the core takes it, names resolved to ids; a null filter (with field errors added) when a
    /// time does not parse or a name is unknown.
    /// </summary>
    private async Task<FilterResult> FilterAsync(CancellationToken ct)
    {
        var from = ParseTime(From, nameof(From));
        var to = ParseTime(To, nameof(To));
        AuditOutcome? outcome = null;
        if (Blank(Outcome) is { } outcomeText)
        {
            if (Enum.TryParse<AuditOutcome>(outcomeText, ignoreCase: true, out var parsed) && Enum.IsDefined(parsed) && !char.IsDigit(outcomeText[0]))
            {
                outcome = parsed;
            }
            else
            {
                ModelState.AddModelError(nameof(Outcome), "Choose an outcome from the list.");
            }
        }

        var actor = await PrincipalIdAsync(ActorName, nameof(ActorName), "actor", ct);
        var principal = await PrincipalIdAsync(Principal, nameof(Principal), "principal", ct);
        if ((actor.Refusal ?? principal.Refusal) is { } refused)
        {
            return new FilterResult(null, refused);
        }

        var role = await RoleIdAsync(Role, ct);
        Guid? requestId = null;
        if (Blank(RequestId) is { } requestText)
        {
            if (Guid.TryParse(requestText, out var parsedRequest))
            {
                requestId = parsedRequest;
            }
            else
            {
                ModelState.AddModelError(nameof(RequestId), "Enter a request id as Elevate shows it, like 0193a3c1-7a2b-7c3d-8e4f-5a6b7c8d9e0f.");
            }
        }

        if (ModelState.ErrorCount > 0)
        {
            return new FilterResult(null, null);
        }

        var filter = new AuditFilter(from, to, actor.Id, principal.Id, role, Blank(Action), outcome, requestId);
        if (filter.Validate() is { } invalid)
        {
            AddFilterErrors(invalid);
            return new FilterResult(null, null);
        }

        return new FilterResult(filter, null);
    }

    private DateTimeOffset? ParseTime(string? text, string field)
    {
        if (Blank(text) is not { } value)
        {
            return null;
        }

        if (DateTime.TryParseExact(value, TimeFormats, CultureInfo.InvariantCulture, DateTimeStyles.AdjustToUniversal | DateTimeStyles.AssumeUniversal, out var at))
        {
            return new DateTimeOffset(DateTime.SpecifyKind(at, DateTimeKind.Utc));
        }

        ModelState.AddModelError(field, "Enter a date and time in UTC, like 2025-01-31T14:30.");
        return null;
    }

    private sealed record Resolved(Guid? Id, IActionResult? Refusal);

    /// <summary>The principal with exactly this name (case aside), through the directory.</summary>
    private async Task<Resolved> PrincipalIdAsync(string? name, string field, string what, CancellationToken ct)
    {
        if (Blank(name) is not { } wanted)
        {
            return new Resolved(null, null);
        }

        // Names sort by their normalized form, so the exact name comes first among those it is a prefix of.
        var found = await directory.ListAsync(new DirectoryService.ListFilter(null, wanted, null, null, 1), Actor, ct);
        if (!found.IsSuccess)
        {
            return found.Error.Kind is ErrorKind.Forbidden ? new Resolved(null, Refused(found.Error)) : Unknown();
        }

        var match = found.Value.Items.FirstOrDefault(p => p.NormalizedName == Elevate.Core.Principals.Principal.Normalize(wanted));
        return match is null ? Unknown() : new Resolved(match.Id, null);

        Resolved Unknown()
        {
            ModelState.AddModelError(field, $"There is no {what} named '{wanted}'.");
            return new Resolved(null, null);
        }
    }

    /// <summary>The role with exactly this name (case aside); roles are few, so their list is read through.</summary>
    private async Task<Guid?> RoleIdAsync(string? name, CancellationToken ct)
    {
        if (Blank(name) is not { } wanted)
        {
            return null;
        }

        var normalized = Elevate.Core.Roles.Role.Normalize(wanted);
        string? cursor = null;
        do
        {
            var page = await roles.ListAsync(cursor, Elevate.Core.Common.Cursor.MaxLimit, ct);
            if (!page.IsSuccess)
            {
                break;
            }

            if (page.Value.Items.FirstOrDefault(r => r.NormalizedName == normalized) is { } role)
            {
                return role.Id;
            }

            cursor = page.Value.NextCursor;
        }
        while (cursor is not null);

        ModelState.AddModelError(nameof(Role), $"There is no role named '{wanted}'.");
        return null;
    }

    /// <summary>Errors from the core, on the form field they name (the core's field names are the query's).</summary>
    private void AddFilterErrors(ElevateError error)
    {
        foreach (var e in error.Others.Prepend(error))
        {
            var key = e.Field switch
            {
                "from" => nameof(From),
                "to" => nameof(To),
                "action" => nameof(Action),
                "outcome" => nameof(Outcome),
                "actorId" => nameof(ActorName),
                "principalId" => nameof(Principal),
                "roleId" => nameof(Role),
                "requestId" => nameof(RequestId),
                _ => "",
            };
            ModelState.AddModelError(key, e.Message);
        }

        if (error.Others.Prepend(error).Any(e => e.Field is "cursor" or "limit"))
        {
            Cursor = null;
        }
    }

    private StatusCodeResult Refused(ElevateError error) => StatusCode(error.Kind == ErrorKind.NotFound ? StatusCodes.Status404NotFound : StatusCodes.Status403Forbidden);

    private static string? Blank(string? value) => string.IsNullOrWhiteSpace(value) ? null : value.Trim();

    private string Query(bool includeLimit)
    {
        var parts = new List<string>();
        void Add(string name, string? value)
        {
            if (Blank(value) is { } v)
            {
                parts.Add($"{name}={Uri.EscapeDataString(v)}");
            }
        }

        Add("from", From);
        Add("to", To);
        Add("actor", ActorName);
        Add("principal", Principal);
        Add("role", Role);
        Add("action", Action);
        Add("outcome", Outcome);
        Add("request", RequestId);
        if (includeLimit && Limit is { } limit)
        {
            parts.Add($"limit={limit.ToString(CultureInfo.InvariantCulture)}");
        }

        return string.Join('&', parts);
    }
}
