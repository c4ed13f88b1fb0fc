namespace Elevate.Core.Notifications;

/// <summary>What a message is about. Names are stable: they are the webhook event types and the template file names.</summary>
public enum NotificationEvent
{
    /// <summary>An administrator made someone eligible.</summary>
    EligibleAssigned,

    /// <summary>An administrator made someone active directly.</summary>
    ActiveAssigned,

    /// <summary>A role was activated (at once, or after approval).</summary>
    Activated,

    /// <summary>A request waits for approval: to the requester and administrators; to approvers with approve / deny links.</summary>
    ApprovalRequested,

    /// <summary>A stage ran past its escalation time: its escalation approvers may decide now (with links).</summary>
    ApprovalEscalated,

    /// <summary>The last stage approved: to the requester.</summary>
    Approved,

    /// <summary>An approver denied: to the requester.</summary>
    Denied,

    /// <summary>Someone else settled a stage this approver was asked to decide (or the request ended otherwise).</summary>
    AlreadyDecided,

    /// <summary>No decision arrived in time: to the requester.</summary>
    TimedOut,

    /// <summary>A waiting request was canceled or revoked by someone else (an administrator, a removed eligibility, ...): to the requester.</summary>
    Withdrawn,

    /// <summary>An assignment or activation ends soon.</summary>
    ExpiringSoon,

    /// <summary>An assignment or activation reached its end.</summary>
    Expired,

    /// <summary>An assignment or activation was extended.</summary>
    Extended,

    /// <summary>An expired assignment was renewed.</summary>
    Renewed,

    /// <summary>An assignment was taken away (by an administrator, a removed eligibility, a disabled principal, ...).</summary>
    Removed,

    /// <summary>A message could not be delivered after every retry: to administrators.</summary>
    DeliveryFailed,

    /// <summary>An administrator's test of a channel.</summary>
    Test,

    /// <summary>A user's daily digest of their non-critical messages.</summary>
    Digest,

    /// <summary>A security alert was raised (or reopened): to administrators.</summary>
    AlertRaised,

    /// <summary>An access review instance started: to its reviewers, with a link to their items.</summary>
    ReviewStarted,

    /// <summary>An access review instance ends soon: to reviewers who still have items to decide.</summary>
    ReviewReminder,

    /// <summary>An access review instance closed: to its owner, with the results.</summary>
    ReviewClosed,

    /// <summary>Applying a review's results left removals undone: to its owner and administrators.</summary>
    ReviewApplyFailed,
}

/// <summary>Facts about events that do not depend on any one message.</summary>
public static class NotificationEvents
{
    /// <summary>
    /// Critical messages ask for action now or report lost or soon-lost access; a "critical only" audience or a
    /// muted user still receives them, and a digest never holds them back.
    /// </summary>
    public static bool IsCritical(NotificationEvent e, TimeSpan? remaining = null) => e switch
    {
        NotificationEvent.ApprovalRequested or NotificationEvent.ApprovalEscalated or NotificationEvent.Denied or NotificationEvent.TimedOut
            or NotificationEvent.Withdrawn or NotificationEvent.Removed or NotificationEvent.DeliveryFailed or NotificationEvent.Test
            or NotificationEvent.ReviewStarted or NotificationEvent.ReviewReminder or NotificationEvent.ReviewApplyFailed => true,
        NotificationEvent.ExpiringSoon => remaining is { } left && left <= TimeSpan.FromDays(1),
        _ => false,
    };

    /// <summary>The event's name in webhooks and template files: kebab-case.</summary>
    public static string Name(NotificationEvent e) => e switch
    {
        NotificationEvent.EligibleAssigned => "eligible-assigned",
        NotificationEvent.ActiveAssigned => "active-assigned",
        NotificationEvent.Activated => "activated",
        NotificationEvent.ApprovalRequested => "approval-requested",
        NotificationEvent.ApprovalEscalated => "approval-escalated",
        NotificationEvent.Approved => "approved",
        NotificationEvent.Denied => "denied",
        NotificationEvent.AlreadyDecided => "already-decided",
        NotificationEvent.TimedOut => "timed-out",
        NotificationEvent.Withdrawn => "withdrawn",
        NotificationEvent.ExpiringSoon => "expiring-soon",
        NotificationEvent.Expired => "expired",
        NotificationEvent.Extended => "extended",
        NotificationEvent.Renewed => "renewed",
        NotificationEvent.Removed => "removed",
        NotificationEvent.DeliveryFailed => "delivery-failed",
        NotificationEvent.Test => "test",
        NotificationEvent.Digest => "digest",
        NotificationEvent.AlertRaised => "alert-raised",
        NotificationEvent.ReviewStarted => "review-started",
        NotificationEvent.ReviewReminder => "review-reminder",
        NotificationEvent.ReviewClosed => "review-closed",
        NotificationEvent.ReviewApplyFailed => "review-apply-failed",
    };

    public static bool TryParse(string name, out NotificationEvent e)
    {
        foreach (var candidate in Enum.GetValues<NotificationEvent>())
        {
            if (string.Equals(Name(candidate), name, StringComparison.OrdinalIgnoreCase) || string.Equals(candidate.ToString(), name, StringComparison.OrdinalIgnoreCase))
            {
                e = candidate;
                return true;
            }
        }

        e = default;
        return false;
    }
}
