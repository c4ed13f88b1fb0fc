using System.Globalization;
using System.Text.RegularExpressions;
using Elevate.Core.Common;
using Elevate.Core.Persistence;
using Elevate.Core.Principals;
using Elevate.Core.Reviews;
using Elevate.Server.Portal.Reviews;
using Microsoft.AspNetCore.Mvc;
using Microsoft.EntityFrameworkCore;
using CoreDefaultDecision = Elevate.Core.Reviews.DefaultDecision;
using CoreRecurrence = Elevate.Core.Reviews.Recurrence;

namespace Elevate.Server.Portal.Admin.Reviews;

/// <summary>One row of reviewers in the review form: who reviews (named, self, manager) and the names given.</summary>
public sealed class StageForm
{
    /// <summary>named, self or manager; empty for a row that is not used.</summary>
    public string? Kind { get; set; }

    /// <summary>User and group names, separated by commas.</summary>
    public string? Reviewers { get; set; }

    /// <summary>User and group names, separated by commas.</summary>
    public string? Fallback { get; set; }
}

/// <summary>A role the form offers.</summary>
public sealed record RoleOption(Guid Id, string Name, bool IsPrivileged);

/// <summary>
/// The review form shared by "New review" and the edit page: every field of a <see cref="ReviewDefinition"/> as plain
/// inputs (names for reviewers, a date and a time for the start, days for reminders), read back into a
/// <see cref="ReviewInput"/>, and the core's errors (<c>stages[0].reviewerIds</c>, <c>schedule.durationDays</c>, ...)
/// put next to the inputs they are about.
/// </summary>
public abstract partial class ReviewFormPage(ElevateDbContext db, TimeProvider time) : PortalPage
{
    public const int StageRows = ReviewDefinition.MaxStages;

    protected ElevateDbContext Db { get; } = db;

    protected TimeProvider Time { get; } = time;

    [BindProperty]
    public string? Name { get; set; }

    [BindProperty]
    public string? Description { get; set; }

    /// <summary>The owner's user name; empty for the person saving (new) or the current owner (edit).</summary>
    [BindProperty]
    public string? Owner { get; set; }

    [BindProperty]
    public List<Guid> RoleIds { get; set; } = [];

    [BindProperty]
    public string? AssignmentTypes { get; set; }

    [BindProperty]
    public string? ScopePath { get; set; }

    [BindProperty]
    public int? InactiveDays { get; set; }

    [BindProperty]
    public string? Groups { get; set; }

    [BindProperty]
    public List<StageForm> Stages { get; set; } = [];

    [BindProperty]
    public string? Recurrence { get; set; }

    /// <summary>YYYY-MM-DD, UTC.</summary>
    [BindProperty]
    public string? StartDate { get; set; }

    /// <summary>HH:MM, UTC.</summary>
    [BindProperty]
    public string? StartTime { get; set; }

    [BindProperty]
    public int? DurationDays { get; set; }

    [BindProperty]
    public string? End { get; set; }

    /// <summary>YYYY-MM-DD: no instance starts after that day (UTC).</summary>
    [BindProperty]
    public string? EndsOn { get; set; }

    [BindProperty]
    public int? Instances { get; set; }

    [BindProperty]
    public bool RequireReason { get; set; }

    [BindProperty]
    public bool Recommendations { get; set; }

    [BindProperty]
    public int? RecommendationDays { get; set; }

    [BindProperty]
    public string? DefaultDecision { get; set; }

    [BindProperty]
    public bool AutoApply { get; set; }

    /// <summary>Days before the end, separated by commas.</summary>
    [BindProperty]
    public string? Reminders { get; set; }

    public IReadOnlyList<RoleOption> RoleOptions { get; private set; } = [];

    /// <summary>The labels of the form's fields, for the list of problems at the top of the form.</summary>
    public static string LabelOf(string key) => key switch
    {
        "Name" => "Name",
        "Description" => "Description",
        "Owner" => "Owner",
        "RoleIds" => "Roles",
        "AssignmentTypes" => "Assignments reviewed",
        "ScopePath" => "Scope",
        "InactiveDays" => "Only inactive for",
        "Groups" => "Groups",
        "Stages" => "Reviewers",
        "Recurrence" => "Recurrence",
        "StartDate" => "Start date",
        "StartTime" => "Start time",
        "DurationDays" => "Duration",
        "End" => "Ends",
        "EndsOn" => "End date",
        "Instances" => "Number of instances",
        "RequireReason" => "Require a reason",
        "Recommendations" => "Recommendations",
        "RecommendationDays" => "Recommendation window",
        "DefaultDecision" => "If reviewers don't decide",
        "AutoApply" => "Apply automatically",
        "Reminders" => "Reminders",
        _ when StageKey().Match(key) is { Success: true } m => $"Stage {int.Parse(m.Groups["n"].Value, CultureInfo.InvariantCulture) + 1} "
            + (m.Groups["field"].Value switch { "Reviewers" => "reviewer names", "Fallback" => "fallback reviewers", _ => "reviewers" }),
        _ => key,
    };

    /// <summary>The key whose input a problem links to (a date and time share the date's input, and so on).</summary>
    public static string InputOf(string key) => key == "Stages" ? "Stages[0].Kind" : StageKey().Match(key) is { Success: true, Groups: var g } && g["field"].Value.Length == 0 ? key + ".Kind" : key;

    /// <summary>Fills the form from a definition (the defaults for a new review).</summary>
    protected async Task FillAsync(string? name, string? description, Guid? ownerId, ReviewDefinition definition, CancellationToken ct)
    {
        var named = definition.NamedPrincipals().Concat(ownerId is { } o ? [o] : []).ToList();
        var names = await Db.Principals.AsNoTracking().Where(p => named.Contains(p.Id)).ToDictionaryAsync(p => p.Id, p => p.Name, ct);
        string Names(IEnumerable<Guid> ids) => string.Join(", ", ids.Select(id => names.GetValueOrDefault(id, id.ToString())));

        Name = name;
        Description = description;
        Owner = ownerId is { } owner ? names.GetValueOrDefault(owner) : null;
        RoleIds = [.. definition.Scope.RoleIds];
        AssignmentTypes = ReviewText.Value(definition.Scope.AssignmentTypes);
        ScopePath = definition.Scope.ScopePath;
        InactiveDays = definition.Scope.InactiveDays;
        Groups = ReviewText.Value(definition.Scope.Groups);
        Stages = [.. definition.Stages.Select(s => new StageForm { Kind = ReviewText.Value(s.Reviewers), Reviewers = Names(s.ReviewerIds), Fallback = Names(s.FallbackReviewerIds) })];
        var schedule = definition.Schedule;
        Recurrence = ReviewText.Value(schedule.Recurrence);
        var start = schedule.StartsAt == default ? Clock.Truncate(Time.GetUtcNow()) : schedule.StartsAt;
        StartDate = start.UtcDateTime.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
        StartTime = start.UtcDateTime.ToString("HH:mm", CultureInfo.InvariantCulture);
        DurationDays = schedule.DurationDays;
        End = ReviewText.Value(schedule.End);
        EndsOn = schedule.EndsOn?.UtcDateTime.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
        Instances = schedule.Instances;
        RequireReason = definition.RequireReason;
        Recommendations = definition.Recommendations;
        RecommendationDays = definition.RecommendationDays;
        DefaultDecision = ReviewText.Value(definition.DefaultDecision);
        AutoApply = definition.AutoApply;
        Reminders = string.Join(", ", definition.Reminders.Select(r => r.TotalDays.ToString("0.##", CultureInfo.InvariantCulture)));
    }

    /// <summary>The form of a new review: <see cref="ReviewDefinition"/>'s defaults, one stage of named reviewers, starting now.</summary>
    protected Task FillDefaultsAsync(CancellationToken ct) => FillAsync(null, null, null, new ReviewDefinition { Stages = [new ReviewStage()] }, ct);

    /// <summary>The roles the form offers, by name.</summary>
    protected async Task LoadFormAsync(CancellationToken ct)
    {
        RoleOptions = await Db.Roles.AsNoTracking().OrderBy(r => r.NormalizedName).Take(1000)
            .Select(r => new RoleOption(r.Id, r.Name, r.IsPrivileged)).ToListAsync(ct);
        while (Stages.Count < StageRows)
        {
            Stages.Add(new StageForm());
        }
    }

    /// <summary>What <see cref="ReadAsync"/> learnt, to put the core's errors in the right places.</summary>
    protected sealed record FormRead(ReviewInput Input, IReadOnlyList<int> StageRowsUsed, IReadOnlyDictionary<string, IReadOnlyList<string>> Names);

    /// <summary>
    /// Reads the form into a review input: enum choices, the start date and time (UTC), reminders in days, and
    /// reviewer names resolved to users and groups (an unknown name is an error on its field). Null when the form has
    /// errors of its own; the definition's structural errors are added next to them, so all show at once.
    /// </summary>
    protected async Task<FormRead?> ReadAsync(CancellationToken ct)
    {
        var assignmentTypes = Choice<ReviewAssignmentTypes>(AssignmentTypes, nameof(AssignmentTypes));
        var groups = Choice<ReviewGroups>(Groups, nameof(Groups));
        var recurrence = Choice<CoreRecurrence>(Recurrence, nameof(Recurrence));
        var end = Choice<ReviewEnd>(End, nameof(End));
        var defaultDecision = Choice<CoreDefaultDecision>(DefaultDecision, nameof(DefaultDecision));

        var startsAt = default(DateTimeOffset);
        if (!string.IsNullOrWhiteSpace(StartDate))
        {
            if (!DateOnly.TryParseExact(StartDate.Trim(), "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var day))
            {
                ModelState.AddModelError(nameof(StartDate), "A date as YYYY-MM-DD.");
            }
            else if (!TimeOnly.TryParseExact((StartTime ?? "").Trim() is { Length: > 0 } t ? t : "00:00", ["HH:mm", "HH:mm:ss"], CultureInfo.InvariantCulture, DateTimeStyles.None, out var at))
            {
                ModelState.AddModelError(nameof(StartTime), "A time as HH:MM (24-hour, UTC).");
            }
            else
            {
                startsAt = new DateTimeOffset(day.ToDateTime(at), TimeSpan.Zero);
            }
        }

        DateTimeOffset? endsOn = null;
        if (end == ReviewEnd.OnDate && !string.IsNullOrWhiteSpace(EndsOn))
        {
            if (DateOnly.TryParseExact(EndsOn.Trim(), "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var last))
            {
                // The whole day counts: an instance due that day still starts.
                endsOn = new DateTimeOffset(last.ToDateTime(new TimeOnly(23, 59, 59)), TimeSpan.Zero);
            }
            else
            {
                ModelState.AddModelError(nameof(EndsOn), "A date as YYYY-MM-DD.");
            }
        }

        var reminders = new List<TimeSpan>();
        foreach (var part in (Reminders ?? "").Split([',', ';', ' '], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            if (double.TryParse(part, NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var days) && days is > 0 and <= 3650)
            {
                reminders.Add(TimeSpan.FromDays(days));
            }
            else
            {
                ModelState.AddModelError(nameof(Reminders), $"\u201c{part}\u201d is not a number of days. Give days before the end, separated by commas (e.g. 7, 1), or leave it empty.");
                break;
            }
        }

        var names = new Dictionary<string, IReadOnlyList<string>>();
        var stages = new List<ReviewStage>();
        var rows = new List<int>();
        for (var row = 0; row < Stages.Count && row < StageRows; row++)
        {
            var form = Stages[row];
            var key = $"Stages[{row}]";
            if (string.IsNullOrWhiteSpace(form.Kind))
            {
                if (!string.IsNullOrWhiteSpace(form.Reviewers) || !string.IsNullOrWhiteSpace(form.Fallback))
                {
                    ModelState.AddModelError($"{key}.Kind", "Choose who reviews at this stage, or clear its names.");
                }

                continue;
            }

            var kind = Choice<ReviewerKind>(form.Kind, $"{key}.Kind");
            var reviewers = await ResolveAsync(form.Reviewers, $"{key}.Reviewers", ct);
            var fallback = await ResolveAsync(form.Fallback, $"{key}.Fallback", ct);
            names[$"{key}.Reviewers"] = [.. reviewers.Select(r => r.Name)];
            names[$"{key}.Fallback"] = [.. fallback.Select(r => r.Name)];
            rows.Add(row);
            stages.Add(new ReviewStage { Reviewers = kind, ReviewerIds = [.. reviewers.Select(r => r.Id)], FallbackReviewerIds = [.. fallback.Select(r => r.Id)] });
        }

        Guid? ownerId = null;
        if (!string.IsNullOrWhiteSpace(Owner))
        {
            var wanted = Principal.Normalize(Owner.Trim());
            var owner = await Db.Principals.AsNoTracking().Where(p => p.NormalizedName == wanted).Select(p => new { p.Id, p.Kind }).FirstOrDefaultAsync(ct);
            if (owner is not { Kind: PrincipalKind.User })
            {
                ModelState.AddModelError(nameof(Owner), $"No user is named \u201c{Owner.Trim()}\u201d.");
            }
            else
            {
                ownerId = owner.Id;
            }
        }

        var definition = new ReviewDefinition
        {
            Scope = new ReviewScope
            {
                RoleIds = [.. RoleIds],
                AssignmentTypes = assignmentTypes,
                ScopePath = string.IsNullOrWhiteSpace(ScopePath) ? null : ScopePath.Trim(),
                InactiveDays = InactiveDays,
                Groups = groups,
            },
            Stages = stages,
            Schedule = new ReviewSchedule
            {
                Recurrence = recurrence,
                StartsAt = startsAt,
                DurationDays = DurationDays ?? 0,
                End = end,
                EndsOn = endsOn,
                Instances = end == ReviewEnd.AfterCount ? Instances : null,
            },
            RequireReason = RequireReason,
            Recommendations = Recommendations,
            RecommendationDays = RecommendationDays ?? 0,
            DefaultDecision = defaultDecision,
            AutoApply = AutoApply,
            Reminders = reminders,
        };
        var read = new FormRead(new ReviewInput(Name, Description, ownerId, definition), rows, names);
        if (ModelState.IsValid)
        {
            return read;
        }

        // Show the definition's own problems too, where the form has not already said something about the field.
        foreach (var problem in definition.Validate())
        {
            var key = KeyOf(problem.Field, read);
            if (key.Length > 0 && !FormErrors.Has(ModelState, key))
            {
                ModelState.AddModelError(key, Message(problem, read));
            }
        }

        return null;
    }

    /// <summary>Attaches the core's errors to the form's inputs.</summary>
    protected void AddFormErrors(ElevateError error, FormRead read)
    {
        foreach (var e in error.Others.Prepend(error))
        {
            ModelState.AddModelError(KeyOf(e.Field, read), Message(e, read));
        }
    }

    /// <summary>A short account of a saved review, for the notice after saving.</summary>
    protected static string Summary(string verb, AccessReview review)
    {
        var d = review.Read();
        var s = d.Schedule;
        var roles = d.Scope.RoleIds.Count == 0 ? "every privileged role" : ReviewText.Count(d.Scope.RoleIds.Count, "role");
        var how = s.Recurrence == CoreRecurrence.OneTime ? "once" : ReviewText.Of(s.Recurrence).ToLowerInvariant();
        var next = review.NextStartAt is { } at ? $"the next instance starts {ReviewText.Time(at)}" : "no further instance is scheduled";
        return $"{verb} \u201c{review.Name}\u201d: {ReviewText.Value(d.Scope.AssignmentTypes)} assignments of {roles}, reviewed {how} from {ReviewText.Time(s.StartsAt)} "
            + $"for {ReviewText.Count(s.DurationDays, "day")} by {ReviewText.Count(d.Stages.Count, "stage")} of reviewers; {next}.";
    }

    private T Choice<T>(string? value, string key)
        where T : struct, Enum
    {
        if (ReviewText.TryRead<T>(value, out var parsed))
        {
            return parsed;
        }

        ModelState.AddModelError(key, "Choose one of the options.");
        return default;
    }

    /// <summary>Resolves comma-separated user and group names; unknown names and service accounts are errors on <paramref name="key"/>.</summary>
    private Task<IReadOnlyList<(Guid Id, string Name)>> ResolveAsync(string? text, string key, CancellationToken ct) =>
        Roles.ApproverNames.ResolveNamedAsync(Db, text, key, "review", ModelState, ct);

    /// <summary>The form key for a core field: <c>schedule.durationDays</c> is DurationDays, <c>stages[1].reviewerIds[0]</c> the second used row's names, ...</summary>
    private static string KeyOf(string? field, FormRead read)
    {
        if (field is null)
        {
            return "";
        }

        field = InForm(field);
        if (CoreStageField().Match(field) is { Success: true } m)
        {
            var index = int.Parse(m.Groups["i"].Value, CultureInfo.InvariantCulture);
            if (index >= read.StageRowsUsed.Count)
            {
                return "Stages";
            }

            var row = $"Stages[{read.StageRowsUsed[index]}]";
            return m.Groups["field"].Value switch
            {
                "reviewers" => $"{row}.Kind",
                "reviewerIds" => $"{row}.Reviewers",
                "fallbackReviewerIds" => $"{row}.Fallback",
                "" => $"{row}.Reviewers",
                _ => $"{row}.Kind",
            };
        }

        return (field.Split('[')[0]) switch
        {
            "name" => "Name",
            "description" => "Description",
            "ownerId" => "Owner",
            "scope.roleIds" => "RoleIds",
            "scope.assignmentTypes" => "AssignmentTypes",
            "scope.scopePath" => "ScopePath",
            "scope.inactiveDays" => "InactiveDays",
            "scope.groups" => "Groups",
            "stages" => "Stages",
            "schedule.recurrence" => "Recurrence",
            "schedule.startsAt" => "StartDate",
            "schedule.durationDays" => "DurationDays",
            "schedule.end" => "End",
            "schedule.endsOn" => "EndsOn",
            "schedule.instances" => "Instances",
            "requireReason" => "RequireReason",
            "recommendations" => "Recommendations",
            "recommendationDays" => "RecommendationDays",
            "defaultDecision" => "DefaultDecision",
            "autoApply" => "AutoApply",
            "reminders" => "Reminders",
            _ => "",
        };
    }

    /// <summary>The core's message, naming the reviewer when it is about one of several (<c>stages[0].reviewerIds[2]</c>).</summary>
    private static string Message(ElevateError error, FormRead read)
    {
        if (error.Field is { } field && CoreStageField().Match(InForm(field)) is { Success: true } m && m.Groups["n"].Success
            && KeyOf(field, read) is var key && read.Names.TryGetValue(key, out var names)
            && int.TryParse(m.Groups["n"].Value, NumberStyles.None, CultureInfo.InvariantCulture, out var n) && n < names.Count)
        {
            return $"{names[n]}: {error.Message}";
        }

        return error.Kind == ErrorKind.PreconditionFailed
            ? "Someone changed this review since you opened it. Reload the page to see their changes, then make yours again."
            : error.Message;
    }

    /// <summary>The core names a definition's fields as in the API body (<c>definition.schedule.durationDays</c>); the form holds the definition's fields itself.</summary>
    private static string InForm(string field) => field.StartsWith("definition.", StringComparison.Ordinal) ? field["definition.".Length..] : field;

    [GeneratedRegex(@"^stages\[(?<i>\d+)\](?:\.(?<field>[A-Za-z]+)(?:\[(?<n>\d+)\])?)?$")]
    private static partial Regex CoreStageField();

    [GeneratedRegex(@"^Stages\[(?<n>\d+)\](?:\.(?<field>[A-Za-z]+))?$")]
    private static partial Regex StageKey();
}
