using Elevate.Core.Common;
using Elevate.Core.Roles;

namespace Elevate.Core.Reviews;

/// <summary>Which assignments a review looks at.</summary>
public enum ReviewAssignmentTypes
{
    Eligible,
    Active,
    Both,
}

/// <summary>How a group holding an assignment is reviewed.</summary>
public enum ReviewGroups
{
    /// <summary>One item for the group's assignment; denying it removes the group's assignment.</summary>
    AsWhole,

    /// <summary>One item per member; denying one takes the member out of the group.</summary>
    ExpandMembers,
}

/// <summary>Who reviews a stage's items.</summary>
public enum ReviewerKind
{
    /// <summary>The users and groups named (a group's current members).</summary>
    Named,

    /// <summary>Each principal reviews their own access, with a justification.</summary>
    Self,

    /// <summary>The principal's manager; the fallback reviewers when there is none.</summary>
    Manager,
}

public enum Recurrence
{
    OneTime,
    Weekly,
    Monthly,
    Quarterly,
    SemiAnnual,
    Annual,
}

public enum ReviewEnd
{
    Never,
    OnDate,
    AfterCount,
}

/// <summary>What an item nobody decided (or decided "don't know") gets when its instance closes.</summary>
public enum DefaultDecision
{
    /// <summary>Nothing changes; the item is recorded as not reviewed.</summary>
    NoChange,

    /// <summary>Denied: the access is removed.</summary>
    Remove,

    /// <summary>Approved: the access stays.</summary>
    Approve,

    /// <summary>The recommendation: denied when the principal was inactive, approved otherwise.</summary>
    Recommendation,
}

/// <summary>One stage of reviewers. Items pass through the stages in order; a denial ends an item's review.</summary>
public sealed record ReviewStage
{
    public ReviewerKind Reviewers { get; init; } = ReviewerKind.Named;

    /// <summary>For <see cref="ReviewerKind.Named"/>: the users and groups who review.</summary>
    public IReadOnlyList<Guid> ReviewerIds { get; init; } = [];

    /// <summary>Who reviews an item when the stage's own reviewers cannot (no manager, a group reviewing itself, ...).</summary>
    public IReadOnlyList<Guid> FallbackReviewerIds { get; init; } = [];
}

/// <summary>What is reviewed.</summary>
public sealed record ReviewScope
{
    /// <summary>The roles reviewed; empty means every privileged role.</summary>
    public IReadOnlyList<Guid> RoleIds { get; init; } = [];

    public ReviewAssignmentTypes AssignmentTypes { get; init; } = ReviewAssignmentTypes.Eligible;

    /// <summary>Only assignments at this scope or below; null for every scope.</summary>
    public string? ScopePath { get; init; }

    /// <summary>Only principals inactive (no activation of the eligibility / no sign-in) for this many days.</summary>
    public int? InactiveDays { get; init; }

    public ReviewGroups Groups { get; init; } = ReviewGroups.AsWhole;
}

/// <summary>When instances run: the first at <see cref="StartsAt"/>, then every period counted from it.</summary>
public sealed record ReviewSchedule
{
    public Recurrence Recurrence { get; init; } = Recurrence.OneTime;

    public DateTimeOffset StartsAt { get; init; }

    /// <summary>How long each instance stays open for decisions.</summary>
    public int DurationDays { get; init; } = 14;

    public ReviewEnd End { get; init; } = ReviewEnd.Never;

    /// <summary>For <see cref="ReviewEnd.OnDate"/>: no instance starts after this moment.</summary>
    public DateTimeOffset? EndsOn { get; init; }

    /// <summary>For <see cref="ReviewEnd.AfterCount"/>: how many instances run in all.</summary>
    public int? Instances { get; init; }
}

/// <summary>Everything an access review is: scope, reviewers, schedule and how results are applied. Stored as one document.</summary>
public sealed record ReviewDefinition
{
    public const int MaxStages = 3;
    public const int MaxReviewers = 50;
    public const int MaxRoles = 100;
    public const int MaxReminders = 5;

    public ReviewScope Scope { get; init; } = new();

    public IReadOnlyList<ReviewStage> Stages { get; init; } = [];

    public ReviewSchedule Schedule { get; init; } = new();

    /// <summary>Reviewers must give a reason with every decision (self-review always asks for one).</summary>
    public bool RequireReason { get; init; }

    /// <summary>Show reviewers a recommendation per item, computed from activity.</summary>
    public bool Recommendations { get; init; } = true;

    /// <summary>The activity window recommendations look at.</summary>
    public int RecommendationDays { get; init; } = 30;

    public DefaultDecision DefaultDecision { get; init; } = DefaultDecision.NoChange;

    /// <summary>Apply the results as soon as an instance closes; otherwise an administrator applies them.</summary>
    public bool AutoApply { get; init; }

    /// <summary>Reminders to reviewers with undecided items, this long before an instance ends.</summary>
    public IReadOnlyList<TimeSpan> Reminders { get; init; } = [TimeSpan.FromDays(3)];

    /// <summary>The structural checks; that named roles and reviewers exist is checked against the database.</summary>
    public IReadOnlyList<ElevateError> Validate()
    {
        var errors = new List<ElevateError>();
        void Check(bool ok, string field, string message)
        {
            if (!ok)
            {
                errors.Add(ElevateError.Validation(ErrorCodes.InvalidValue, field, message));
            }
        }

        Check(Scope.RoleIds.Count <= MaxRoles, "scope.roleIds", $"At most {MaxRoles} roles; leave it empty for every privileged role.");
        Check(Scope.RoleIds.Distinct().Count() == Scope.RoleIds.Count, "scope.roleIds", "A role is named twice.");
        Check(Enum.IsDefined(Scope.AssignmentTypes), "scope.assignmentTypes", "eligible, active or both.");
        Check(Enum.IsDefined(Scope.Groups), "scope.groups", "asWhole or expandMembers.");
        if (Scope.ScopePath is { } path)
        {
            if (!ScopePath.TryParse(path, out _, out var problem))
            {
                errors.Add(ElevateError.Validation(ErrorCodes.InvalidScope, "scope.scopePath", problem));
            }
        }

        Check(Scope.InactiveDays is null or (>= 1 and <= 3650), "scope.inactiveDays", "Between 1 and 3650 days, or left out.");
        Check(Stages.Count is >= 1 and <= MaxStages, "stages", $"Between 1 and {MaxStages} stages of reviewers.");
        for (var i = 0; i < Stages.Count; i++)
        {
            var stage = Stages[i];
            var field = $"stages[{i}]";
            if (stage is null)
            {
                Check(false, field, "A stage: who reviews, and the fallback reviewers.");
                continue;
            }

            Check(Enum.IsDefined(stage.Reviewers), $"{field}.reviewers", "named, self or manager.");
            Check(stage.ReviewerIds.Count <= MaxReviewers && stage.FallbackReviewerIds.Count <= MaxReviewers, field, $"At most {MaxReviewers} reviewers and {MaxReviewers} fallback reviewers.");
            Check(stage.Reviewers != ReviewerKind.Named || stage.ReviewerIds.Count > 0, $"{field}.reviewerIds", "Name at least one reviewer (a user or a group).");
            Check(stage.Reviewers == ReviewerKind.Named || stage.ReviewerIds.Count == 0, $"{field}.reviewerIds", "Only named reviewers take reviewerIds; use fallbackReviewerIds.");
            Check(stage.Reviewers != ReviewerKind.Manager || stage.FallbackReviewerIds.Count > 0, $"{field}.fallbackReviewerIds",
                "Name a fallback reviewer for principals without a manager.");
            Check(stage.Reviewers != ReviewerKind.Self || i == 0, $"{field}.reviewers", "Self-review can only be the first stage.");
        }

        Check(Schedule.StartsAt.Year < 9000 && Schedule.EndsOn is not { Year: >= 9000 }, Schedule.StartsAt.Year < 9000 ? "schedule.endsOn" : "schedule.startsAt",
            "A date before the year 9000.");
        Check(Enum.IsDefined(Schedule.Recurrence), "schedule.recurrence", "oneTime, weekly, monthly, quarterly, semiAnnual or annual.");
        var longest = ReviewRecurrence.LongestDurationDays(Schedule.Recurrence);
        Check(Schedule.DurationDays >= 1 && Schedule.DurationDays <= longest, "schedule.durationDays",
            $"Between 1 and {longest} days: an instance ends no later than the next one starts.");
        Check(Enum.IsDefined(Schedule.End), "schedule.end", "never, onDate or afterCount.");
        if (Schedule.Recurrence != Recurrence.OneTime)
        {
            Check(Schedule.End != ReviewEnd.OnDate || (Schedule.EndsOn is { } until && until > Schedule.StartsAt), "schedule.endsOn", "A date after the start.");
            Check(Schedule.End != ReviewEnd.AfterCount || Schedule.Instances is >= 1 and <= 1000, "schedule.instances", "Between 1 and 1000 instances.");
        }

        Check(RecommendationDays is >= 1 and <= 3650, "recommendationDays", "Between 1 and 3650 days.");
        Check(Enum.IsDefined(DefaultDecision), "defaultDecision", "noChange, remove, approve or recommendation.");
        Check(DefaultDecision != DefaultDecision.Recommendation || Recommendations, "defaultDecision", "Taking the recommendation needs recommendations turned on.");
        Check(Reminders.Count <= MaxReminders, "reminders", $"At most {MaxReminders} reminders.");
        Check(Reminders.All(r => r > TimeSpan.Zero && r <= TimeSpan.FromDays(365)), "reminders",
            "Each reminder comes a positive time (at most P365D) before the end; one that would fall before an instance starts is not sent.");
        return errors;
    }

    /// <summary>The reviewers and fallback reviewers named anywhere, to check that they exist.</summary>
    public IEnumerable<Guid> NamedPrincipals() => Stages.SelectMany(s => s.ReviewerIds.Concat(s.FallbackReviewerIds)).Distinct();
}
