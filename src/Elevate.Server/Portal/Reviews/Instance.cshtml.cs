using System.Globalization;
using System.Text.RegularExpressions;
using Elevate.Core.Common;
using Elevate.Core.Reviews;
using Microsoft.AspNetCore.Mvc;

namespace Elevate.Server.Portal.Reviews;

/// <summary>
/// A reviewer's page for one review instance (the link in the reviewer's e-mail): their items, waiting ones first,
/// each with what is reviewed, the last activity and the recommendation, and a form to approve, deny or say "don't
/// know"; a bulk form for many items at once, and "accept recommendations" after a confirmation. Closed instances show
/// the decisions read-only. Whoever neither reviews here nor may read the review gets the not-found page.
/// </summary>
public sealed partial class InstanceModel(ReviewService reviews) : PortalPage
{
    public const int PageSize = 100;

    [BindProperty(SupportsGet = true)]
    public Guid InstanceId { get; set; }

    /// <summary>"all" to show decided items too; otherwise only the items waiting for the reviewer.</summary>
    [BindProperty(SupportsGet = true, Name = "show")]
    public string? Show { get; set; }

    [BindProperty(SupportsGet = true, Name = "cursor")]
    public string? Cursor { get; set; }

    /// <summary>"accept" to ask for confirmation before accepting every recommendation.</summary>
    [BindProperty(SupportsGet = true, Name = "confirm")]
    public string? Confirm { get; set; }

    [BindProperty]
    public Guid ItemId { get; set; }

    [BindProperty]
    public string? Verdict { get; set; }

    [BindProperty]
    public string? Reason { get; set; }

    [BindProperty]
    public List<Guid> Selected { get; set; } = [];

    [BindProperty]
    public string? BulkVerdict { get; set; }

    [BindProperty]
    public string? BulkReason { get; set; }

    public ReviewInstance Instance { get; private set; } = null!;

    public ReviewDefinition Definition { get; private set; } = new();

    public string ReviewName { get; private set; } = "";

    public IReadOnlyList<ReviewItemView> Items { get; private set; } = [];

    public string? NextCursor { get; private set; }

    /// <summary>The instance's progress when the reviewer may also read the whole review (owner, auditor, administrator).</summary>
    public InstanceProgress? Progress { get; private set; }

    /// <summary>The items waiting for the reviewer's decision now.</summary>
    public IReadOnlySet<Guid> Waiting { get; private set; } = new HashSet<Guid>();

    /// <summary>For the confirmation of "accept recommendations": how many items it would approve and deny.</summary>
    public (int Approve, int Deny, bool More)? AcceptCounts { get; private set; }

    /// <summary>The item whose form was sent and refused, so it shows what was entered.</summary>
    public Guid? FailedItem { get; private set; }

    /// <summary>Whether a decision was refused (nothing was recorded).</summary>
    public bool Refused { get; private set; }

    public bool InProgress => Instance.Status == InstanceStatus.InProgress;

    /// <summary>Errors about items this page does not show (another page of items, or an item that is not the reviewer's to see).</summary>
    public IReadOnlyList<string> OtherItemErrors => [.. ModelState
        .Where(e => e.Key.StartsWith("items.", StringComparison.Ordinal) && e.Value is { Errors.Count: > 0 }
            && !Items.Any(i => e.Key == ItemKey(i.Item.Id) || e.Key.StartsWith(ItemKey(i.Item.Id) + ".", StringComparison.Ordinal)))
        .SelectMany(e => e.Value!.Errors.Select(x => x.ErrorMessage))];

    public bool ShowAll => !InProgress || string.Equals(Show, "all", StringComparison.OrdinalIgnoreCase);

    public bool AnyDecidable => Items.Any(i => i.CanDecide && !IsOwn(i.Item));

    public static string ItemKey(Guid itemId, string? field = null) => field is null ? $"items.{itemId:N}" : $"items.{itemId:N}.{field}";

    public async Task<IActionResult> OnGetAsync(CancellationToken ct) => await LoadAsync(ct) ? Page() : NotFound();

    public async Task<IActionResult> OnPostDecideAsync(CancellationToken ct)
    {
        FailedItem = ItemId;
        if (!ReviewText.TryRead<ReviewVerdict>(Verdict, out var verdict))
        {
            ModelState.AddModelError(ItemKey(ItemId, "Verdict"), "Choose approve, deny or don't know.");
            return await RefusedAsync(ct);
        }

        var decided = await reviews.DecideAsync(InstanceId, [new DecisionInput(ItemId, verdict, Reason)], Actor, ct);
        if (!decided.IsSuccess)
        {
            AddDecisionErrors(decided.Error, [ItemId], bulk: false);
            return await RefusedAsync(ct);
        }

        var item = decided.Value[0];
        return Saved($"Saved: {ReviewText.Of(verdict)} for {item.PrincipalName} ({item.RoleName} at {item.Scope}).");
    }

    public async Task<IActionResult> OnPostBulkAsync(CancellationToken ct)
    {
        var selected = Selected.Distinct().ToList();
        if (selected.Count == 0)
        {
            ModelState.AddModelError("Bulk.Items", "Tick at least one item (\u201cInclude in the bulk decision\u201d) first.");
        }

        if (!ReviewText.TryRead<ReviewVerdict>(BulkVerdict, out var verdict))
        {
            ModelState.AddModelError("Bulk.Verdict", "Choose approve, deny or don't know.");
        }

        if (!ModelState.IsValid)
        {
            return await RefusedAsync(ct);
        }

        var decided = await reviews.DecideAsync(InstanceId, [.. selected.Select(id => new DecisionInput(id, verdict, BulkReason))], Actor, ct);
        if (!decided.IsSuccess)
        {
            AddDecisionErrors(decided.Error, selected, bulk: true);
            return await RefusedAsync(ct);
        }

        return Saved($"Saved: {ReviewText.Of(verdict)} for {ReviewText.Count(decided.Value.Count, "item")}.");
    }

    public async Task<IActionResult> OnPostAcceptAsync(CancellationToken ct)
    {
        var accepted = await reviews.AcceptRecommendationsAsync(InstanceId, Actor, ct);
        if (!accepted.IsSuccess)
        {
            AddDecisionErrors(accepted.Error, [], bulk: false);
            return await RefusedAsync(ct);
        }

        var items = accepted.Value;
        return Saved(items.Count == 0
            ? "No item waiting for you has a recommendation; nothing was decided."
            : $"Accepted the recommendation for {ReviewText.Count(items.Count, "item")}: "
                + $"{items.Count(i => i.Recommendation == ReviewVerdict.Approve)} approved, {items.Count(i => i.Recommendation == ReviewVerdict.Deny)} denied.");
    }

    /// <summary>The decision the item's form shows: what was just sent (when refused), else the reviewer's own earlier decision.</summary>
    public (ReviewVerdict? Verdict, string? Reason) Chosen(ReviewItemView view)
    {
        if (FailedItem == view.Item.Id)
        {
            return (ReviewText.TryRead<ReviewVerdict>(Verdict, out var v) ? v : null, Reason);
        }

        var mine = view.Decisions.LastOrDefault(d => d.ReviewerId == Session.PrincipalId);
        return (mine?.Verdict, mine?.Reason);
    }

    /// <summary>Whether the stage the item is at is a self-review (which always needs a justification).</summary>
    public bool IsSelfReview(ReviewItem item) =>
        Definition.Stages.Count > 0 && Definition.Stages[Math.Clamp(item.Stage, 1, Definition.Stages.Count) - 1].Reviewers == ReviewerKind.Self;

    /// <summary>The reviewer's own access (reached through a reviewing group): someone else decides it, except in a self-review.</summary>
    public bool IsOwn(ReviewItem item) => item.PrincipalId == Session.PrincipalId && !IsSelfReview(item);

    public bool ReasonRequired(ReviewItem item) => Definition.RequireReason || IsSelfReview(item);

    /// <summary>Whether the bulk form needs a reason: the review asks for one, or it is a self-review.</summary>
    public bool BulkReasonRequired => Definition.RequireReason || (Definition.Stages.Count > 0 && Definition.Stages[0].Reviewers == ReviewerKind.Self);

    private RedirectToPageResult Saved(string notice)
    {
        Notice = notice;
        return RedirectToPage("/Reviews/Instance", new { instanceId = InstanceId, show = string.Equals(Show, "all", StringComparison.OrdinalIgnoreCase) ? "all" : null });
    }

    private async Task<IActionResult> RefusedAsync(CancellationToken ct)
    {
        Refused = true;
        return await LoadAsync(ct) ? Page() : NotFound();
    }

    /// <summary>
    /// Puts the core's errors where they belong: <c>items[n].reason</c> next to the n-th item's reason (or the bulk
    /// reason), <c>items[n].itemId</c> on the item itself, anything else on the page.
    /// </summary>
    private void AddDecisionErrors(ElevateError error, List<Guid> items, bool bulk)
    {
        foreach (var e in error.Others.Prepend(error))
        {
            var key = "";
            if (ItemField().Match(e.Field ?? "") is { Success: true } m
                && int.TryParse(m.Groups["n"].Value, NumberStyles.None, CultureInfo.InvariantCulture, out var n) && n < items.Count)
            {
                key = m.Groups["field"].Value switch
                {
                    "reason" => bulk ? "Bulk.Reason" : ItemKey(items[n], "Reason"),
                    "decision" => bulk ? "Bulk.Verdict" : ItemKey(items[n], "Verdict"),
                    _ => ItemKey(items[n]),
                };
            }
            else if (e.Field == "items" && bulk)
            {
                key = "Bulk.Items";
            }

            ModelState.AddModelError(key, e.Message);
        }
    }

    private async Task<bool> LoadAsync(CancellationToken ct)
    {
        var pendingOnly = !string.Equals(Show, "all", StringComparison.OrdinalIgnoreCase);
        var read = await reviews.ReviewerItemsAsync(InstanceId, pendingOnly, Cursor, PageSize, Actor, ct);
        if (!read.IsSuccess && read.Error.Field == "cursor")
        {
            // A stale or altered cursor: start from the first page.
            ModelState.AddModelError("", read.Error.Message);
            Cursor = null;
            read = await reviews.ReviewerItemsAsync(InstanceId, pendingOnly, null, PageSize, Actor, ct);
        }

        if (read.IsSuccess && pendingOnly && read.Value.Instance.Status != InstanceStatus.InProgress)
        {
            // A closed instance has nothing waiting: it shows every item, read-only.
            read = await reviews.ReviewerItemsAsync(InstanceId, false, Cursor, PageSize, Actor, ct);
        }

        if (!read.IsSuccess)
        {
            return false;
        }

        (Progress, Instance, ReviewName, var page) = read.Value;
        Definition = Instance.Read();
        NextCursor = page.NextCursor;
        if (!InProgress)
        {
            Items = page.Items;
            return true;
        }

        // The items waiting for the reviewer: this page when it shows only those, else a read of them (for the badges and the order).
        var confirming = string.Equals(Confirm, "accept", StringComparison.OrdinalIgnoreCase);
        var waiting = pendingOnly && (Cursor is null || !confirming) ? page
            : (await reviews.ReviewerItemsAsync(InstanceId, true, null, Core.Common.Cursor.MaxLimit, Actor, ct)) is { IsSuccess: true } pending ? pending.Value.Items : null;
        Waiting = pendingOnly ? page.Items.Select(i => i.Item.Id).ToHashSet() : waiting?.Items.Select(i => i.Item.Id).ToHashSet() ?? [];
        Items = pendingOnly ? page.Items : [.. page.Items.OrderByDescending(i => Waiting.Contains(i.Item.Id))];
        if (confirming && waiting is not null)
        {
            var decidable = waiting.Items.Where(i => i.CanDecide && !IsOwn(i.Item)).ToList();
            AcceptCounts = (decidable.Count(i => i.Item.Recommendation == ReviewVerdict.Approve), decidable.Count(i => i.Item.Recommendation == ReviewVerdict.Deny),
                waiting.NextCursor is not null);
        }

        return true;
    }

    [GeneratedRegex(@"^items\[(?<n>\d+)\](?:\.(?<field>[A-Za-z]+))?$")]
    private static partial Regex ItemField();
}
