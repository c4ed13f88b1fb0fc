namespace Elevate.Core.Assignments;

/// <summary>
/// Where an assignment is in its life. Whether it is in force is always computed from its window and the clock
/// (see <see cref="Assignment.IsInForceAt"/>); the status records what has been processed, so a late or missing job
/// can never extend access.
/// </summary>
public enum AssignmentStatus
{
    /// <summary>Accepted; its window starts later.</summary>
    Scheduled,

    /// <summary>Its window has started (and had not ended when last processed).</summary>
    Active,

    /// <summary>Its window ran out.</summary>
    Expired,

    /// <summary>Ended early or canceled before it began; <see cref="Assignment.EndReason"/> says why.</summary>
    Ended,
}
