using Elevate.Core.Persistence;

namespace Elevate.Core.Assignments;

/// <summary>
/// An eligible or active assignment of a role at a scope to a principal, for a window [StartsAt, EndsAt).
/// Rows are never deleted: ending one records when and why, so history stays queryable.
/// </summary>
public sealed class Assignment : IChangeStamped, IVersioned
{
    public Guid Id { get; set; }

    public AssignmentKind Kind { get; set; }

    public AssignmentOrigin Origin { get; set; }

    public Guid PrincipalId { get; set; }

    public Guid RoleId { get; set; }

    public string Scope { get; set; } = "/";

    public DateTimeOffset StartsAt { get; set; }

    /// <summary>The planned end; null for a permanent assignment.</summary>
    public DateTimeOffset? EndsAt { get; set; }

    public AssignmentStatus Status { get; set; }

    /// <summary>For an activation: the eligibility it came from (the holder's own or a group's).</summary>
    public Guid? EligibilityId { get; set; }

    public Guid CreatedByRequestId { get; set; }

    /// <summary>For a renewal: the expired assignment it renews.</summary>
    public Guid? RenewedFromId { get; set; }

    public DateTimeOffset? EndedAt { get; set; }

    public EndReason? EndReason { get; set; }

    public Guid? EndedByRequestId { get; set; }

    public DateTimeOffset CreatedAt { get; set; }

    /// <summary>When the next "ends soon" message is due (kept by the notification planner), or null.</summary>
    public DateTimeOffset? NoticeAt { get; set; }

    public int Version { get; set; }

    public long ChangeSeq { get; set; }

    public bool IsPermanent => EndsAt is null;

    /// <summary>Not yet expired or ended (it may still be waiting for its start).</summary>
    public bool IsOpen => Status is AssignmentStatus.Scheduled or AssignmentStatus.Active;

    /// <summary>Whether the assignment gives what it gives at <paramref name="now"/>, from its window alone.</summary>
    public bool IsInForceAt(DateTimeOffset now) => IsOpen && StartsAt <= now && (EndsAt is null || now < EndsAt);

    /// <summary>Open, but its window has run out: due to be marked expired.</summary>
    public bool HasRunOutAt(DateTimeOffset now) => IsOpen && EndsAt is not null && EndsAt <= now;

    /// <summary>Marks the start of the window as processed. Returns false when there is nothing to do.</summary>
    public bool MarkStarted(DateTimeOffset now)
    {
        if (Status != AssignmentStatus.Scheduled || StartsAt > now)
        {
            return false;
        }

        Status = AssignmentStatus.Active;
        return true;
    }

    /// <summary>Marks the end of the window as processed. Returns false when it has not run out.</summary>
    public bool MarkExpired(DateTimeOffset now)
    {
        if (!HasRunOutAt(now))
        {
            return false;
        }

        Status = AssignmentStatus.Expired;
        EndedAt = EndsAt;
        return true;
    }

    /// <summary>
    /// Ends the assignment now, or cancels it if it had not begun. Returns false when it is not open or has already
    /// run out (callers mark run-out assignments expired first, so history says "expired", not "ended").
    /// The planned window is kept; <see cref="EndedAt"/> says when it really stopped.
    /// </summary>
    public bool End(DateTimeOffset now, EndReason reason, Guid? byRequestId)
    {
        if (!IsOpen || HasRunOutAt(now))
        {
            return false;
        }

        Status = AssignmentStatus.Ended;
        EndReason = reason;
        EndedByRequestId = byRequestId;
        EndedAt = now;
        return true;
    }

    /// <summary>Moves the window (update, extend). The caller has checked the new window against the rules.</summary>
    public void Reschedule(DateTimeOffset startsAt, DateTimeOffset? endsAt, DateTimeOffset now)
    {
        StartsAt = startsAt;
        EndsAt = endsAt;
        Status = startsAt > now ? AssignmentStatus.Scheduled : AssignmentStatus.Active;
    }
}
