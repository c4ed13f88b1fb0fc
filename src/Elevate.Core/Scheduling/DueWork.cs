using Elevate.Core.Assignments;
using Elevate.Core.Audit;
using Elevate.Core.Persistence;
using Elevate.Core.Requests;
using Microsoft.EntityFrameworkCore;

namespace Elevate.Core.Scheduling;

/// <summary>What one batch did, and how late the latest item was processed after its due time.</summary>
public sealed record BatchResult(int Started, int Expired, TimeSpan MaxLag, int TimedOut = 0)
{
    public int Total => Started + Expired + TimedOut;
}

/// <summary>
/// Processes grants whose start or end has come: marks them started or expired, settles their requests, and audits
/// each, in one change set per batch. The schedule is the assignments table itself, so nothing can fall out of a
/// separate job queue. Exactly-once: batches serialise on the audit-head lock and re-read what is due inside it, so
/// an item another instance just processed is no longer due.
/// </summary>
public sealed class DueWork(ChangeSets changes)
{
    public const int BatchSize = 500;

    /// <summary>The earliest start or end not processed yet, or null when nothing is scheduled.</summary>
    public async Task<DateTimeOffset?> NextDueAsync(CancellationToken ct)
    {
        var db = changes.Db;
        var nextStart = await db.Assignments.Where(a => a.Status == AssignmentStatus.Scheduled).MinAsync(a => (DateTimeOffset?)a.StartsAt, ct);
        var nextEndScheduled = await db.Assignments.Where(a => a.Status == AssignmentStatus.Scheduled && a.EndsAt != null).MinAsync(a => a.EndsAt, ct);
        var nextEndActive = await db.Assignments.Where(a => a.Status == AssignmentStatus.Active && a.EndsAt != null).MinAsync(a => a.EndsAt, ct);
        var nextTimeout = await db.Requests.Where(r => r.Status == RequestStatus.PendingApproval && r.StageDueAt != null).MinAsync(r => r.StageDueAt, ct);
        return new[] { nextStart, nextEndScheduled, nextEndActive, nextTimeout }.Where(d => d is not null).Min();
    }

    /// <summary>Processes up to <see cref="BatchSize"/> due items at the current time.</summary>
    public async Task<BatchResult> RunBatchAsync(CancellationToken ct)
    {
        await using var cs = await changes.BeginAsync(Actor.System("scheduler"), ct);
        var now = cs.Now;
        var ending = await cs.Db.Assignments
            .Where(a => (a.Status == AssignmentStatus.Scheduled || a.Status == AssignmentStatus.Active) && a.EndsAt != null && a.EndsAt <= now)
            .OrderBy(a => a.EndsAt)
            .Take(BatchSize)
            .ToListAsync(ct);
        var starting = await cs.Db.Assignments
            .Where(a => a.Status == AssignmentStatus.Scheduled && a.StartsAt <= now)
            .OrderBy(a => a.StartsAt)
            .Take(BatchSize - ending.Count)
            .ToListAsync(ct);
        starting.RemoveAll(a => a.HasRunOutAt(now));
        var overdue = await cs.Db.Requests
            .Where(r => r.Status == RequestStatus.PendingApproval && r.StageDueAt != null && r.StageDueAt <= now)
            .OrderBy(r => r.StageDueAt)
            .Take(Math.Max(0, BatchSize - ending.Count - starting.Count))
            .ToListAsync(ct);
        if (ending.Count == 0 && starting.Count == 0 && overdue.Count == 0)
        {
            return new BatchResult(0, 0, TimeSpan.Zero);
        }

        var audit = new AssignmentAudit();
        await audit.LoadNamesAsync(cs.Db, ending.Concat(starting), ct);
        await audit.LoadNamesAsync(cs.Db, overdue.Select(r => new Assignment { PrincipalId = r.PrincipalId, RoleId = r.RoleId }), ct);
        var requestIds = ending.Concat(starting).Select(a => a.CreatedByRequestId).ToList();
        var requests = await cs.Db.Requests.Where(r => requestIds.Contains(r.Id) && r.Status == RequestStatus.Scheduled).ToDictionaryAsync(r => r.Id, ct);
        var maxLag = TimeSpan.Zero;

        foreach (var request in overdue)
        {
            // A request that waits past its stage's timeout expires; nothing was granted, nothing needs undoing.
            AssignmentEffects.Move(cs, audit, request, RequestStatus.TimedOut, $"No decision arrived within stage {request.ApprovalStage}'s time limit.");
        }

        foreach (var assignment in starting)
        {
            maxLag = Max(maxLag, now - assignment.StartsAt);
            assignment.MarkStarted(now);
            ProvisionRequest(cs, audit, requests, assignment);
            cs.Audit(audit.Record("assignment.started", assignment, assignment.CreatedByRequestId));
        }

        var expiredEligibilities = new List<Guid>();
        foreach (var assignment in ending)
        {
            maxLag = Max(maxLag, now - assignment.EndsAt!.Value);

            // A grant that began and ended while nobody was looking still began: its request was provisioned.
            ProvisionRequest(cs, audit, requests, assignment);
            assignment.MarkExpired(now);
            cs.Audit(audit.Record("assignment.expired", assignment, assignment.CreatedByRequestId));
            if (assignment.Kind == AssignmentKind.Eligible)
            {
                expiredEligibilities.Add(assignment.Id);
            }
        }

        if (expiredEligibilities.Count > 0)
        {
            var orphaned = await cs.Db.Requests
                .Where(r => r.EligibilityId != null && expiredEligibilities.Contains(r.EligibilityId.Value) && r.Status == RequestStatus.PendingApproval)
                .ToListAsync(ct);
            await audit.LoadNamesAsync(cs.Db, orphaned.Select(r => new Assignment { PrincipalId = r.PrincipalId, RoleId = r.RoleId }), ct);
            foreach (var request in orphaned)
            {
                AssignmentEffects.Move(cs, audit, request, RequestStatus.Revoked, "The eligibility it was made under expired.");
            }
        }

        var committed = await cs.CommitAsync(ct);

        // A lost race means another instance processed these items; that is the exactly-once guarantee at work.
        return committed.IsSuccess ? new BatchResult(starting.Count, ending.Count, maxLag, overdue.Count) : new BatchResult(0, 0, TimeSpan.Zero);
    }

    private static void ProvisionRequest(ChangeSet cs, AssignmentAudit audit, Dictionary<Guid, AssignmentRequest> requests, Assignment assignment)
    {
        if (requests.Remove(assignment.CreatedByRequestId, out var request))
        {
            AssignmentEffects.Move(cs, audit, request, RequestStatus.Provisioned, "Its window began.");
        }
    }

    private static TimeSpan Max(TimeSpan a, TimeSpan b) => a > b ? a : b;
}
