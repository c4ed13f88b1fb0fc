using System.Text;
using Elevate.Core.Access;
using Elevate.Core.Common;
using Elevate.Core.Reviews;
using Elevate.Core.Roles;
using Microsoft.AspNetCore.Mvc;

namespace Elevate.Server.Portal.Admin.Reviews;

/// <summary>
/// One instance for its owner, auditors and administrators (the link in the owner's e-mail): progress, decisions per
/// reviewer, the items with a filter and paging, the results once closed, "Close now" and "Apply results" (after a
/// confirmation), and the CSV export.
/// </summary>
public sealed class InstanceModel(ReviewService reviews, Authorizer authorizer) : PortalPage
{
    public static readonly string[] Filters = ["all", "undecided", "approve", "deny", "dontKnow"];

    [BindProperty(SupportsGet = true)]
    public Guid InstanceId { get; set; }

    /// <summary>all, undecided, approve, deny or dontKnow.</summary>
    [BindProperty(SupportsGet = true, Name = "decision")]
    public string? Decision { get; set; }

    [BindProperty(SupportsGet = true, Name = "cursor")]
    public string? Cursor { get; set; }

    /// <summary>"close" or "apply" to ask for confirmation first.</summary>
    [BindProperty(SupportsGet = true, Name = "confirm")]
    public string? Confirm { get; set; }

    public InstanceProgress Progress { get; private set; } = null!;

    public IReadOnlyList<ReviewItemView> Items { get; private set; } = [];

    public string? NextCursor { get; private set; }

    /// <summary>Whether the signed-in person may close the instance and apply its results (the core decides again).</summary>
    public bool MayManage { get; private set; }

    public ReviewInstance Instance => Progress.Instance;

    public string Filter => Decision is { Length: > 0 } d ? d : "all";

    public async Task<IActionResult> OnGetAsync(CancellationToken ct) => await LoadAsync(ct) ? Page() : NotFound();

    /// <summary>The instance's items and decisions as a CSV file.</summary>
    public async Task<IActionResult> OnGetExportAsync(CancellationToken ct)
    {
        var csv = await reviews.ExportCsvAsync(InstanceId, Actor, ct);
        return csv.IsSuccess
            ? File(Encoding.UTF8.GetBytes(csv.Value), "text/csv; charset=utf-8", $"access-review-{InstanceId:N}.csv")
            : NotFound();
    }

    public async Task<IActionResult> OnPostCloseAsync(CancellationToken ct)
    {
        var closed = await reviews.CloseAsync(InstanceId, Actor, ct);
        if (!closed.IsSuccess)
        {
            return await ShowErrorAsync(closed.Error, "close", ct);
        }

        var progress = await reviews.ProgressAsync(InstanceId, Actor, ct);
        var results = progress.IsSuccess ? progress.Value.Results : null;
        Notice = results is null
            ? $"Closed instance #{closed.Value.Number}."
            : $"Closed instance #{closed.Value.Number}: {results.Approved} approved, {results.Denied} denied, {results.NotReviewed} not reviewed ({results.ByDefault} by default); "
                + (closed.Value.Status == InstanceStatus.Applied ? "nothing to remove." : closed.Value.ApplyAt is not null ? $"{results.ToRemove} to remove, applied automatically." : $"{results.ToRemove} to remove when you apply the results.");
        return RedirectToPage("/Admin/Reviews/Instance", new { instanceId = InstanceId });
    }

    public async Task<IActionResult> OnPostApplyAsync(CancellationToken ct)
    {
        var applied = await reviews.ApplyAsync(InstanceId, Actor, ct);
        if (!applied.IsSuccess)
        {
            return await ShowErrorAsync(applied.Error, "apply", ct);
        }

        var s = applied.Value;
        Notice = $"Applied the results: {s.Removed} removed, {s.AlreadyGone} already gone"
            + (s.Failed > 0 ? $", {s.Failed} failed (see the items; applying again retries them)." : ".");
        return RedirectToPage("/Admin/Reviews/Instance", new { instanceId = InstanceId });
    }

    private async Task<IActionResult> ShowErrorAsync(ElevateError error, string confirm, CancellationToken ct)
    {
        if (error.Kind == ErrorKind.NotFound)
        {
            return NotFound();
        }

        foreach (var e in error.Others.Prepend(error))
        {
            ModelState.AddModelError("", e.Message);
        }

        Confirm = confirm;
        return await LoadAsync(ct) ? Page() : NotFound();
    }

    private async Task<bool> LoadAsync(CancellationToken ct)
    {
        var progress = await reviews.ProgressAsync(InstanceId, Actor, ct);
        if (!progress.IsSuccess)
        {
            return false;
        }

        Progress = progress.Value;
        var definition = Instance.Read();
        var scope = definition.Scope.ScopePath is { } path && ScopePath.TryParse(path, out var parsed, out _) ? parsed : ScopePath.Root;
        MayManage = authorizer.Can(Actor, Permission.ManageAssignments, scope);
        var items = await reviews.ItemsAsync(InstanceId, new ReviewService.ItemFilter(Decision, Cursor, null), Actor, ct);
        if (!items.IsSuccess)
        {
            ModelState.AddModelError(items.Error.Field == "decision" ? "Decision" : "", items.Error.Message);
            if (items.Error.Field == "decision")
            {
                Decision = null;
            }

            Cursor = null;
            items = await reviews.ItemsAsync(InstanceId, new ReviewService.ItemFilter(Decision, null, null), Actor, ct);
        }

        if (items.IsSuccess)
        {
            Items = items.Value.Items;
            NextCursor = items.Value.NextCursor;
        }

        return true;
    }
}
