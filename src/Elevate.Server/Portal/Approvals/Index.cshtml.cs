using System.Globalization;
using Elevate.Core.Approvals;
using Elevate.Core.Assignments;
using Elevate.Core.Persistence;
using Elevate.Core.Requests;
using Microsoft.AspNetCore.Mvc;
using Microsoft.EntityFrameworkCore;

namespace Elevate.Server.Portal.Approvals;

/// <summary>
/// The requests waiting for the caller's decision, oldest first a page at a time, each with what an approver weighs
/// (justification, ticket, the requester's recent activations of the role, open alerts about them) and a form to
/// approve or deny it; several can be decided at once with one reason. Every decision goes through the core, which
/// refuses what the caller may not decide (their own request above all) and says why. A role that requires a fresh
/// second factor to approve is decided on the request's own page: one authenticator code works once, so it cannot
/// cover several decisions.
/// </summary>
public sealed class IndexModel(ApprovalService approvals, ElevateDbContext db) : PortalPage
{
    /// <summary>At most this many requests are decided in one go.</summary>
    public const int MaxSelected = Elevate.Server.Approvals.ApprovalEndpoints.MaxBulk;

    [BindProperty(SupportsGet = true, Name = "cursor")]
    public string? Cursor { get; set; }

    [BindProperty(SupportsGet = true, Name = "limit")]
    public int? Limit { get; set; }

    /// <summary>The request decided on its own (single decision).</summary>
    [BindProperty]
    public Guid? RequestId { get; set; }

    /// <summary>approve or deny: the button pressed.</summary>
    [BindProperty]
    public string? Verdict { get; set; }

    [BindProperty]
    public string? Reason { get; set; }

    /// <summary>The requests ticked for a decision on many.</summary>
    [BindProperty]
    public List<Guid> Selected { get; set; } = [];

    [BindProperty]
    public string? BulkReason { get; set; }

    /// <summary>One waiting request with what the approver should see.</summary>
    public sealed record WaitingRequest(
        AssignmentRequest Request, ApprovalPlan Plan, string RequesterName, string RoleName, IReadOnlyList<Assignment> RecentActivations, IReadOnlyList<string> OpenAlerts)
    {
        public PlannedStage Stage => Plan.Stages[Request.ApprovalStage - 1];
    }

    public IReadOnlyList<WaitingRequest> Rows { get; private set; } = [];

    public string? NextCursor { get; private set; }

    /// <summary>The request whose single decision failed, so its errors show next to its form.</summary>
    public Guid? FailedId { get; private set; }

    public static string Time(DateTimeOffset at) => at.UtcDateTime.ToString("yyyy-MM-dd HH:mm 'UTC'", CultureInfo.InvariantCulture);

    public static string Iso(DateTimeOffset at) => at.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);

    /// <summary>What is asked for: the length, and the start when it is later than the asking.</summary>
    public static string Window(AssignmentRequest r)
    {
        var length = r.Duration ?? (r.StartsAt is { } s && r.EndsAt is { } e ? e - s : null);
        var text = length is { } l ? Elevate.Server.Notifications.MessageRenderer.Human(l) : "as long as the eligibility";
        return r.StartsAt is { } starts && starts > r.CreatedAt ? $"{text} from {Time(starts)}" : text;
    }

    public async Task<IActionResult> OnGetAsync(CancellationToken ct)
    {
        await LoadAsync(ct);
        return Page();
    }

    /// <summary>One decision, approve or deny, with its reason (required to deny; the core says so).</summary>
    public async Task<IActionResult> OnPostDecideAsync(CancellationToken ct)
    {
        if (RequestId is not { } id || ParseVerdict() is not { } verdict)
        {
            ModelState.AddModelError("", "Choose a request and whether to approve or deny it.");
            await LoadAsync(ct);
            return Page();
        }

        var decided = await approvals.DecideAsync(id, new DecisionInput(verdict, Reason, null), Actor, ct);
        if (!decided.IsSuccess)
        {
            FailedId = id;
            foreach (var e in decided.Error.Others.Prepend(decided.Error))
            {
                ModelState.AddModelError(string.Equals(e.Field, "reason", StringComparison.OrdinalIgnoreCase) ? nameof(Reason) : "", e.Message);
            }

            await LoadAsync(ct);
            return Page();
        }

        return Done(Outcome(decided.Value.Request.Status), "/Approvals/Index");
    }

    /// <summary>
    /// The same decision on every ticked request, each decided on its own: one refused (already decided, not the
    /// caller's to decide) does not stop the others, and the notice says which were decided and why others were not.
    /// </summary>
    public async Task<IActionResult> OnPostBulkAsync(CancellationToken ct)
    {
        var verdict = ParseVerdict();
        var selected = Selected.Distinct().ToList();
        if (selected.Count == 0)
        {
            ModelState.AddModelError(nameof(Selected), "Tick the requests to decide.");
        }

        if (verdict is null)
        {
            ModelState.AddModelError("", "Choose whether to approve or deny the selected requests.");
        }

        if (verdict == ApprovalVerdict.Deny && string.IsNullOrWhiteSpace(BulkReason))
        {
            ModelState.AddModelError(nameof(BulkReason), "Say why you deny them; the requesters see the reason.");
        }

        if (selected.Count > MaxSelected)
        {
            ModelState.AddModelError(nameof(Selected), $"Decide at most {MaxSelected} requests at once.");
        }

        if (!ModelState.IsValid || verdict is not { } chosen)
        {
            await LoadAsync(ct);
            return Page();
        }

        // Only requests that wait for this person are named: a refusal must not tell a stranger whose request an id is.
        var waiting = (await approvals.AwaitingAsync(Actor, ApprovalService.MaxPendingScanned, ct)).Select(r => r.Id).ToHashSet();
        var names = await NamesAsync([.. selected.Where(waiting.Contains)], ct);
        var done = new List<string>();
        var refused = new List<string>();
        foreach (var id in selected)
        {
            var decided = await approvals.DecideAsync(id, new DecisionInput(chosen, BulkReason, null), Actor, ct);
            var name = names.GetValueOrDefault(id) ?? "a request that is not waiting for you";
            if (decided.IsSuccess)
            {
                done.Add(name);
            }
            else
            {
                refused.Add($"{name}: not decided: {decided.Error.Message}");
            }
        }

        var notice = done.Count == 0 ? "Nothing was decided." : $"{(chosen == ApprovalVerdict.Approve ? "Approved" : "Denied")} {done.Count}: {string.Join("; ", done)}.";
        if (refused.Count > 0)
        {
            notice += " " + string.Join(" ", refused.Select(r => r.EndsWith('.') ? r : r + "."));
        }

        return Done(notice, "/Approvals/Index");
    }

    private ApprovalVerdict? ParseVerdict() => Verdict?.ToLowerInvariant() switch
    {
        "approve" => ApprovalVerdict.Approve,
        "deny" => ApprovalVerdict.Deny,
        _ => null,
    };

    private static string Outcome(RequestStatus status) => status switch
    {
        RequestStatus.PendingApproval => "Your decision is recorded; the request waits for the other approvers.",
        RequestStatus.Denied => "You denied the request; the requester is told.",
        _ => "You approved the request; the requester is told.",
    };

    /// <summary>"role for requester" of each request, for the notice.</summary>
    private async Task<Dictionary<Guid, string>> NamesAsync(IReadOnlyList<Guid> ids, CancellationToken ct)
    {
        var rows = await (from r in db.Requests.AsNoTracking()
                          join role in db.Roles on r.RoleId equals role.Id
                          join p in db.Principals on r.PrincipalId equals p.Id
                          where ids.Contains(r.Id)
                          select new { r.Id, Role = role.Name, p.Name }).ToListAsync(ct);
        return rows.ToDictionary(r => r.Id, r => $"{r.Role} for {r.Name}");
    }

    /// <summary>
    /// One page of what waits for the caller. The core's queue is read (it scans at most
    /// <see cref="ApprovalService.MaxPendingScanned"/> pending requests, oldest first) and paged here by (created, id).
    /// </summary>
    private async Task LoadAsync(CancellationToken ct)
    {
        var limit = Elevate.Core.Common.Cursor.Limit(Limit);
        var after = Elevate.Core.Common.Cursor.DecodeTimeAndId(Cursor);
        if (!limit.IsSuccess)
        {
            ModelState.AddModelError(nameof(Limit), limit.Error.Message);
            return;
        }

        if (!after.IsSuccess)
        {
            ModelState.AddModelError("", after.Error.Message);
            Cursor = null;
            return;
        }

        var waiting = (await approvals.AwaitingAsync(Actor, ApprovalService.MaxPendingScanned, ct))
            .OrderBy(r => r.CreatedAt).ThenBy(r => r.Id)
            .Where(r => after.Value is not { } c || r.CreatedAt > c.At || (r.CreatedAt == c.At && r.Id.CompareTo(c.Id) > 0))
            .Take(limit.Value + 1).ToList();
        var page = waiting.Take(limit.Value).ToList();
        NextCursor = waiting.Count > limit.Value ? Elevate.Core.Common.Cursor.Encode(page[^1].CreatedAt, page[^1].Id) : null;

        var roleIds = page.Select(r => r.RoleId).Distinct().ToList();
        var roleNames = await db.Roles.AsNoTracking().Where(r => roleIds.Contains(r.Id)).ToDictionaryAsync(r => r.Id, r => r.Name, ct);
        var requesterIds = page.Select(r => r.PrincipalId).Distinct().ToList();
        var requesterNames = await db.Principals.AsNoTracking().Where(p => requesterIds.Contains(p.Id))
            .ToDictionaryAsync(p => p.Id, p => p.DisplayName.Length > 0 && p.DisplayName != p.Name ? p.DisplayName + " (" + p.Name + ")" : p.Name, ct);
        var alerts = new Dictionary<Guid, IReadOnlyList<string>>();
        foreach (var requester in requesterIds)
        {
            alerts[requester] = await Elevate.Core.Alerts.AlertEvaluator.OpenAboutAsync(db, requester, ct);
        }

        var rows = new List<WaitingRequest>();
        foreach (var r in page)
        {
            var recent = await RequesterHistory.RecentActivationsAsync(db, r, ct);
            rows.Add(new WaitingRequest(r, ApprovalPlan.FromJson(r.ApprovalPlan!), requesterNames.GetValueOrDefault(r.PrincipalId) ?? "a removed user",
                roleNames.GetValueOrDefault(r.RoleId) ?? "a removed role", recent, alerts[r.PrincipalId]));
        }

        Rows = rows;
    }
}
