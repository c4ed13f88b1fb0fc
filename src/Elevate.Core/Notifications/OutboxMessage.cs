namespace Elevate.Core.Notifications;

/// <summary>Where a message goes.</summary>
public enum NotificationChannel
{
    Email,
    Webhook,
    Slack,
    Teams,
}

public enum OutboxStatus
{
    /// <summary>Waiting for its next attempt (<see cref="OutboxMessage.NextAttemptAt"/>).</summary>
    Pending,

    /// <summary>Held for the recipient's daily digest, which is due at <see cref="OutboxMessage.NextAttemptAt"/>.</summary>
    Held,

    /// <summary>The channel accepted it.</summary>
    Sent,

    /// <summary>Delivered as part of a digest (<see cref="OutboxMessage.DigestId"/>).</summary>
    Digested,

    /// <summary>Every attempt failed; administrators were told. An administrator can send it again.</summary>
    DeadLettered,

    /// <summary>Held for a digest, then not sent: the recipient switched to critical messages only.</summary>
    Withheld,
}

/// <summary>
/// One message to one destination, written in the same transaction as the change it reports (the transactional
/// outbox), then delivered by the dispatcher. Its id is the idempotency key channels see (Message-ID, webhook
/// delivery id), so a retry after an uncertain send is recognisable as the same message.
/// </summary>
public sealed class OutboxMessage
{
    public Guid Id { get; set; }

    public NotificationChannel Channel { get; set; }

    /// <summary>An e-mail address, or the configured name of a webhook, Slack or Teams endpoint.</summary>
    public string Destination { get; set; } = "";

    /// <summary>The principal the message is for, when it is for a person.</summary>
    public Guid? RecipientId { get; set; }

    public NotificationEvent Event { get; set; }

    public bool Critical { get; set; }

    /// <summary>Set when the message carries approve / deny links: the approver they are bound to.</summary>
    public Guid? ActionFor { get; set; }

    public Guid? RequestId { get; set; }

    public Guid? AssignmentId { get; set; }

    /// <summary>What the message says, as a JSON snapshot (<see cref="MessageFacts"/>) taken when the change committed.</summary>
    public string Facts { get; set; } = "{}";

    public OutboxStatus Status { get; set; }

    public DateTimeOffset CreatedAt { get; set; }

    /// <summary>When the next attempt is due (or, when held, when the digest goes out).</summary>
    public DateTimeOffset NextAttemptAt { get; set; }

    public int Attempts { get; set; }

    public string? LastError { get; set; }

    public DateTimeOffset? SentAt { get; set; }

    /// <summary>While a dispatcher works on the message, no other instance takes it before this time.</summary>
    public DateTimeOffset? ClaimedUntil { get; set; }

    public string? ClaimedBy { get; set; }

    /// <summary>For a message delivered in a digest: the digest's own message.</summary>
    public Guid? DigestId { get; set; }
}

/// <summary>One try at delivering an <see cref="OutboxMessage"/>, kept for diagnosis.</summary>
public sealed class DeliveryAttempt
{
    public Guid Id { get; set; }

    public Guid MessageId { get; set; }

    public int Number { get; set; }

    public DateTimeOffset StartedAt { get; set; }

    public int DurationMilliseconds { get; set; }

    public bool Succeeded { get; set; }

    /// <summary>Why it failed, as the channel said (never message content).</summary>
    public string? Error { get; set; }

    /// <summary>The Elevate instance that tried.</summary>
    public string Instance { get; set; } = "";
}

/// <summary>How a user wants their non-critical messages.</summary>
public enum NotificationMode
{
    /// <summary>Everything, as it happens.</summary>
    All,

    /// <summary>Only critical messages.</summary>
    CriticalOnly,

    /// <summary>Critical messages at once, the rest in one e-mail a day.</summary>
    DailyDigest,
}

/// <summary>A user's own choice about their messages (no row: <see cref="NotificationMode.All"/>).</summary>
public sealed class NotificationPreference
{
    public Guid PrincipalId { get; set; }

    public NotificationMode Mode { get; set; }

    /// <summary>When the daily digest goes out, as a time of day in UTC.</summary>
    public TimeSpan DigestTime { get; set; } = TimeSpan.FromHours(8);

    public DateTimeOffset UpdatedAt { get; set; }
}
