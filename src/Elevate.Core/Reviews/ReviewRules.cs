using System.Globalization;
using Elevate.Core.Assignments;

namespace Elevate.Core.Reviews;

/// <summary>The activity a recommendation is made from: the last activation (eligibility) or sign-in (active assignment).</summary>
public sealed record Activity(DateTimeOffset? LastAt, bool Enabled = true);

/// <summary>A recommendation and the reason shown with it.</summary>
public sealed record Recommendation(ReviewVerdict Verdict, string Reason);

/// <summary>Where an item goes after a stage decision.</summary>
public sealed record StageStep(int Stage, ReviewVerdict? Final);

/// <summary>The pure rules of access reviews: recommendations, stage progression and the results at close.</summary>
public static class ReviewRules
{
    /// <summary>Inactive: no activity at all, or none within the last <paramref name="days"/>.</summary>
    public static bool IsInactive(DateTimeOffset? lastActivity, int days, DateTimeOffset now) =>
        lastActivity is not { } last || last < now - TimeSpan.FromDays(days);

    /// <summary>
    /// Deny when the principal has not activated the role (an eligibility) or not signed in (an active assignment)
    /// within <paramref name="days"/>, or is disabled; approve otherwise.
    /// </summary>
    public static Recommendation Recommend(AssignmentKind kind, Activity activity, int days, DateTimeOffset now)
    {
        if (!activity.Enabled)
        {
            return new(ReviewVerdict.Deny, "The account is disabled.");
        }

        var what = kind == AssignmentKind.Eligible ? "activated" : "signed in";
        var notWhat = kind == AssignmentKind.Eligible ? "Not activated" : "No sign-in";
        if (activity.LastAt is not { } last)
        {
            return new(ReviewVerdict.Deny, kind == AssignmentKind.Eligible ? "Never activated this role." : "Never signed in.");
        }

        var on = last.UtcDateTime.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
        return IsInactive(last, days, now)
            ? new(ReviewVerdict.Deny, $"{notWhat} in the last {days} days (last on {on}).")
            : new(ReviewVerdict.Approve, $"Last {what} on {on}, within the last {days} days.");
    }

    /// <summary>
    /// After a decision at <paramref name="stage"/>: a denial ends the item's review, and so does any decision at the
    /// last stage; otherwise the item moves on to the next stage's reviewers.
    /// </summary>
    public static StageStep Step(int stage, int stages, ReviewVerdict verdict) =>
        verdict == ReviewVerdict.Deny || stage >= stages ? new(stage, verdict) : new(stage + 1, null);

    /// <summary>
    /// The result an item gets at close: the reviewers' approval or denial; otherwise (undecided, or "don't know") the
    /// configured default, where "recommendation" takes the item's recommendation when it has one.
    /// </summary>
    public static (ReviewResult Result, bool IsDefault) Close(ReviewVerdict? decision, ReviewVerdict? recommendation, DefaultDecision fallback) =>
        decision switch
        {
            ReviewVerdict.Approve => (ReviewResult.Approved, false),
            ReviewVerdict.Deny => (ReviewResult.Denied, false),
            _ => (fallback switch
            {
                DefaultDecision.Remove => ReviewResult.Denied,
                DefaultDecision.Approve => ReviewResult.Approved,
                DefaultDecision.Recommendation => recommendation switch
                {
                    ReviewVerdict.Approve => ReviewResult.Approved,
                    ReviewVerdict.Deny => ReviewResult.Denied,
                    _ => ReviewResult.NotReviewed,
                },
                _ => ReviewResult.NotReviewed,
            }, true),
        };

    /// <summary>The moments reminders are due for an instance ending at <paramref name="endsAt"/>, earliest first, after <paramref name="after"/>.</summary>
    public static DateTimeOffset? NextReminder(IEnumerable<TimeSpan> reminders, DateTimeOffset endsAt, DateTimeOffset after) =>
        reminders.Select(r => endsAt - r).Where(at => at > after).OrderBy(at => at).Cast<DateTimeOffset?>().FirstOrDefault();
}
