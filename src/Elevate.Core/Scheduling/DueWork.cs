using Elevate.Core.Assignments;
using Elevate.Core.Audit;
using Elevate.Core.Notifications;
using Elevate.Core.Persistence;
using Elevate.Core.Requests;
using Microsoft.EntityFrameworkCore;

namespace Elevate.Core.Scheduling;

/// <summary>What one batch did, and how late the latest item was processed after its due time.</summary>
public sealed record BatchResult(int Started, int Expired, TimeSpan MaxLag, int TimedOut = 0, int Notices = 0)
{
    public int Total => Started + Expired + TimedOut + Notices;
}

/// <summary>
/// Processes grants whose start or end has come: marks them started or expired, settles their requests, and audits
/// each, in one change set per batch. The schedule is the assignments table itself, so nothing can fall out of a
/// separate job queue. Exactly-once: batches serialise on the audit-head lock and re-read what is due inside it, so
/// an item another instance just processed is no longer due.
/// </summary>
public sealed class DueWork(ChangeSets changes, NotificationOptions options)
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
        var nextNotice = await db.Assignments.Where(a => a.NoticeAt != null && (a.Status == AssignmentStatus.Scheduled || a.Status == AssignmentStatus.Active))
            .MinAsync(a => a.NoticeAt, ct);
        var nextEscalation = await db.Requests.Where(r => r.NoticeAt != null && r.Status == RequestStatus.PendingApproval).MinAsync(r => r.NoticeAt, ct);
        return new[] { nextStart, nextEndScheduled, nextEndActive, nextTimeout, nextNotice, nextEscalation }.Where(d => d is not null).Min();
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
        var room = Math.Max(0, BatchSize - ending.Count - starting.Count - overdue.Count);
        var noticed = await cs.Db.Assignments
            .Where(a => a.NoticeAt != null && a.NoticeAt <= now && (a.Status == AssignmentStatus.Scheduled || a.Status == AssignmentStatus.Active))
            .OrderBy(a => a.NoticeAt)
            .Take(room)
            .ToListAsync(ct);
        var escalating = await cs.Db.Requests
            .Where(r => r.NoticeAt != null && r.NoticeAt <= now && r.Status == RequestStatus.PendingApproval)
            .OrderBy(r => r.NoticeAt)
            .Take(Math.Max(0, room - noticed.Count))
            .ToListAsync(ct);
        if (ending.Count == 0 && starting.Count == 0 && overdue.Count == 0 && noticed.Count == 0 && escalating.Count == 0)
        {
            return new BatchResult(0, 0, TimeSpan.Zero);
        }

        var audit = new AssignmentAudit();
        await audit.LoadNamesAsync(cs.Db, ending.Concat(starting), ct);
        await audit.LoadNamesAsync(cs.Db, overdue.Select(r => new Assignment { PrincipalId = r.PrincipalId, RoleId = r.RoleId }), ct);
        await audit.LoadNamesAsync(cs.Db, noticed.Concat(escalating.Select(r => new Assignment { PrincipalId = r.PrincipalId, RoleId = r.RoleId })), ct);
        var requestIds = ending.Concat(starting).Select(a => a.CreatedByRequestId).ToList();
        var requests = await cs.Db.Requests.Where(r => requestIds.Contains(r.Id) && r.Status == RequestStatus.Scheduled).ToDictionaryAsync(r => r.Id, ct);
        var maxLag = TimeSpan.Zero;

        foreach (var request in overdue)
        {
            // A request that waits past its stage's timeout expires; nothing was granted, nothing needs undoing.
            AssignmentEffects.Move(cs, audit, request, RequestStatus.TimedOut, $"No decision arrived within stage {request.ApprovalStage}'s time limit.");
        }

        foreach (var request in escalating)
        {
            // The stage's escalation approvers may decide from now on; the planner tells them. A request this batch
            // just timed out escalates no more.
            request.NoticeAt = null;
            if (request.Status == RequestStatus.PendingApproval && (request.StageDueAt is not { } due || due > now))
            {
                cs.Audit(RequestAudit.Record("request.escalated", request, audit, new { stage = request.ApprovalStage }));
            }
        }

        foreach (var assignment in noticed)
        {
            // Only the latest notice moment that has passed is told: after downtime, "ends in a day", not also "in 14 days".
            assignment.NoticeAt = NoticeSchedule.NextEndingNotice(assignment, now, options);
            if (!assignment.HasRunOutAt(now) && assignment.EndsAt is { } end)
            {
                cs.Audit(audit.Record("assignment.expiring_soon", assignment, assignment.CreatedByRequestId, new { endsAt = end, remaining = end - now }));
            }
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

        if (cs.Records.Count == 0)
        {
            // Only escalations of requests already past their deadline: the next batch times them out instead.
            return new BatchResult(0, 0, TimeSpan.Zero);
        }

        var committed = await cs.CommitAsync(ct);

        // A lost race means another instance processed these items; that is the exactly-once guarantee at work.
        return committed.IsSuccess ? new BatchResult(starting.Count, ending.Count, maxLag, overdue.Count, noticed.Count + escalating.Count) : new BatchResult(0, 0, TimeSpan.Zero);
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
