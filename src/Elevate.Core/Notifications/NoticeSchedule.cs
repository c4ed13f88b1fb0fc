using Elevate.Core.Approvals;
using Elevate.Core.Assignments;
using Elevate.Core.Requests;

namespace Elevate.Core.Notifications;

/// <summary>
/// When the next time-driven message about an assignment or a waiting request is due: "ends soon" notices before an
/// assignment's end, and the moment a stage escalates. The scheduler processes these from the same tables it
/// processes starts and ends from, so none can be lost between a change and a separate queue.
/// </summary>
public static class NoticeSchedule
{
    /// <summary>
    /// The first "ends soon" moment after <paramref name="now"/>; null when none is left (permanent, ended, or every
    /// moment passed). Moments before the assignment starts are skipped: a notice says how long access is left.
    /// </summary>
    public static DateTimeOffset? NextEndingNotice(Assignment a, DateTimeOffset now, NotificationOptions options)
    {
        if (!a.IsOpen || a.EndsAt is not { } end || end <= now)
        {
            return null;
        }

        IEnumerable<TimeSpan> before = a.Origin == AssignmentOrigin.Activation ? [options.ActivationEndingNotice] : options.AssignmentEndingNotices;
        return before.Select(b => end - b).Where(t => t > now && t > a.StartsAt).OrderBy(t => t).Cast<DateTimeOffset?>().FirstOrDefault();
    }

    /// <summary>When the current stage of a waiting request escalates, if it does and that is still to come.</summary>
    public static DateTimeOffset? Escalation(AssignmentRequest r, DateTimeOffset now)
    {
        if (r.Status != RequestStatus.PendingApproval || r.ApprovalPlan is not { } json || r.ApprovalStage < 1)
        {
            return null;
        }

        var stage = ApprovalPlan.FromJson(json).Stages[r.ApprovalStage - 1];
        if (stage.EscalateAfter is not { } after || after <= TimeSpan.Zero || stage.EscalationApprovers.Count == 0)
        {
            return null;
        }

        var at = (r.StageStartedAt ?? r.CreatedAt) + after;
        return at > now ? at : null;
    }

    /// <summary>The next time <paramref name="time"/> of day (UTC) comes, strictly after <paramref name="now"/>.</summary>
    public static DateTimeOffset NextDigest(TimeSpan time, DateTimeOffset now)
    {
        var today = new DateTimeOffset(now.UtcDateTime.Date, TimeSpan.Zero) + time;
        return today > now ? today : today.AddDays(1);
    }
}
