namespace Elevate.Core.Notifications;

/// <summary>A configured webhook, Slack or Teams endpoint, as the planner sees it (its address and secret stay with the sender).</summary>
/// <param name="Events">The events it receives; empty: all of them.</param>
public sealed record ChannelRoute(string Name, NotificationChannel Channel, IReadOnlyList<NotificationEvent> Events, bool CriticalOnly)
{
    public bool Wants(NotificationEvent e, bool critical) => (Events.Count == 0 || Events.Contains(e)) && (critical || !CriticalOnly);
}

/// <summary>What the notification planner needs from the deployment's configuration.</summary>
public sealed record NotificationOptions
{
    /// <summary>Whether an SMTP server is configured; without one no e-mail is queued.</summary>
    public bool EmailEnabled { get; init; }

    /// <summary>Before an eligible or administrator-made active assignment ends: the brief's 14 days and 1 day.</summary>
    public IReadOnlyList<TimeSpan> AssignmentEndingNotices { get; init; } = [TimeSpan.FromDays(14), TimeSpan.FromDays(1)];

    /// <summary>Before an activation ends, so the holder can extend it or finish.</summary>
    public TimeSpan ActivationEndingNotice { get; init; } = TimeSpan.FromMinutes(15);

    public IReadOnlyList<ChannelRoute> Routes { get; init; } = [];

    /// <summary>The most people one audience of one event reaches (a large group is not mailed member by member beyond this).</summary>
    public int MaxRecipientsPerAudience { get; init; } = 200;
}
