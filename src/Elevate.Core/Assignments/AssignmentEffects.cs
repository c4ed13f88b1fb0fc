using Elevate.Core.Persistence;
using Elevate.Core.Requests;
using Microsoft.EntityFrameworkCore;

namespace Elevate.Core.Assignments;

/// <summary>
/// The consequences of ending an assignment, shared by every path that ends one (removal, deactivation, disabling a
/// user or group, leaving a group): the assignment stops at once, requests that depended on it are settled, and ending
/// an eligibility cascades to everything made from it, so no scheduled or active grant outlives the right it came from.
/// </summary>
public static class AssignmentEffects
{
    /// <summary>Marks a run-out assignment expired (with its audit event). Returns true if it was.</summary>
    public static bool Settle(ChangeSet changes, AssignmentAudit audit, Assignment assignment)
    {
        if (!assignment.MarkExpired(changes.Now))
        {
            return false;
        }

        changes.Audit(audit.Record("assignment.expired", assignment));
        return true;
    }

    /// <summary>
    /// Ends <paramref name="assignment"/> for <paramref name="reason"/> and cascades; returns false if it was not open.
    /// <paramref name="cause"/> is the request that ended it (its justification goes on every event of the cascade).
    /// </summary>
    public static async Task<bool> EndAsync(ChangeSet changes, AssignmentAudit audit, Assignment assignment, EndReason reason, AssignmentRequest? cause, CancellationToken ct)
    {
        if (Settle(changes, audit, assignment) || !assignment.End(changes.Now, reason, cause?.Id))
        {
            return false;
        }

        changes.Audit(Record(audit, "assignment.ended", assignment, cause));
        await SettleCreatingRequestAsync(changes, audit, assignment, reason, ct);
        foreach (var request in await PendingAsync(changes, audit, r => r.TargetAssignmentId == assignment.Id, ct))
        {
            Move(changes, audit, request, RequestStatus.Canceled, "The assignment it acted on has ended.");
        }

        if (assignment.Kind == AssignmentKind.Eligible)
        {
            await EndActivationsFromAsync(changes, audit, [assignment.Id], EndReason.EligibilityRemoved, cause, ct);
        }

        return true;
    }

    /// <summary>
    /// Ends the open activations made from <paramref name="eligibilityIds"/> (optionally only those of one principal)
    /// and revokes the activation requests still waiting for approval under them.
    /// </summary>
    public static async Task EndActivationsFromAsync(
        ChangeSet changes, AssignmentAudit audit, IReadOnlyCollection<Guid> eligibilityIds, EndReason reason, AssignmentRequest? cause, CancellationToken ct, Guid? principalId = null)
    {
        var activations = await changes.Db.Assignments
            .Where(a => a.EligibilityId != null && eligibilityIds.Contains(a.EligibilityId.Value)
                && (a.Status == AssignmentStatus.Scheduled || a.Status == AssignmentStatus.Active)
                && (principalId == null || a.PrincipalId == principalId))
            .ToListAsync(ct);
        await audit.LoadNamesAsync(changes.Db, activations, ct);
        foreach (var activation in activations)
        {
            await EndAsync(changes, audit, activation, reason, cause, ct);
        }

        var waiting = await PendingAsync(changes, audit, r => r.EligibilityId != null && eligibilityIds.Contains(r.EligibilityId.Value)
            && (principalId == null || r.PrincipalId == principalId), ct);
        foreach (var request in waiting)
        {
            Move(changes, audit, request, RequestStatus.Revoked, reason switch
            {
                EndReason.GroupMembershipRemoved => "The requester left the group it was eligible through.",
                EndReason.PrincipalDisabled => "The principal it was eligible through was disabled.",
                _ => "The eligibility it was made under was removed.",
            });
        }
    }

    /// <summary>
    /// After an eligibility's window was shortened, activations made from it end no later than it does (and end now
    /// if nothing of them is left).
    /// </summary>
    public static async Task FitActivationsToAsync(ChangeSet changes, AssignmentAudit audit, Assignment eligibility, AssignmentRequest cause, CancellationToken ct)
    {
        if (eligibility.EndsAt is not { } end)
        {
            return;
        }

        var activations = await changes.Db.Assignments
            .Where(a => a.EligibilityId == eligibility.Id && (a.Status == AssignmentStatus.Scheduled || a.Status == AssignmentStatus.Active))
            .ToListAsync(ct);
        await audit.LoadNamesAsync(changes.Db, activations, ct);
        foreach (var activation in activations.Where(a => a.EndsAt is null || a.EndsAt > end))
        {
            if (end <= changes.Now || end <= activation.StartsAt)
            {
                await EndAsync(changes, audit, activation, EndReason.EligibilityRemoved, cause, ct);
            }
            else
            {
                var before = AssignmentAudit.Describe(activation);
                activation.Reschedule(activation.StartsAt, end, changes.Now);
                changes.Audit(Record(audit, "assignment.updated", activation, cause, new { reason = "eligibility shortened", before, after = AssignmentAudit.Describe(activation) }));
            }
        }
    }

    /// <summary>
    /// Moves a request on and audits it; does nothing when the request has already moved on in this change set
    /// (two cascades can reach the same request).
    /// </summary>
    public static void Move(ChangeSet changes, AssignmentAudit audit, AssignmentRequest request, RequestStatus to, string why)
    {
        if (!RequestStateMachine.CanMove(request.Status, to))
        {
            return;
        }

        request.MoveTo(to, changes.Now, why);
        changes.Audit(RequestAudit.Record(to switch
        {
            RequestStatus.Canceled => "request.canceled",
            RequestStatus.Revoked => "request.revoked",
            RequestStatus.Provisioned => "request.provisioned",
            RequestStatus.Denied => "request.denied",
            RequestStatus.TimedOut => "request.timed_out",
            RequestStatus.Scheduled => "request.scheduled",
            RequestStatus.PendingApproval => "request.pending_approval",
        }, request, audit));
    }

    /// <summary>
    /// Requests matching <paramref name="filter"/> that are still waiting for approval — judged on the tracked copy,
    /// which may already have moved on earlier in this change set.
    /// </summary>
    private static async Task<List<AssignmentRequest>> PendingAsync(
        ChangeSet changes, AssignmentAudit audit, System.Linq.Expressions.Expression<Func<AssignmentRequest, bool>> filter, CancellationToken ct)
    {
        var candidates = await changes.Db.Requests.Where(filter).Where(r => r.Status == RequestStatus.PendingApproval).ToListAsync(ct);
        var pending = candidates.Where(r => r.Status == RequestStatus.PendingApproval).ToList();
        await audit.LoadNamesAsync(changes.Db, pending.Select(r => new Assignment { PrincipalId = r.PrincipalId, RoleId = r.RoleId }), ct);
        return pending;
    }

    /// <summary>A grant ended before it began takes its still-scheduled request with it.</summary>
    private static async Task SettleCreatingRequestAsync(ChangeSet changes, AssignmentAudit audit, Assignment assignment, EndReason reason, CancellationToken ct)
    {
        var request = await changes.Db.Requests.FirstOrDefaultAsync(r => r.Id == assignment.CreatedByRequestId, ct);
        if (request is not { Status: RequestStatus.Scheduled })
        {
            return;
        }

        var (status, why) = reason switch
        {
            EndReason.Deactivated or EndReason.RequestCanceled => (RequestStatus.Canceled, "Canceled before it began."),
            EndReason.RemovedByAdministrator => (RequestStatus.Revoked, "An administrator removed the grant before it began."),
            EndReason.EligibilityRemoved => (RequestStatus.Revoked, "The eligibility it was made under was removed."),
            EndReason.PrincipalDisabled => (RequestStatus.Revoked, "The principal was disabled."),
            EndReason.GroupMembershipRemoved => (RequestStatus.Revoked, "The principal left the group it was eligible through."),
        };
        Move(changes, audit, request, status, why);
    }

    private static Audit.AuditRecord Record(AssignmentAudit audit, string action, Assignment assignment, AssignmentRequest? cause, object? details = null) =>
        cause is null ? audit.Record(action, assignment, (Guid?)null, details) : audit.Record(action, assignment, cause, details);
}
