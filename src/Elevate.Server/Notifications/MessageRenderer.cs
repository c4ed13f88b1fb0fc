using System.Collections.Concurrent;
using System.Globalization;
using System.Text.Encodings.Web;
using Elevate.Core.Notifications;
using Fluid;
using Microsoft.Extensions.Options;

namespace Elevate.Server.Notifications;

/// <summary>The links one message carries: where to look, and (for an approver) where to approve or deny.</summary>
public sealed record MessageLinks(string? Open, string? Approve, string? Deny);

/// <summary>A message ready for a channel: subject and summary lines, the facts as label/value pairs, both e-mail bodies.</summary>
public sealed record RenderedMessage(string Subject, string Headline, string Lead, IReadOnlyList<KeyValuePair<string, string>> Facts, string Text, string Html, MessageLinks Links);

/// <summary>
/// Renders messages from Liquid templates (Fluid): one file per event says the subject, headline and lead; the layouts
/// lay out the facts and links for HTML and plain text. Every file can be replaced by a file of the same name in
/// Elevate:Notifications:TemplatesPath. Values are HTML-encoded in HTML; templates cannot reach anything but the
/// message's own facts.
/// </summary>
public sealed class MessageRenderer(IOptions<Hosting.ElevateOptions> options)
{
    private static readonly FluidParser Parser = new();
    private static readonly string BuiltIn = Path.Combine(AppContext.BaseDirectory, "Notifications", "Templates");
    private const char Separator = '\u001e';
    private static readonly string LinesFooter = $"{Separator}{{{{ subject }}}}{Separator}{{{{ headline }}}}{Separator}{{{{ lead }}}}";
    private readonly ConcurrentDictionary<string, IFluidTemplate> _templates = new();

    public async Task<RenderedMessage> RenderAsync(MessageFacts facts, MessageLinks links)
    {
        var model = Model(facts, links);
        var (subject, headline, lead) = await LinesAsync(facts, model);
        if (facts.Event == NotificationEvent.Digest)
        {
            var items = new List<Dictionary<string, object?>>();
            foreach (var item in facts.Items)
            {
                var itemModel = Model(item, new MessageLinks(null, null, null));
                var (itemSubject, itemHeadline, itemLead) = await LinesAsync(item, itemModel);
                itemModel["subject"] = itemSubject;
                itemModel["headline"] = itemHeadline;
                itemModel["lead"] = itemLead;
                items.Add(itemModel);
            }

            model["items"] = items;
        }

        model["subject"] = subject;
        model["headline"] = headline;
        model["lead"] = lead;
        var rows = Facts(facts);
        model["facts"] = rows.Select(r => new Dictionary<string, object?> { ["title"] = r.Key, ["value"] = r.Value }).ToList();
        var text = await RenderAsync("email.text.liquid", model, NullEncoder.Default);
        var html = await RenderAsync("email.html.liquid", model, HtmlEncoder.Default);
        return new RenderedMessage(subject, headline, lead, rows, text, html, links);
    }

    /// <summary>The facts a reader needs, in reading order, leaving out what is not known.</summary>
    public static IReadOnlyList<KeyValuePair<string, string>> Facts(MessageFacts f)
    {
        var rows = new List<KeyValuePair<string, string>>();
        void Add(string title, string? value)
        {
            if (!string.IsNullOrWhiteSpace(value))
            {
                rows.Add(new(title, value));
            }
        }

        Add("Review", f.Review is null ? null : $"{f.Review} #{f.InstanceNumber}");
        Add(f.Event == NotificationEvent.ReviewApplyFailed ? "Removals refused" : "Items waiting for you", f.Pending?.ToString(CultureInfo.InvariantCulture));
        if (f.Results is { } results)
        {
            Add("Items", results.Items.ToString(CultureInfo.InvariantCulture));
            Add("Approved", results.Approved.ToString(CultureInfo.InvariantCulture));
            Add("Denied", results.Denied.ToString(CultureInfo.InvariantCulture));
            Add("Not reviewed", results.NotReviewed.ToString(CultureInfo.InvariantCulture));
            Add("Results by default", results.ByDefault.ToString(CultureInfo.InvariantCulture));
            Add("Access to remove", results.ToRemove.ToString(CultureInfo.InvariantCulture));
            Add("Ended during the review", results.AlreadyGone.ToString(CultureInfo.InvariantCulture));
        }
        else
        {
            Add("Items", f.Review is null ? null : f.ItemCount?.ToString(CultureInfo.InvariantCulture));
        }

        Add("Alert", f.Alert);
        Add("Severity", f.Severity);
        Add("Items found", f.Alert is null ? null : f.ItemCount?.ToString(CultureInfo.InvariantCulture));
        Add(f.Event == NotificationEvent.ApprovalRequested || f.Event == NotificationEvent.ApprovalEscalated ? "Requester" : "Who", f.Principal);
        Add("Role", f.Role);
        Add("Scope", f.Scope);
        Add("Assignment", f.Kind);
        Add("Duration", f.Duration is { } d ? Human(d) : null);
        Add("From", Time(f.StartsAt));
        Add("Until", f.EndsAt is { } end ? Time(end) : f.Kind is not null && f.StartsAt is not null ? "permanent" : null);
        Add("Justification", f.Justification);
        Add("Ticket", f.Ticket);
        Add("Stage", f.Stage is { } s ? $"{s} of {f.Stages}" : null);
        Add(f.Review is null ? "Decide by" : "Ends", Time(f.DecideBy));
        Add("Decided by", f.DecidedBy);
        Add(f.Alert is null ? "Reason" : "Why it matters", f.Reason);
        Add("How to fix", f.HowToFix);
        if (f.Failed is { } failed)
        {
            Add("Message", failed.Event);
            Add("Channel", $"{failed.Channel} ({failed.Destination})");
            Add("Attempts", failed.Attempts.ToString(CultureInfo.InvariantCulture));
            Add("Last error", failed.LastError);
        }

        return rows;
    }

    public static string Human(TimeSpan d)
    {
        var parts = new List<string>();
        if (d.Days > 0)
        {
            parts.Add($"{d.Days}d");
        }

        if (d.Hours > 0)
        {
            parts.Add($"{d.Hours}h");
        }

        if (d.Minutes > 0 || parts.Count == 0)
        {
            parts.Add($"{d.Minutes}m");
        }

        return string.Join(' ', parts);
    }

    /// <summary>Time left as people say it: a notice processed a few seconds late still says "14d", not "13d 23h 59m".</summary>
    public static TimeSpan Rounded(TimeSpan left)
    {
        if (left <= TimeSpan.Zero)
        {
            return TimeSpan.Zero;
        }

        var unit = left >= TimeSpan.FromDays(1) ? TimeSpan.FromHours(1) : TimeSpan.FromMinutes(1);
        return TimeSpan.FromTicks((long)Math.Round(left.Ticks / (double)unit.Ticks) * unit.Ticks);
    }

    public static string? Time(DateTimeOffset? t) => t?.UtcDateTime.ToString("yyyy-MM-dd HH:mm 'UTC'", CultureInfo.InvariantCulture);

    private async Task<(string Subject, string Headline, string Lead)> LinesAsync(MessageFacts facts, Dictionary<string, object?> model)
    {
        // An event file only captures subject, headline and lead; the footer added when it is parsed prints them.
        var output = await Template($"events/{NotificationEvents.Name(facts.Event)}.liquid", LinesFooter).RenderAsync(Context(model), NullEncoder.Default);
        var parts = output.Split(Separator);
        return parts.Length == 4 ? (OneLine(parts[1]), OneLine(parts[2]), parts[3].Trim()) : throw new InvalidOperationException($"The template for {facts.Event} is malformed.");
    }

    private async Task<string> RenderAsync(string name, Dictionary<string, object?> model, TextEncoder encoder) =>
        await Template(name).RenderAsync(Context(model), encoder);

    private static TemplateContext Context(Dictionary<string, object?> model)
    {
        var context = new TemplateContext(new TemplateOptions());
        foreach (var (key, value) in model)
        {
            context.SetValue(key, value);
        }

        return context;
    }

    private IFluidTemplate Template(string name, string footer = "") => _templates.GetOrAdd(name, n =>
    {
        var custom = options.Value.Notifications.TemplatesPath is { Length: > 0 } folder ? Path.Combine(folder, n) : null;
        var path = custom is not null && File.Exists(custom) ? custom : Path.Combine(BuiltIn, n);
        if (!Parser.TryParse(File.ReadAllText(path) + footer, out var template, out var error))
        {
            throw new InvalidOperationException($"The message template {path} does not parse: {error}");
        }

        return template;
    });

    /// <summary>A subject is one line: header injection through a value is impossible.</summary>
    private static string OneLine(string value) => string.Join(' ', value.Split(['\r', '\n'], StringSplitOptions.RemoveEmptyEntries).Select(s => s.Trim())).Trim();

    private static Dictionary<string, object?> Model(MessageFacts f, MessageLinks links) => new()
    {
        ["event"] = NotificationEvents.Name(f.Event),
        ["critical"] = f.Critical,
        ["audience"] = f.Audience,
        ["actor"] = f.Actor,
        ["principal"] = f.Principal,
        ["role"] = f.Role,
        ["scope"] = f.Scope,
        ["kind"] = f.Kind,
        ["duration"] = f.Duration is { } d ? Human(d) : null,
        ["starts_at"] = Time(f.StartsAt),
        ["ends_at"] = Time(f.EndsAt),
        ["remaining"] = f.EndsAt is { } end ? Human(Rounded(end - f.OccurredAt)) : null,
        ["justification"] = f.Justification,
        ["ticket"] = f.Ticket,
        ["stage"] = f.Stage,
        ["stages"] = f.Stages,
        ["decide_by"] = Time(f.DecideBy),
        ["decided_by"] = f.DecidedBy,
        ["reason"] = f.Reason,
        ["occurred_at"] = Time(f.OccurredAt),
        ["open_url"] = links.Open,
        ["approve_url"] = links.Approve,
        ["deny_url"] = links.Deny,
        ["recent_activations"] = f.RecentActivations.Select(a => new Dictionary<string, object?>
        {
            ["starts_at"] = Time(a.StartsAt),
            ["ends_at"] = Time(a.EndsAt),
            ["justification"] = a.Justification,
            ["scope"] = a.Scope,
        }).ToList(),
        ["open_alerts"] = f.OpenAlerts.ToList(),
        ["failed_event"] = f.Failed?.Event,
        ["failed_destination"] = f.Failed?.Destination,
        ["count"] = f.Items.Count,
        ["alert"] = f.Alert,
        ["severity"] = f.Severity,
        ["item_count"] = f.ItemCount,
        ["review"] = f.Review,
        ["instance_number"] = f.InstanceNumber,
        ["pending"] = f.Pending,
        ["approved"] = f.Results?.Approved,
        ["denied"] = f.Results?.Denied,
        ["not_reviewed"] = f.Results?.NotReviewed,
        ["to_remove"] = f.Results?.ToRemove,
        ["auto_apply"] = f.Results?.AutoApply,
    };
}
