using Elevate.Core.Access;
using Elevate.Core.Persistence;
using Elevate.Core.Scheduling;

namespace Elevate.Server.Hosting;

/// <summary>After each local commit: bring the access index up to date (read-your-writes) and wake the scheduler,
/// whose next due time may have moved, the outbox dispatcher, which may have messages to send, and
/// the alert monitor, whose findings may have changed.</summary>
public sealed class CommitObserver(AccessIndexFeed feed, GrantScheduler scheduler, Notifications.OutboxDispatcher dispatcher, Alerts.AlertMonitor alerts) : IChangeObserver
{
    public async ValueTask CommittedAsync(long sequence, CancellationToken ct)
    {
        await feed.CommittedAsync(sequence, ct);
        scheduler.Poke();
        dispatcher.Poke();
        alerts.Poke();
    }
}
