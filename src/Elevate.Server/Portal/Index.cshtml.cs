using System.Globalization;
using Elevate.Core.Access;
using Elevate.Core.Alerts;
using Elevate.Core.Approvals;
using Elevate.Core.Persistence;
using Elevate.Core.Requests;
using Microsoft.AspNetCore.Mvc;
using Microsoft.EntityFrameworkCore;

namespace Elevate.Server.Portal;

/// <summary>
/// The home page: the roles active now with the time left, the requests waiting for the caller's decision, the
/// caller's own open requests, a picture of activations over the last days (the organisation's for those who may read
/// all assignments or the audit, otherwise the caller's own), and the open security alerts for those who may read
/// them, with the one-click fix and dismissal for those who may act on them.
/// </summary>
public sealed class HomeModel(
    AccessIndex index, AlertService alerts, ApprovalService approvals, Authorizer authorizer, ElevateDbContext db, TimeProvider time) : PortalPage
{
    public const int ItemsShown = 5;

    /// <summary>How many days the activity chart covers, today included.</summary>
    public const int ChartDays = 30;

    /// <summary>A role in force now, as the page shows it.</summary>
    public sealed record ActiveRole(IndexedGrant Grant, string RoleName, string? ThroughGroup);

    /// <summary>A request waiting for the caller's decision, as the page shows it.</summary>
    public sealed record WaitingRow(AssignmentRequest Request, string RequesterName, string RoleName);

    /// <summary>One of the caller's own open requests.</summary>
    public sealed record OpenRow(AssignmentRequest Request, string RoleName);

    [BindProperty]
    public Guid AlertId { get; set; }

    [BindProperty]
    public string? Reason { get; set; }

    public string Name => Session.DisplayName.Length > 0 ? Session.DisplayName : Session.Name;

    public IReadOnlyList<ActiveRole> Active { get; private set; } = [];

    /// <summary>How many requests wait for the caller (counted over what the approval queue scans).</summary>
    public int WaitingCount { get; private set; }

    public IReadOnlyList<WaitingRow> Waiting { get; private set; } = [];

    public IReadOnlyList<OpenRow> OpenRequests { get; private set; } = [];

    public ActivityData? Activity { get; private set; }

    /// <summary>Whether the chart counts everybody's activations (true) or only the caller's.</summary>
    public bool ChartForEveryone { get; private set; }

    public DateTimeOffset Now => time.GetUtcNow();

    public static string Time(DateTimeOffset at) => at.UtcDateTime.ToString("yyyy-MM-dd HH:mm 'UTC'", CultureInfo.InvariantCulture);

    public static string Iso(DateTimeOffset at) => at.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);

    /// <summary>Open alerts, most severe first; null when the signed-in user may not read alerts (nothing is shown then).</summary>
    public IReadOnlyList<SecurityAlert>? OpenAlerts { get; private set; }

    /// <summary>Whether the signed-in user may fix and dismiss alerts (Privileged Role Administrator or Elevate Administrator, active).</summary>
    public bool MayAct => authorizer.Can(Actor, Permission.ManageRoles);

    public Task OnGetAsync(CancellationToken ct) => LoadAsync(ct);

    public async Task<IActionResult> OnPostFixAsync(CancellationToken ct)
    {
        var fixedItems = await alerts.FixAsync(AlertId, null, Actor, ct);
        if (!fixedItems.IsSuccess)
        {
            AddErrors(fixedItems.Error);
            await LoadAsync(ct);
            return Page();
        }

        var failed = fixedItems.Value.Where(r => !r.Fixed).ToList();
        return Done(failed.Count == 0
            ? $"Fixed {fixedItems.Value.Count} {(fixedItems.Value.Count == 1 ? "item" : "items")}."
            : $"Fixed {fixedItems.Value.Count - failed.Count} of {fixedItems.Value.Count}; not fixed: {string.Join("; ", failed.Take(3).Select(f => f.Problem?.Message))}", "/Index");
    }

    public async Task<IActionResult> OnPostDismissAsync(CancellationToken ct)
    {
        var dismissed = await alerts.DismissAsync(AlertId, Reason, Actor, ct);
        if (!dismissed.IsSuccess)
        {
            AddErrors(dismissed.Error);
            await LoadAsync(ct);
            return Page();
        }

        return Done($"Dismissed \"{AlertCatalogue.Of(dismissed.Value.Type).Title}\"; it reopens if something new appears.", "/Index");
    }

    private async Task LoadAsync(CancellationToken ct)
    {
        var open = await alerts.ListAsync(AlertStatus.Open, Actor, ct);
        OpenAlerts = open.IsSuccess ? open.Value : null;

        var me = Session.PrincipalId;
        var now = time.GetUtcNow();
        Active = [.. index.GrantsInForce(me, now)
            .Select(g => new ActiveRole(g, index.FindRole(g.RoleId)?.Name ?? "a removed role", g.HolderId == me ? null : index.FindPrincipal(g.HolderId)?.Name))
            .OrderBy(g => g.Grant.EndsAt ?? DateTimeOffset.MaxValue).ThenBy(g => g.RoleName, StringComparer.OrdinalIgnoreCase)];

        var waiting = await approvals.AwaitingAsync(Actor, ApprovalService.MaxPendingScanned, ct);
        WaitingCount = waiting.Count;
        var shown = waiting.Take(ItemsShown).ToList();
        var mine = await db.Requests.AsNoTracking()
            .Where(r => r.RequestedById == me && (r.Status == RequestStatus.PendingApproval || r.Status == RequestStatus.Scheduled))
            .OrderByDescending(r => r.CreatedAt).Take(ItemsShown).ToListAsync(ct);
        var roleIds = shown.Select(r => r.RoleId).Concat(mine.Select(r => r.RoleId)).Distinct().ToList();
        var roleNames = await db.Roles.AsNoTracking().Where(r => roleIds.Contains(r.Id)).ToDictionaryAsync(r => r.Id, r => r.Name, ct);
        var requesterIds = shown.Select(r => r.PrincipalId).Distinct().ToList();
        var requesterNames = await db.Principals.AsNoTracking().Where(p => requesterIds.Contains(p.Id))
            .ToDictionaryAsync(p => p.Id, p => p.DisplayName.Length > 0 && p.DisplayName != p.Name ? p.DisplayName + " (" + p.Name + ")" : p.Name, ct);
        string Role(Guid id) => roleNames.GetValueOrDefault(id) ?? "a removed role";
        Waiting = [.. shown.Select(r => new WaitingRow(r, requesterNames.GetValueOrDefault(r.PrincipalId) ?? "a removed user", Role(r.RoleId)))];
        OpenRequests = [.. mine.Select(r => new OpenRow(r, Role(r.RoleId)))];

        ChartForEveryone = authorizer.Can(Actor, Permission.ReadAssignments) || authorizer.Can(Actor, Permission.ReadAudit);
        Activity = await ActivationCounts.ReadAsync(db, ChartForEveryone ? null : me, now, ChartDays, ct);
    }
}
