using System.Globalization;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.RegularExpressions;
using Elevate.Core.Assignments;
using Elevate.Core.Reviews;
using Microsoft.AspNetCore.Html;
using Microsoft.AspNetCore.Mvc.ModelBinding;

namespace Elevate.Server.Portal.Reviews;

/// <summary>
/// Errors shown next to the field they are about: a paragraph with a stable id (<c>err-</c> and the field's key) that
/// the field names in <c>aria-describedby</c>, and <c>aria-invalid</c> on the field.
/// </summary>
public static partial class FormErrors
{
    public static bool Has(ModelStateDictionary state, string key) => state.TryGetValue(key, out var entry) && entry.Errors.Count > 0;

    /// <summary>The id of the error paragraph for a field key ("Stages[0].Reviewers" gives "err-Stages-0-Reviewers").</summary>
    public static string Id(string key) => "err-" + Safe(key);

    /// <summary>The id of a field's input for a key ("Stages[0].Reviewers" gives "f-Stages-0-Reviewers").</summary>
    public static string FieldId(string key) => "f-" + Safe(key);

    /// <summary>"true" when the field has an error, null (no attribute) otherwise.</summary>
    public static string? Invalid(ModelStateDictionary state, string key) => Has(state, key) ? "true" : null;

    /// <summary>The ids that describe a field: its hint (if any) and its error (if any); null when there are none.</summary>
    public static string? DescribedBy(ModelStateDictionary state, string key, string? hintId = null)
    {
        var ids = new List<string>(2);
        if (hintId is not null)
        {
            ids.Add(hintId);
        }

        if (Has(state, key))
        {
            ids.Add(Id(key));
        }

        return ids.Count == 0 ? null : string.Join(' ', ids);
    }

    /// <summary>The error paragraph for a field, or nothing when it has no error.</summary>
    public static IHtmlContent For(ModelStateDictionary state, string key)
    {
        if (!state.TryGetValue(key, out var entry) || entry.Errors.Count == 0)
        {
            return HtmlString.Empty;
        }

        var messages = string.Join(" ", entry.Errors.Select(e => e.ErrorMessage).Distinct(StringComparer.Ordinal));
        return new HtmlString($"<p class=\"error\" id=\"{Id(key)}\">{HtmlEncoder.Default.Encode(messages)}</p>");
    }

    /// <summary>The keys of fields (not the page) that have errors.</summary>
    public static IReadOnlyList<string> FieldKeys(ModelStateDictionary state) =>
        [.. state.Where(e => e.Key.Length > 0 && e.Value is { Errors.Count: > 0 }).Select(e => e.Key)];

    private static string Safe(string key) => NotSafe().Replace(key, "-").Trim('-');

    [GeneratedRegex("[^A-Za-z0-9]+")]
    private static partial Regex NotSafe();
}

/// <summary>How reviews read on the pages: times in UTC, and words for the enums.</summary>
public static class ReviewText
{
    public static string Time(DateTimeOffset? at) => at?.UtcDateTime.ToString("yyyy-MM-dd HH:mm 'UTC'", CultureInfo.InvariantCulture) ?? "";

    public static string Date(DateTimeOffset? at) => at?.UtcDateTime.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture) ?? "";

    public static string Iso(DateTimeOffset at) => at.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);

    /// <summary>The value an enum has in forms, URLs and the API: its camel-case name.</summary>
    public static string Value<T>(T value)
        where T : struct, Enum => JsonNamingPolicy.CamelCase.ConvertName(value.ToString());

    /// <summary>Reads a form value (camel-case name, any case); false for anything that is not a named member.</summary>
    public static bool TryRead<T>(string? text, out T value)
        where T : struct, Enum
    {
        value = default;
        return !string.IsNullOrWhiteSpace(text) && !char.IsAsciiDigit(text.Trim()[0]) && text.Trim()[0] != '-'
            && Enum.TryParse(text.Trim(), ignoreCase: true, out value) && Enum.IsDefined(value);
    }

    public static string Of(Recurrence value) => value switch
    {
        Recurrence.OneTime => "One time",
        Recurrence.Weekly => "Weekly",
        Recurrence.Monthly => "Monthly",
        Recurrence.Quarterly => "Quarterly",
        Recurrence.SemiAnnual => "Every six months",
        Recurrence.Annual => "Yearly",
    };

    public static string Of(ReviewVerdict value) => value switch
    {
        ReviewVerdict.Approve => "Approve",
        ReviewVerdict.Deny => "Deny",
        ReviewVerdict.DontKnow => "Don't know",
    };

    public static string Of(ReviewResult value) => value switch
    {
        ReviewResult.Approved => "Approved",
        ReviewResult.Denied => "Denied",
        ReviewResult.NotReviewed => "Not reviewed",
    };

    public static string Of(ReviewOutcome value) => value switch
    {
        ReviewOutcome.Pending => "Not applied yet",
        ReviewOutcome.Kept => "Kept",
        ReviewOutcome.Removed => "Removed",
        ReviewOutcome.AlreadyGone => "Already gone",
        ReviewOutcome.Failed => "Removal failed",
    };

    public static string Of(InstanceStatus value) => value switch
    {
        InstanceStatus.InProgress => "In progress",
        InstanceStatus.Closed => "Closed",
        InstanceStatus.Applied => "Applied",
    };

    public static string Of(ReviewStatus value) => value switch
    {
        ReviewStatus.Active => "Active",
        ReviewStatus.Stopped => "Stopped",
        ReviewStatus.Completed => "Completed",
    };

    public static string Of(DefaultDecision value) => value switch
    {
        DefaultDecision.NoChange => "No change (recorded as not reviewed)",
        DefaultDecision.Remove => "Remove the access",
        DefaultDecision.Approve => "Keep the access",
        DefaultDecision.Recommendation => "Take the recommendation",
    };

    public static string Of(ReviewerKind value) => value switch
    {
        ReviewerKind.Named => "Named users or groups",
        ReviewerKind.Self => "Self-review (each person reviews their own access)",
        ReviewerKind.Manager => "Each person's manager",
    };

    public static string Of(ReviewAssignmentTypes value) => value switch
    {
        ReviewAssignmentTypes.Eligible => "Eligible assignments",
        ReviewAssignmentTypes.Active => "Active assignments",
        ReviewAssignmentTypes.Both => "Eligible and active assignments",
    };

    public static string Of(ReviewGroups value) => value switch
    {
        ReviewGroups.AsWhole => "Review a group's assignment as a whole",
        ReviewGroups.ExpandMembers => "Review each member of the group",
    };

    public static string Of(ReviewEnd value) => value switch
    {
        ReviewEnd.Never => "Never",
        ReviewEnd.OnDate => "On a date",
        ReviewEnd.AfterCount => "After a number of instances",
    };

    public static string Of(AssignmentKind value) => value switch
    {
        AssignmentKind.Eligible => "Eligible",
        AssignmentKind.Active => "Active",
    };

    /// <summary>An assignment's window as a reader sees it.</summary>
    public static string Window(DateTimeOffset startsAt, DateTimeOffset? endsAt) =>
        endsAt is { } end ? $"{Time(startsAt)} to {Time(end)}" : $"from {Time(startsAt)}, permanent";

    /// <summary>"1 item", "2 items".</summary>
    public static string Count(int n, string one, string? many = null) => $"{n} {(n == 1 ? one : many ?? one + "s")}";
}
