using Elevate.Core.Alerts;
using Elevate.Core.Common;
using Elevate.Server.Api;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Elevate.Server.Alerts;

/// <summary>The security-alert catalogue: alerts with their items, dismiss, one-click fix, evaluate now, thresholds.</summary>
public static class AlertEndpoints
{
    public sealed record DismissBody(string? Reason);

    public sealed record FixBody(IReadOnlyList<string>? Items);

    public sealed record DefinitionView(AlertType Type, AlertSeverity Severity, string Title, string WhyItMatters, string HowToFix, string? Fix)
    {
        public static DefinitionView From(AlertDefinition d) => new(d.Type, d.Severity, d.Title, d.WhyItMatters, d.HowToFix, d.Fix);
    }

    public sealed record AlertView(
        Guid Id, AlertType Type, AlertSeverity Severity, AlertStatus Status, string Title, string WhyItMatters, string HowToFix, string? Fix, int ItemCount,
        IReadOnlyList<AlertItem> Items, DateTimeOffset RaisedAt, DateTimeOffset UpdatedAt, DateTimeOffset? ResolvedAt, DateTimeOffset? DismissedAt,
        Guid? DismissedById, string? DismissReason)
    {
        public static AlertView From(SecurityAlert a)
        {
            var d = AlertCatalogue.Of(a.Type);
            return new(a.Id, a.Type, a.Severity, a.Status, d.Title, d.WhyItMatters, d.HowToFix, d.Fix, a.ItemCount, a.ReadItems(), a.RaisedAt, a.UpdatedAt,
                a.ResolvedAt, a.DismissedAt, a.DismissedById, a.DismissReason);
        }
    }

    public sealed record FixView(IReadOnlyList<FixItemView> Results);

    public sealed record FixItemView(string Key, bool Fixed, Problems.ProblemItem? Problem);

    public static RouteGroupBuilder MapAlerts(this RouteGroupBuilder api)
    {
        var alerts = api.MapGroup("alerts").WithTags("Alerts");
        alerts.MapGet("", ListAsync).WithName("ListAlerts")
            .WithSummary("Open and dismissed alerts (or those of one status), most severe first. Auditor, Privileged Role Administrator or Elevate Administrator.");
        alerts.MapGet("catalogue", () => TypedResults.Ok(AlertCatalogue.All.Select(DefinitionView.From).ToList())).WithName("GetAlertCatalogue")
            .WithSummary("Every alert type: severity, why it matters, how to fix it, and the one-click fix where there is one.");
        alerts.MapGet("{id:guid}", GetAsync).WithName("GetAlert").WithSummary("One alert with the items it found.");
        alerts.MapPost("{id:guid}/dismiss", DismissAsync).WithName("DismissAlert")
            .WithSummary("Accept an open alert's current items, with a reason (audited); an item appearing later reopens it.");
        alerts.MapPost("{id:guid}/fix", FixAsync).WithName("FixAlert")
            .WithSummary("Apply the alert's one-click fix to all its items or those named; each item is reported fixed or with the problem that stopped it.");
        alerts.MapPost("evaluate", EvaluateAsync).WithName("EvaluateAlerts").WithSummary("Evaluate the catalogue now (it also runs on changes and on a schedule).");

        var settings = api.MapGroup("alert-settings").WithTags("Alerts");
        settings.MapGet("", GetSettingsAsync).WithName("GetAlertSettings").WithSummary("The alert thresholds (ETag for If-Match).");
        settings.MapPut("", PutSettingsAsync).WithName("SetAlertSettings").WithSummary("Replace the alert thresholds; what is left out takes the defaults.");
        return api;
    }

    private static async Task<Results<Ok<List<AlertView>>, ProblemHttpResult>> ListAsync(string? status, AlertService alerts, HttpContext http, CancellationToken ct)
    {
        var parsed = Http.Enum<AlertStatus>(status, "status");
        if (!parsed.IsSuccess)
        {
            return Problems.From(parsed.Error);
        }

        var result = await alerts.ListAsync(parsed.Value, http.Actor(), ct);
        return result.IsSuccess ? TypedResults.Ok(result.Value.Select(AlertView.From).ToList()) : Problems.From(result.Error);
    }

    private static async Task<Results<Ok<AlertView>, ProblemHttpResult>> GetAsync(Guid id, AlertService alerts, HttpContext http, CancellationToken ct) =>
        Respond.Ok(await alerts.GetAsync(id, http.Actor(), ct), AlertView.From);

    private static async Task<Results<Ok<AlertView>, ProblemHttpResult>> DismissAsync(Guid id, DismissBody body, AlertService alerts, HttpContext http, CancellationToken ct) =>
        Respond.Ok(await alerts.DismissAsync(id, body.Reason, http.Actor(), ct), AlertView.From);

    private static async Task<Results<Ok<FixView>, ProblemHttpResult>> FixAsync(Guid id, FixBody body, AlertService alerts, HttpContext http, CancellationToken ct) =>
        Respond.Ok(await alerts.FixAsync(id, body.Items, http.Actor(), ct),
            results => new FixView([.. results.Select(r => new FixItemView(r.Key, r.Fixed, r.Problem is { } p ? new Problems.ProblemItem(p.Code, p.Field, p.Message) : null))]));

    private static async Task<Results<Ok<EvaluationResult>, ProblemHttpResult>> EvaluateAsync(AlertService alerts, HttpContext http, CancellationToken ct) =>
        Respond.Ok(await alerts.EvaluateAsync(http.Actor(), ct), r => r);

    private static async Task<Results<Ok<AlertSettings>, ProblemHttpResult>> GetSettingsAsync(AlertService alerts, HttpContext http, CancellationToken ct)
    {
        var result = await alerts.GetSettingsAsync(http.Actor(), ct);
        if (!result.IsSuccess)
        {
            return Problems.From(result.Error);
        }

        Http.SetETag(http.Response, result.Value.Version);
        return TypedResults.Ok(result.Value.Settings);
    }

    private static async Task<Results<Ok<AlertSettings>, ProblemHttpResult>> PutSettingsAsync(AlertSettings body, AlertService alerts, HttpContext http, CancellationToken ct)
    {
        var ifMatch = Http.IfMatch(http.Request);
        if (!ifMatch.IsSuccess)
        {
            return Problems.From(ifMatch.Error);
        }

        var result = await alerts.PutSettingsAsync(body, ifMatch.Value, http.Actor(), ct);
        if (!result.IsSuccess)
        {
            return Problems.From(result.Error);
        }

        Http.SetETag(http.Response, result.Value.Version);
        return TypedResults.Ok(result.Value.Settings);
    }
}
