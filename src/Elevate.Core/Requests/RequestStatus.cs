namespace Elevate.Core.Requests;

/// <summary>Where a request is. <see cref="RequestStateMachine"/> lists the transitions allowed between them.</summary>
public enum RequestStatus
{
    /// <summary>Waiting for an approver's decision; nothing is granted yet.</summary>
    PendingApproval,

    /// <summary>Accepted; the grant it made starts at a later time (Graph calls this "Granted").</summary>
    Scheduled,

    /// <summary>Done: what it asked for is in effect (or, for a removal, has been removed).</summary>
    Provisioned,

    /// <summary>An approver refused it.</summary>
    Denied,

    /// <summary>Withdrawn by its requester or an administrator before it took effect.</summary>
    Canceled,

    /// <summary>Its grant was taken away before it began (eligibility removed, principal disabled).</summary>
    Revoked,

    /// <summary>No decision arrived before the approval deadline.</summary>
    TimedOut,
}
