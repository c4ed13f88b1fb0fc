namespace Elevate.Core.Settings;

/// <summary>
/// The rules a request for one role must satisfy (Entra calls this the role's policy). One document per role at
/// <c>/</c>, optionally replaced by a narrower document at a deeper scope; the deepest document covering a request's
/// scope is the one that applies. Defaults are the brief's reference defaults.
/// </summary>
public sealed record RoleSettings
{
    public ActivationSettings Activation { get; init; } = new();

    public EligibleAssignmentSettings EligibleAssignments { get; init; } = new();

    public ActiveAssignmentSettings ActiveAssignments { get; init; } = new();

    /// <summary>How long before an assignment ends its holder may ask to extend it.</summary>
    public TimeSpan ExtensionWindow { get; init; } = TimeSpan.FromDays(14);

    /// <summary>Who is told what about this role's assignments and activations.</summary>
    public Notifications.NotificationSettings Notifications { get; init; } = new();

    public static RoleSettings Default { get; } = new();
}

/// <summary>Rules for self-activation of an eligibility.</summary>
public sealed record ActivationSettings
{
    public static readonly TimeSpan MinMaxDuration = TimeSpan.FromMinutes(5);
    public static readonly TimeSpan MaxMaxDuration = TimeSpan.FromHours(24);

    public TimeSpan MaxDuration { get; init; } = TimeSpan.FromHours(8);

    public bool RequireJustification { get; init; } = true;

    /// <summary>A regular expression the whole justification must match, e.g. to demand a reason code.</summary>
    public string? JustificationPattern { get; init; }

    /// <summary>Shown to the requester next to the justification field.</summary>
    public string? JustificationHint { get; init; }

    public bool RequireTicket { get; init; }

    /// <summary>A regular expression the whole ticket number must match, e.g. <c>INC-[0-9]+</c>.</summary>
    public string? TicketPattern { get; init; }

    /// <summary>A fresh second factor for this very activation, not one remembered from sign-in.</summary>
    public bool RequireMfa { get; init; }

    /// <summary>Accept only a passkey or security key (WebAuthn) as that factor: codes can be phished, keys cannot.</summary>
    public bool RequirePhishingResistantMfa { get; init; }

    public ApprovalSettings Approval { get; init; } = new();
}

/// <summary>Whether activations (and their extensions) wait for someone else's decision, and whose.</summary>
public sealed record ApprovalSettings
{
    public bool Required { get; init; }

    /// <summary>
    /// The approvers of the single stage used when <see cref="Stages"/> is empty: users or groups. A requester never
    /// approves their own request.
    /// </summary>
    public IReadOnlyList<Guid> Approvers { get; init; } = [];

    /// <summary>Stages in series; each must approve before the next is asked. Empty: one stage of <see cref="Approvers"/>.</summary>
    public IReadOnlyList<ApprovalStage> Stages { get; init; } = [];

    /// <summary>Approvers present a fresh second factor with each decision, as requesters do with each activation.</summary>
    public bool RequireMfaToApprove { get; init; }

    /// <summary>The stages a request actually goes through (a method, so it is not part of the stored document).</summary>
    public IReadOnlyList<ApprovalStage> EffectiveStages() =>
        !Required ? [] : Stages.Count > 0 ? Stages : [new ApprovalStage { Approvers = Approvers }];
}

/// <summary>One approval stage: who decides, how many must agree, and how long they have.</summary>
public sealed record ApprovalStage
{
    public static readonly TimeSpan DefaultTimeout = TimeSpan.FromHours(24);

    /// <summary>Users or groups who may decide.</summary>
    public IReadOnlyList<Guid> Approvers { get; init; } = [];

    /// <summary>The requester's manager may decide too.</summary>
    public bool RequesterManager { get; init; }

    /// <summary>How many approvals complete the stage (1: any one approver). Any denial ends the request.</summary>
    public int Quorum { get; init; } = 1;

    /// <summary>Without enough approvals by then, the request times out.</summary>
    public TimeSpan Timeout { get; init; } = DefaultTimeout;

    /// <summary>After this long without the stage complete, <see cref="EscalationApprovers"/> may decide as well.</summary>
    public TimeSpan? EscalateAfter { get; init; }

    public IReadOnlyList<Guid> EscalationApprovers { get; init; } = [];

    /// <summary>Approvers must give a reason with each decision (denials always need one).</summary>
    public bool RequireReason { get; init; }
}

/// <summary>Limits on eligible assignments made by administrators.</summary>
public sealed record EligibleAssignmentSettings
{
    public bool AllowPermanent { get; init; } = true;

    /// <summary>The longest time-bound eligibility (and the longest one when permanence is not allowed).</summary>
    public TimeSpan MaxDuration { get; init; } = TimeSpan.FromDays(365);
}

/// <summary>Limits on active assignments made directly by administrators.</summary>
public sealed record ActiveAssignmentSettings
{
    public bool AllowPermanent { get; init; } = true;

    public TimeSpan MaxDuration { get; init; } = TimeSpan.FromDays(180);

    public bool RequireJustification { get; init; } = true;

    public bool RequireMfa { get; init; }
}
