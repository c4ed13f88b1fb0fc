namespace Elevate.Core.Reviews;

/// <summary>
/// When a recurring review's instances start. Every occurrence is counted from the first start, never from the
/// previous occurrence, so months of different lengths do not make the schedule drift: a review that starts on
/// 31 January runs on 28 (or 29) February, then on 31 March again; one that starts on 29 February runs on
/// 28 February in the years that have no 29th.
/// </summary>
public static class ReviewRecurrence
{
    /// <summary>
    /// The start of occurrence <paramref name="index"/> (0 for the first), or null when the schedule has none: a
    /// one-time review has one, and none starts after <see cref="ReviewSchedule.EndsOn"/>. (The count of
    /// <see cref="ReviewEnd.AfterCount"/> is of instances run; see <see cref="NextStart"/>.)
    /// </summary>
    public static DateTimeOffset? Occurrence(ReviewSchedule schedule, int index)
    {
        if (index < 0 || (schedule.Recurrence == Recurrence.OneTime && index > 0))
        {
            return null;
        }

        var anchor = schedule.StartsAt.ToUniversalTime();
        var at = schedule.Recurrence switch
        {
            Recurrence.OneTime => anchor,
            Recurrence.Weekly => anchor.AddDays(7.0 * index),
            Recurrence.Monthly => anchor.AddMonths(index),
            Recurrence.Quarterly => anchor.AddMonths(3 * index),
            Recurrence.SemiAnnual => anchor.AddMonths(6 * index),
            Recurrence.Annual => anchor.AddYears(index),
            _ => throw new ArgumentOutOfRangeException(nameof(schedule), schedule.Recurrence, "Unknown recurrence."),
        };

        return schedule.Recurrence != Recurrence.OneTime && schedule.End == ReviewEnd.OnDate && schedule.EndsOn is { } until && at > until ? null : at;
    }

    /// <summary>
    /// When the next instance starts, given how many have started and when the latest did: the first occurrence after
    /// <paramref name="lastStart"/> whose window has not gone by at <paramref name="now"/>, or null when the schedule is
    /// over. After downtime an occurrence whose whole window has passed is skipped rather than started and closed at once.
    /// </summary>
    /// <remarks>With <paramref name="notBefore"/> (the end of an instance still running), no occurrence before it is chosen: instances never overlap.</remarks>
    public static DateTimeOffset? NextStart(ReviewSchedule schedule, int started, DateTimeOffset? lastStart, DateTimeOffset now, DateTimeOffset? notBefore = null)
    {
        if (started > 0 && (schedule.Recurrence == Recurrence.OneTime || (schedule.End == ReviewEnd.AfterCount && started >= (schedule.Instances ?? 1))))
        {
            return null;
        }

        var duration = TimeSpan.FromDays(schedule.DurationDays);
        for (var i = 0; ; i++)
        {
            if (Occurrence(schedule, i) is not { } at)
            {
                return null;
            }

            if ((lastStart is not { } last || at > last) && at + duration > now && (notBefore is not { } earliest || at >= earliest))
            {
                return at;
            }
        }
    }

    /// <summary>The longest an instance may stay open: shorter than the shortest period, so instances never overlap.</summary>
    public static int LongestDurationDays(Recurrence recurrence) => recurrence switch
    {
        Recurrence.Weekly => 7,
        Recurrence.Monthly => 28,
        Recurrence.Quarterly => 89,
        Recurrence.SemiAnnual => 181,
        _ => 365,
    };
}
