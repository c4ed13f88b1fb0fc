using System.Text.Json;
using Elevate.Core.Common.Json;
using Elevate.Core.Persistence;

namespace Elevate.Core.Reviews;

public enum ReviewStatus
{
    /// <summary>Instances start on schedule.</summary>
    Active,

    /// <summary>Stopped by an administrator: no further instance starts; a running one was closed.</summary>
    Stopped,

    /// <summary>The schedule has ended and its last instance has closed.</summary>
    Completed,
}

/// <summary>A review definition: what is reviewed, by whom, when, and what happens with the results.</summary>
public sealed class AccessReview : IVersioned
{
    public Guid Id { get; set; }

    public string Name { get; set; } = "";

    public string NormalizedName { get; set; } = "";

    public string? Description { get; set; }

    /// <summary>Who is told the results and follows the progress.</summary>
    public Guid OwnerId { get; set; }

    public ReviewStatus Status { get; set; }

    /// <summary>
    /// Whose authority an automatic apply uses: whoever last set the definition (created or edited it). Naming someone
    /// else as owner lends nobody the owner's rights: the one who wrote the rules answers for applying them.
    /// </summary>
    public Guid? AppliesAsId { get; set; }

    /// <summary>The <see cref="ReviewDefinition"/> document.</summary>
    public string Definition { get; set; } = "{}";

    /// <summary>When the next instance starts (null when none will).</summary>
    public DateTimeOffset? NextStartAt { get; set; }

    /// <summary>The schedule index of the next instance (0 for the first).</summary>
    public int NextIndex { get; set; }

    public int InstancesStarted { get; set; }

    public DateTimeOffset CreatedAt { get; set; }

    public Guid? CreatedById { get; set; }

    public DateTimeOffset UpdatedAt { get; set; }

    public DateTimeOffset? StoppedAt { get; set; }

    public int Version { get; set; }

    public ReviewDefinition Read() => JsonSerializer.Deserialize<ReviewDefinition>(Definition, ElevateJson.Options) ?? new ReviewDefinition();

    public void Write(ReviewDefinition definition) => Definition = JsonSerializer.Serialize(definition, ElevateJson.Options);

    public static string Normalize(string name) => name.Trim().ToLowerInvariant();
}

public enum InstanceStatus
{
    /// <summary>Open for decisions.</summary>
    InProgress,

    /// <summary>Closed: every item has its result; results not yet applied.</summary>
    Closed,

    /// <summary>Results applied (removals made, or attempted and reported).</summary>
    Applied,
}

/// <summary>One run of a review, with the items it snapshotted when it started.</summary>
public sealed class ReviewInstance : IVersioned
{
    public Guid Id { get; set; }

    public Guid ReviewId { get; set; }

    /// <summary>1 for the first instance, and so on.</summary>
    public int Number { get; set; }

    public InstanceStatus Status { get; set; }

    public DateTimeOffset StartsAt { get; set; }

    public DateTimeOffset EndsAt { get; set; }

    /// <summary>The definition as it was when the instance started; later edits apply to later instances.</summary>
    public string Definition { get; set; } = "{}";

    public int ItemCount { get; set; }

    /// <summary>The next reminder to reviewers with undecided items (null when none is left).</summary>
    public DateTimeOffset? ReminderAt { get; set; }

    public DateTimeOffset? ClosedAt { get; set; }

    /// <summary>Who closed it: null when it reached its end, else the administrator who closed it early or stopped the review.</summary>
    public Guid? ClosedById { get; set; }

    public DateTimeOffset? AppliedAt { get; set; }

    public Guid? AppliedById { get; set; }

    /// <summary>Set when an automatic apply should run (after close); cleared when it ran.</summary>
    public DateTimeOffset? ApplyAt { get; set; }

    public int Version { get; set; }

    public ReviewDefinition Read() => JsonSerializer.Deserialize<ReviewDefinition>(Definition, ElevateJson.Options) ?? new ReviewDefinition();
}

public enum ReviewVerdict
{
    Approve,
    Deny,
    DontKnow,
}

/// <summary>What closing made of an item.</summary>
public enum ReviewResult
{
    Approved,
    Denied,

    /// <summary>Nobody decided and the default was "no change".</summary>
    NotReviewed,
}

/// <summary>What applying did with an item.</summary>
public enum ReviewOutcome
{
    /// <summary>Not applied yet.</summary>
    Pending,

    /// <summary>The access stays.</summary>
    Kept,

    /// <summary>Removed through an adminRemove request (or by taking the member out of the group).</summary>
    Removed,

    /// <summary>The access had ended before the results were applied.</summary>
    AlreadyGone,

    /// <summary>The removal was refused; <see cref="ReviewItem.OutcomeDetail"/> says why. Applying again retries it.</summary>
    Failed,
}

/// <summary>One reviewed access: an assignment (or a group member's share of a group's assignment), as it was at the start.</summary>
public sealed class ReviewItem : IVersioned
{
    public Guid Id { get; set; }

    public Guid InstanceId { get; set; }

    public Guid AssignmentId { get; set; }

    /// <summary>The principal whose access is reviewed (a group member when groups are expanded).</summary>
    public Guid PrincipalId { get; set; }

    public string PrincipalName { get; set; } = "";

    public Principals.PrincipalKind PrincipalKind { get; set; }

    /// <summary>Set when the item is a member's access through this group's assignment.</summary>
    public Guid? ViaGroupId { get; set; }

    public string? ViaGroupName { get; set; }

    public Guid RoleId { get; set; }

    public string RoleName { get; set; } = "";

    public string Scope { get; set; } = "/";

    public Assignments.AssignmentKind Kind { get; set; }

    public DateTimeOffset AssignmentStartsAt { get; set; }

    public DateTimeOffset? AssignmentEndsAt { get; set; }

    /// <summary>The last activity the recommendation saw (an activation or a sign-in).</summary>
    public DateTimeOffset? LastActivityAt { get; set; }

    public ReviewVerdict? Recommendation { get; set; }

    public string? RecommendationReason { get; set; }

    /// <summary>The stage whose reviewers decide now (1-based).</summary>
    public int Stage { get; set; } = 1;

    /// <summary>The reviewers' final verdict: the last stage's, or a denial at any stage. Null while undecided.</summary>
    public ReviewVerdict? Decision { get; set; }

    public Guid? DecidedById { get; set; }

    public string? DecidedByName { get; set; }

    public DateTimeOffset? DecidedAt { get; set; }

    public string? DecisionReason { get; set; }

    public ReviewResult? Result { get; set; }

    /// <summary>True when the result is the configured default rather than a reviewer's decision.</summary>
    public bool ResultIsDefault { get; set; }

    public ReviewOutcome Outcome { get; set; }

    public string? OutcomeDetail { get; set; }

    /// <summary>The adminRemove request that applied a denial.</summary>
    public Guid? RemovalRequestId { get; set; }

    public DateTimeOffset? AppliedAt { get; set; }

    public int Version { get; set; }
}

/// <summary>Who may decide an item at a stage: a user, or a group whose current members may.</summary>
public sealed class ReviewItemReviewer
{
    public Guid ItemId { get; set; }

    public int Stage { get; set; }

    public Guid ReviewerId { get; set; }

    public Guid InstanceId { get; set; }

    /// <summary>Asked because the stage's own reviewers could not be (no manager, a group reviewing itself, ...).</summary>
    public bool IsFallback { get; set; }
}

/// <summary>A stage's decision on an item; a reviewer may change it until the instance closes (every change is audited).</summary>
public sealed class ReviewDecision
{
    public Guid Id { get; set; }

    public Guid ItemId { get; set; }

    public Guid InstanceId { get; set; }

    public int Stage { get; set; }

    public ReviewVerdict Verdict { get; set; }

    public string? Reason { get; set; }

    public Guid ReviewerId { get; set; }

    public string ReviewerName { get; set; } = "";

    public DateTimeOffset DecidedAt { get; set; }

    /// <summary>True when the decision is the recommendation, accepted in one click.</summary>
    public bool AcceptedRecommendation { get; set; }
}
