namespace Elevate.Core.Alerts;

/// <summary>What an evaluation found for one alert type: the items (at most the kept number) and how many in all.</summary>
public sealed record Finding(AlertType Type, IReadOnlyList<AlertItem> Items, int Count)
{
    public static Finding None(AlertType type) => new(type, [], 0);
}

/// <summary>What to do with an alert after an evaluation.</summary>
public enum AlertChange
{
    None,
    Raise,
    Update,
    Reopen,
    Resolve,
}

/// <summary>The alert catalogue's decisions, with no I/O.</summary>
public static class AlertRules
{
    /// <summary>
    /// Too many permanent administrators: more than the allowed number AND more than the allowed share of everyone
    /// holding the administrative roles (both, as in Entra: a small team with two permanent admins out of three is
    /// not flagged by the count alone).
    /// </summary>
    public static bool TooManyPermanent(int permanent, int everyone, AlertSettings settings) =>
        permanent > settings.MaxPermanentAdministrators && (everyone == 0 || permanent * 100 > settings.MaxPermanentAdministratorPercent * everyone);

    /// <summary>How an alert moves given what was found now.</summary>
    public static AlertChange Reconcile(SecurityAlert? current, Finding found, IReadOnlyCollection<string> dismissedKeys)
    {
        var keys = found.Items.Select(i => i.Key).ToHashSet(StringComparer.Ordinal);
        if (current is null || current.Status == AlertStatus.Resolved)
        {
            return found.Count > 0 ? AlertChange.Raise : AlertChange.None;
        }

        if (found.Count == 0)
        {
            return AlertChange.Resolve;
        }

        var same = current.ReadItems().SequenceEqual(found.Items) && current.ItemCount == found.Count;
        // Something new appeared after the dismissal: not what the person who dismissed accepted. With every accepted
        // key kept, any other key is new; past the kept number, more items than were accepted is.
        var allKept = dismissedKeys.Count >= current.DismissedItemCount;
        if (current.Status == AlertStatus.Dismissed && (found.Count > current.DismissedItemCount || (allKept && !keys.IsSubsetOf(dismissedKeys))))
        {
            return AlertChange.Reopen;
        }

        return same ? AlertChange.None : AlertChange.Update;
    }
}
