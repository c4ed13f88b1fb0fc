using Elevate.Core.Assignments;
using Elevate.Core.Audit;
using Elevate.Core.Persistence;
using Elevate.Core.Requests;
using Microsoft.EntityFrameworkCore;

namespace Elevate.Core.Notifications;

/// <summary>
/// Schedules the "ends soon" and escalation notices of rows written while no channel was configured (or before
/// notifications existed): the planner keeps notice times only for rows a change touches. Runs at start when a channel
/// is configured, a batch per change set, each audited with its count.
/// </summary>
public sealed class NoticeBackfill(ChangeSets changes, NotificationOptions options)
{
    public const int BatchSize = 1000;

    /// <summary>Returns how many assignments and requests got a notice time.</summary>
    public async Task<int> RunAsync(CancellationToken ct)
    {
        if (!options.EmailEnabled && options.Routes.Count == 0)
        {
            return 0;
        }

        var total = 0;
        var after = Guid.Empty;
        while (true)
        {
            await using var cs = await changes.BeginAsync(Actor.System("notifications"), ct);
            var now = cs.Now;

            // Only rows with a notice moment still ahead can need one; the rest would compute nothing.
            var soonest = new[] { options.ActivationEndingNotice }.Concat(options.AssignmentEndingNotices).Min();
            var horizon = now + soonest;
            var batch = await cs.Db.Assignments
                .Where(a => (a.Status == AssignmentStatus.Scheduled || a.Status == AssignmentStatus.Active) && a.NoticeAt == null && a.EndsAt != null
                    && a.EndsAt > horizon && a.Id.CompareTo(after) > 0)
                .OrderBy(a => a.Id).Take(BatchSize).ToListAsync(ct);
            var requests = after == Guid.Empty
                ? await cs.Db.Requests.Where(r => r.Status == RequestStatus.PendingApproval && r.NoticeAt == null && r.ApprovalPlan != null).ToListAsync(ct)
                : [];
            if (batch.Count == 0 && requests.Count == 0)
            {
                return total;
            }

            var scheduled = 0;
            foreach (var a in batch)
            {
                a.NoticeAt = NoticeSchedule.NextEndingNotice(a, now, options);
                scheduled += a.NoticeAt is null ? 0 : 1;
            }

            foreach (var r in requests)
            {
                r.NoticeAt = NoticeSchedule.Escalation(r, now);
                scheduled += r.NoticeAt is null ? 0 : 1;
            }

            after = batch.Count > 0 ? batch[^1].Id : Guid.AllBitsSet;
            if (scheduled > 0)
            {
                cs.Audit(new AuditRecord("notifications.notices_scheduled") { Details = AuditDetails.Of(new { count = scheduled }) });
                var committed = await cs.CommitAsync(ct);
                if (!committed.IsSuccess)
                {
                    // Someone changed these rows meanwhile (their change scheduled them itself); the next start looks again.
                    return total;
                }

                total += scheduled;
            }

            if (batch.Count < BatchSize)
            {
                return total;
            }
        }
    }
}
