namespace Elevate.Core.Notifications;

/// <summary>How much of one kind of message an audience receives.</summary>
public enum NotificationLevel
{
    /// <summary>Nothing.</summary>
    None,

    /// <summary>Only messages that need action or report a loss of access (see <see cref="NotificationEvents.IsCritical"/>).</summary>
    Critical,

    /// <summary>Every message.</summary>
    All,
}

/// <summary>
/// The brief's notification matrix for one role (part of its settings, so it can be narrowed per scope like any other
/// rule): three events, each with its audiences. Follow-up messages belong to the row of what they follow — approved,
/// denied, expiring, expired, extended, renewed and removed activations to <see cref="Activated"/>; the same about an
/// eligibility to <see cref="EligibleAssigned"/>; about an administrator's active assignment to <see cref="ActiveAssigned"/>.
/// </summary>
public sealed record NotificationSettings
{
    public AssignmentNotifications EligibleAssigned { get; init; } = new();

    public AssignmentNotifications ActiveAssigned { get; init; } = new();

    public ActivationNotifications Activated { get; init; } = new();
}

/// <summary>Who hears of an administrator's assignment and what follows from it.</summary>
public sealed record AssignmentNotifications
{
    /// <summary>Elevate's administrators (holders of Elevate Administrator or Privileged Role Administrator).</summary>
    public AudienceNotifications Admins { get; init; } = new();

    /// <summary>The principal assigned (a group's members, for a group).</summary>
    public AudienceNotifications Assignee { get; init; } = new();
}

/// <summary>Who hears of an activation, its request for approval and what follows from it.</summary>
public sealed record ActivationNotifications
{
    public AudienceNotifications Admins { get; init; } = new();

    /// <summary>The person who activates (or asked to).</summary>
    public AudienceNotifications Requester { get; init; } = new();

    /// <summary>The approvers of the stage waiting (with approve and deny links), and later who decided.</summary>
    public AudienceNotifications Approvers { get; init; } = new();
}

/// <summary>One cell of the matrix: the level, whether the default recipients get it, and who else does.</summary>
public sealed record AudienceNotifications
{
    public const int MaxAdditionalRecipients = 20;

    public NotificationLevel Level { get; init; } = NotificationLevel.All;

    /// <summary>Off: only <see cref="AdditionalRecipients"/> receive the messages.</summary>
    public bool DefaultRecipients { get; init; } = true;

    /// <summary>E-mail addresses that receive the same messages (never action links: those go to approvers only).</summary>
    public IReadOnlyList<string> AdditionalRecipients { get; init; } = [];

    /// <summary>Whether a message of this criticality reaches this audience at all.</summary>
    public bool Admits(bool critical) => Level switch
    {
        NotificationLevel.All => true,
        NotificationLevel.Critical => critical,
        _ => false,
    };
}
