using Elevate.Core.Persistence;
using Elevate.Core.Requests;
using Microsoft.EntityFrameworkCore;

namespace Elevate.Core.Assignments;

/// <summary>
/// The consequences of ending an assignment, shared by every path that ends one (removal, deactivation, disabling a
/// user, leaving a group): the assignment stops at once, and ending an eligibility cascades to everything made from
/// it, so no scheduled or active grant outlives the right it came from.
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

    /// <summary>Ends <paramref name="assignment"/> for <paramref name="reason"/> and cascades; returns false if it was not open.</summary>
    public static async Task<bool> EndAsync(ChangeSet changes, AssignmentAudit audit, Assignment assignment, EndReason reason, Guid? requestId, CancellationToken ct)
    {
        if (Settle(changes, audit, assignment) || !assignment.End(changes.Now, reason, requestId))
        {
            return false;
        }

        changes.Audit(audit.Record("assignment.ended", assignment, requestId));
        await SettleCreatingRequestAsync(changes, assignment, reason, ct);
        await CancelRequestsOnAsync(changes, assignment, ct);
        if (assignment.Kind == AssignmentKind.Eligible)
        {
            await CascadeFromEligibilityAsync(changes, audit, assignment, requestId, ct);
        }

        return true;
    }

    /// <summary>
    /// After an eligibility's window was shortened, activations made from it end no later than it does (and end now
    /// if nothing of them is left).
    /// </summary>
    public static async Task FitActivationsToAsync(ChangeSet changes, AssignmentAudit audit, Assignment eligibility, Guid requestId, CancellationToken ct)
    {
        if (eligibility.EndsAt is not { } end)
        {
            return;
        }

        var activations = await OpenActivationsFromAsync(changes.Db, eligibility.Id, ct);
        await audit.LoadNamesAsync(changes.Db, activations, ct);
        foreach (var activation in activations.Where(a => a.EndsAt is null || a.EndsAt > end))
        {
            if (end <= changes.Now || end <= activation.StartsAt)
            {
                await EndAsync(changes, audit, activation, EndReason.EligibilityRemoved, requestId, ct);
            }
            else
            {
                var before = AssignmentAudit.Describe(activation);
                activation.Reschedule(activation.StartsAt, end, changes.Now);
                changes.Audit(audit.Record("assignment.updated", activation, requestId, new { reason = "eligibility shortened", before, after = AssignmentAudit.Describe(activation) }));
            }
        }
    }

    private static async Task CascadeFromEligibilityAsync(ChangeSet changes, AssignmentAudit audit, Assignment eligibility, Guid? requestId, CancellationToken ct)
    {
        var activations = await OpenActivationsFromAsync(changes.Db, eligibility.Id, ct);
        await audit.LoadNamesAsync(changes.Db, activations, ct);
        foreach (var activation in activations)
        {
            await EndAsync(changes, audit, activation, EndReason.EligibilityRemoved, requestId, ct);
        }

        // Activations still waiting for approval lose the eligibility they were checked against.
        var waiting = await changes.Db.Requests
            .Where(r => r.EligibilityId == eligibility.Id && r.Status == RequestStatus.PendingApproval)
            .ToListAsync(ct);
        foreach (var request in waiting)
        {
            request.MoveTo(RequestStatus.Revoked, changes.Now, "The eligibility it was made under was removed.");
            changes.Audit(RequestAudit.Record("request.revoked", request, audit));
        }
    }

    private static Task<List<Assignment>> OpenActivationsFromAsync(ElevateDbContext db, Guid eligibilityId, CancellationToken ct) =>
        db.Assignments
            .Where(a => a.EligibilityId == eligibilityId && (a.Status == AssignmentStatus.Scheduled || a.Status == AssignmentStatus.Active))
            .ToListAsync(ct);

    /// <summary>A grant ended before it began takes its still-scheduled request with it.</summary>
    private static async Task SettleCreatingRequestAsync(ChangeSet changes, Assignment assignment, EndReason reason, CancellationToken ct)
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
        request.MoveTo(status, changes.Now, why);
    }

    /// <summary>Pending requests that act on an assignment that just ended have nothing left to act on.</summary>
    private static async Task CancelRequestsOnAsync(ChangeSet changes, Assignment assignment, CancellationToken ct)
    {
        var pending = await changes.Db.Requests
            .Where(r => r.TargetAssignmentId == assignment.Id && r.Status == RequestStatus.PendingApproval)
            .ToListAsync(ct);
        foreach (var request in pending)
        {
            request.MoveTo(RequestStatus.Canceled, changes.Now, "The assignment it acted on has ended.");
        }
    }
}
