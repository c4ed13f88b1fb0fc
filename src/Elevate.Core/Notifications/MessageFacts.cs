using System.Text.Json;
using Elevate.Core.Common.Json;

namespace Elevate.Core.Notifications;

/// <summary>
/// Everything a message says, captured when the change committed, so a message sent after a retry or in a digest
/// still tells what happened then. It never holds secrets: the only credential a message ever carries is the signed
/// action link, which is made when the message is sent.
/// </summary>
public sealed record MessageFacts
{
    public NotificationEvent Event { get; init; }

    public bool Critical { get; init; }

    /// <summary>Who this copy is for: requester, assignee, approver, admin, additional or channel.</summary>
    public string Audience { get; init; } = "";

    public DateTimeOffset OccurredAt { get; init; }

    /// <summary>Who made the change (a user's name, or system:scheduler).</summary>
    public string Actor { get; init; } = "";

    public Guid? RequestId { get; init; }

    public Guid? AssignmentId { get; init; }

    public string? Action { get; init; }

    public Guid? PrincipalId { get; init; }

    public string? Principal { get; init; }

    public string? PrincipalDisplayName { get; init; }

    public Guid? RoleId { get; init; }

    public string? Role { get; init; }

    public string? Scope { get; init; }

    /// <summary>eligible or active.</summary>
    public string? Kind { get; init; }

    public DateTimeOffset? StartsAt { get; init; }

    public DateTimeOffset? EndsAt { get; init; }

    public TimeSpan? Duration { get; init; }

    public string? Justification { get; init; }

    public string? Ticket { get; init; }

    /// <summary>The stage waiting, and how many there are.</summary>
    public int? Stage { get; init; }

    public int? Stages { get; init; }

    public DateTimeOffset? DecideBy { get; init; }

    /// <summary>Who decided (for approved, denied, already decided).</summary>
    public string? DecidedBy { get; init; }

    /// <summary>Why: a decision's reason, or why access ended.</summary>
    public string? Reason { get; init; }

    /// <summary>For approvers: the requester's latest activations of this role.</summary>
    public IReadOnlyList<PastActivation> RecentActivations { get; init; } = [];

    /// <summary>For approvers: open security alerts about the requester.</summary>
    public IReadOnlyList<string> OpenAlerts { get; init; } = [];

    /// <summary>For a security alert: its id, title, severity and how many items it found.</summary>
    public Guid? AlertId { get; init; }

    public string? Alert { get; init; }

    public string? Severity { get; init; }

    public int? ItemCount { get; init; }

    public string? HowToFix { get; init; }

    /// <summary>For an access review: the instance, the review's name and number, and (for a reviewer) how many items wait for them.</summary>
    public Guid? ReviewInstanceId { get; init; }

    public string? Review { get; init; }

    public int? InstanceNumber { get; init; }

    public int? Pending { get; init; }

    /// <summary>For a closed review instance: what its items came to.</summary>
    public ReviewResults? Results { get; init; }

    /// <summary>For a delivery failure: what could not be delivered, where, and why.</summary>
    public FailedDelivery? Failed { get; init; }

    /// <summary>For a digest: the messages it gathers.</summary>
    public IReadOnlyList<MessageFacts> Items { get; init; } = [];

    public string ToJson() => JsonSerializer.Serialize(this, ElevateJson.Options);

    public static MessageFacts FromJson(string json) =>
        JsonSerializer.Deserialize<MessageFacts>(json, ElevateJson.Options) ?? throw new InvalidOperationException("A message's facts are empty.");
}

public sealed record ReviewResults(int Items, int Approved, int Denied, int NotReviewed, int ByDefault, int ToRemove, int AlreadyGone, bool AutoApply);

public sealed record PastActivation(DateTimeOffset StartsAt, DateTimeOffset? EndsAt, string? Justification, string? Scope);

public sealed record FailedDelivery(Guid MessageId, string Event, string Channel, string Destination, int Attempts, string? LastError);
