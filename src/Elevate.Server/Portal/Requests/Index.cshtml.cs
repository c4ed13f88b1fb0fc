using System.Globalization;
using Elevate.Core.Access;
using Elevate.Core.Approvals;
using Elevate.Core.Common;
using Elevate.Core.Persistence;
using Elevate.Core.Principals;
using Elevate.Core.Requests;
using Elevate.Server.Approvals;
using Microsoft.AspNetCore.Mvc;
using Microsoft.EntityFrameworkCore;

namespace Elevate.Server.Portal.Requests;

/// <summary>
/// The caller's own requests (those they asked for), newest first a page at a time, with a status filter; for each,
/// what was asked, where it stands and why, and, for a request that waited for approval, its stages and decisions.
/// A pending or scheduled request can be canceled: "Cancel" opens a confirmation (GET, nothing changes), and only its
/// POST cancels.
/// </summary>
public sealed class IndexModel(RequestService requests, ApprovalService approvals, ElevateDbContext db, Authorizer authorizer) : PortalPage
{
    /// <summary>The statuses the filter offers, in the order a request moves through them.</summary>
    public static readonly RequestStatus[] Statuses =
    [
        RequestStatus.PendingApproval, RequestStatus.Scheduled, RequestStatus.Provisioned, RequestStatus.Denied,
        RequestStatus.Canceled, RequestStatus.TimedOut, RequestStatus.Revoked,
    ];

    /// <summary>A status as the API spells it (pendingApproval, timedOut, ...); empty for all.</summary>
    [BindProperty(SupportsGet = true, Name = "status")]
    public string? Status { get; set; }

    [BindProperty(SupportsGet = true, Name = "cursor")]
    public string? Cursor { get; set; }

    [BindProperty(SupportsGet = true, Name = "limit")]
    public int? Limit { get; set; }

    /// <summary>The request whose cancellation is to be confirmed (GET), or canceled (POST).</summary>
    [BindProperty(SupportsGet = true, Name = "cancel")]
    public Guid? CancelId { get; set; }

    public IReadOnlyList<RequestRow> Rows { get; private set; } = [];

    public string? NextCursor { get; private set; }

    /// <summary>Whether the list could be read (false when the filter or the cursor is wrong).</summary>
    public bool Listed { get; private set; }

    /// <summary>Whether each request links to its steps in the audit trail (for those who may read the trail).</summary>
    public bool ReadsAudit => authorizer.Can(Actor, Permission.ReadAudit);

    /// <summary>The request the caller is asked to confirm canceling, when it may still be canceled.</summary>
    public RequestRow? Confirming { get; private set; }

    /// <summary>The filter as query parameters (cursor aside), for the paging links and the redirect after canceling.</summary>
    public string FilterQuery
    {
        get
        {
            var parts = new List<string>();
            if (Blank(Status) is { } status)
            {
                parts.Add($"status={Uri.EscapeDataString(status)}");
            }

            if (Limit is { } limit)
            {
                parts.Add($"limit={limit.ToString(CultureInfo.InvariantCulture)}");
            }

            return string.Join('&', parts);
        }
    }

    /// <summary>One request as the page shows it.</summary>
    public sealed record RequestRow(AssignmentRequest Request, string RoleName, ApprovalView? Approval, IReadOnlyList<StageRow> Stages, bool Cancelable);

    /// <summary>One approval stage: who may decide it and what they decided.</summary>
    public sealed record StageRow(StageView Stage, IReadOnlyList<string> Deciders, IReadOnlyList<DecisionView> Decisions);

    public static string StatusValue(RequestStatus status) => System.Text.Json.JsonNamingPolicy.CamelCase.ConvertName(status.ToString());

    public static string StatusLabel(RequestStatus status) => status switch
    {
        RequestStatus.PendingApproval => "Pending approval",
        RequestStatus.Scheduled => "Scheduled",
        RequestStatus.Provisioned => "Provisioned",
        RequestStatus.Denied => "Denied",
        RequestStatus.Canceled => "Canceled",
        RequestStatus.Revoked => "Revoked",
        RequestStatus.TimedOut => "Timed out",
        _ => status.ToString(),
    };

    /// <summary>What the status means, for those who do not know the words.</summary>
    public static string StatusMeaning(RequestStatus status) => status switch
    {
        RequestStatus.PendingApproval => "waiting for an approver's decision; nothing is granted yet",
        RequestStatus.Scheduled => "accepted; access starts at the requested time",
        RequestStatus.Provisioned => "done: what it asked for is in effect",
        RequestStatus.Denied => "an approver refused it",
        RequestStatus.Canceled => "withdrawn before it took effect",
        RequestStatus.Revoked => "its grant was taken away before it began",
        RequestStatus.TimedOut => "no decision arrived before the approval deadline",
        _ => "",
    };

    public static string BadgeClass(RequestStatus status) => status switch
    {
        RequestStatus.PendingApproval or RequestStatus.Scheduled => "badge badge-waiting",
        RequestStatus.Provisioned => "badge badge-approve",
        RequestStatus.Denied or RequestStatus.Revoked or RequestStatus.TimedOut => "badge badge-deny",
        _ => "badge badge-ended",
    };

    public static string ActionLabel(RequestAction action) => action switch
    {
        RequestAction.AdminAssign => "Assign",
        RequestAction.AdminUpdate => "Change window",
        RequestAction.AdminRemove => "Remove",
        RequestAction.AdminExtend => "Extend",
        RequestAction.AdminRenew => "Renew",
        RequestAction.SelfActivate => "Activate",
        RequestAction.SelfDeactivate => "Deactivate",
        RequestAction.SelfExtend => "Extend",
        RequestAction.SelfRenew => "Renew",
        _ => action.ToString(),
    };

    public static string ProgressLabel(StageProgress progress) => progress switch
    {
        StageProgress.Upcoming => "Upcoming",
        StageProgress.Waiting => "Waiting for decisions",
        StageProgress.Approved => "Approved",
        StageProgress.Denied => "Denied",
        StageProgress.Ended => "Ended without a decision",
        _ => progress.ToString(),
    };

    public static string ProgressBadge(StageProgress progress) => progress switch
    {
        StageProgress.Approved => "badge badge-approve",
        StageProgress.Denied => "badge badge-deny",
        StageProgress.Waiting => "badge badge-waiting",
        _ => "badge badge-ended",
    };

    public static string Time(DateTimeOffset at) => at.UtcDateTime.ToString("yyyy-MM-dd HH:mm 'UTC'", CultureInfo.InvariantCulture);

    public static string Iso(DateTimeOffset at) => at.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);

    /// <summary>The requested length: the duration asked for, or the window's length; null when open-ended.</summary>
    public static TimeSpan? Length(AssignmentRequest r) => r.Duration ?? (r.StartsAt is { } s && r.EndsAt is { } e ? e - s : null);

    public async Task<IActionResult> OnGetAsync(CancellationToken ct)
    {
        await LoadAsync(ct);
        if (CancelId is { } id)
        {
            await ConfirmAsync(id, ct);
        }

        return Page();
    }

    /// <summary>The confirmed cancellation: the core decides whether the caller may, and says why not.</summary>
    public async Task<IActionResult> OnPostCancelAsync(CancellationToken ct)
    {
        if (CancelId is not { } id)
        {
            ModelState.AddModelError("", "Choose the request to cancel.");
            await LoadAsync(ct);
            return Page();
        }

        var canceled = await requests.CancelAsync(id, Actor, ct);
        if (!canceled.IsSuccess)
        {
            foreach (var e in canceled.Error.Others.Prepend(canceled.Error))
            {
                ModelState.AddModelError("", e.Message);
            }

            CancelId = null;
            await LoadAsync(ct);
            return Page();
        }

        Notice = "The request is canceled.";
        var query = FilterQuery;
        return Redirect(query.Length == 0 ? "/requests" : "/requests?" + query);
    }

    /// <summary>The request to confirm canceling: the caller's own, still pending or scheduled.</summary>
    private async Task ConfirmAsync(Guid id, CancellationToken ct)
    {
        var found = await requests.GetAsync(id, Actor, ct);
        if (!found.IsSuccess || found.Value.RequestedById != Actor.PrincipalId)
        {
            ModelState.AddModelError("", "You have no request with this id.");
            return;
        }

        if (!RequestStateMachine.IsCancelable(found.Value.Status))
        {
            ModelState.AddModelError("", $"The request is {StatusLabel(found.Value.Status).ToLowerInvariant()} and can no longer be canceled.");
            return;
        }

        Confirming = (await RowsAsync([found.Value], ct))[0];
    }

    /// <summary>
    /// One page of the caller's requests. The core lists the requests the caller asked for and those about them; only
    /// the first are shown, so its pages are read on until this page is full and one more is known to follow.
    /// </summary>
    private async Task LoadAsync(CancellationToken ct)
    {
        RequestStatus? status = null;
        if (Blank(Status) is { } text)
        {
            var match = Statuses.Where(s => string.Equals(StatusValue(s), text, StringComparison.OrdinalIgnoreCase)).ToList();
            if (match.Count == 0)
            {
                ModelState.AddModelError(nameof(Status), "Choose a status from the list.");
                return;
            }

            status = match[0];
        }

        var limit = Elevate.Core.Common.Cursor.Limit(Limit);
        if (!limit.IsSuccess)
        {
            ModelState.AddModelError(nameof(Limit), limit.Error.Message);
            return;
        }

        var me = Actor.PrincipalId;
        var mine = new List<AssignmentRequest>();
        var cursor = Cursor;
        var more = false;
        while (true)
        {
            var page = await requests.ListAsync(new RequestService.ListFilter(true, null, null, status, cursor, Elevate.Core.Common.Cursor.MaxLimit), Actor, ct);
            if (!page.IsSuccess)
            {
                ModelState.AddModelError("", page.Error.Message);
                Cursor = null;
                return;
            }

            foreach (var r in page.Value.Items.Where(r => r.RequestedById == me))
            {
                if (mine.Count == limit.Value)
                {
                    more = true;
                    break;
                }

                mine.Add(r);
            }

            if (more || page.Value.NextCursor is null)
            {
                break;
            }

            cursor = page.Value.NextCursor;
        }

        Rows = await RowsAsync(mine, ct);
        NextCursor = more && mine.Count > 0 ? Elevate.Core.Common.Cursor.Encode(mine[^1].CreatedAt, mine[^1].Id) : null;
        Listed = true;
    }

    /// <summary>The requests with their role's name and, for those that waited for approval, their stages and deciders' names.</summary>
    private async Task<IReadOnlyList<RequestRow>> RowsAsync(IReadOnlyList<AssignmentRequest> list, CancellationToken ct)
    {
        var roleIds = list.Select(r => r.RoleId).Distinct().ToList();
        var roleNames = await db.Roles.AsNoTracking().Where(r => roleIds.Contains(r.Id)).ToDictionaryAsync(r => r.Id, r => r.Name, ct);
        var approvalsById = new Dictionary<Guid, ApprovalView>();
        foreach (var r in list.Where(r => r.ApprovalPlan is not null))
        {
            if (await approvals.GetAsync(r.Id, Actor, ct) is { IsSuccess: true } state)
            {
                approvalsById[r.Id] = ApprovalView.From(state.Value);
            }
        }

        var principalIds = approvalsById.Values
            .SelectMany(a => a.Stages.SelectMany(s => s.Approvers.Concat(s.EscalationApprovers).Concat(s.Manager is { } m ? [m] : [])))
            .Distinct().ToList();
        var names = await db.Principals.AsNoTracking().Where(p => principalIds.Contains(p.Id))
            .Select(p => new { p.Id, p.Name, p.DisplayName, p.Kind }).ToListAsync(ct);
        var nameOf = names.ToDictionary(p => p.Id, p =>
            (p.DisplayName.Length > 0 && p.DisplayName != p.Name ? $"{p.DisplayName} ({p.Name})" : p.Name) + (p.Kind == PrincipalKind.Group ? " (group)" : ""));
        string Name(Guid id) => nameOf.TryGetValue(id, out var n) ? n : "a removed principal";

        return [.. list.Select(r =>
        {
            var approval = approvalsById.GetValueOrDefault(r.Id);
            var stages = approval is null ? [] : approval.Stages.Select(s =>
            {
                var deciders = new List<string>();
                deciders.AddRange(s.Approvers.Select(Name));
                if (s.Manager is { } manager)
                {
                    deciders.Add($"{Name(manager)}, your manager");
                }

                if (s.ScopeAdministrators)
                {
                    deciders.Add($"administrators of {r.Scope}");
                }

                deciders.AddRange(s.EscalationApprovers.Select(e => $"{Name(e)} (after escalation)"));
                return new StageRow(s, deciders, [.. approval.Decisions.Where(d => d.Stage == s.Number)]);
            }).ToList();
            return new RequestRow(r, roleNames.GetValueOrDefault(r.RoleId) ?? "a removed role", approval, stages,
                RequestStateMachine.IsCancelable(r.Status) && r.RequestedById == Actor.PrincipalId);
        })];
    }

    private static string? Blank(string? value) => string.IsNullOrWhiteSpace(value) ? null : value.Trim();
}
