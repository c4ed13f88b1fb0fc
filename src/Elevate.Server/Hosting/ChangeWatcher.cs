using Elevate.Core.Access;
using Elevate.Core.Persistence;
using Elevate.Core.Scheduling;
using Microsoft.Extensions.Options;
using Npgsql;

namespace Elevate.Server.Hosting;

/// <summary>
/// Picks up changes committed by other Elevate instances. On PostgreSQL it LISTENs for the notification every change
/// set sends at commit, so a revocation on one instance reaches the others within milliseconds; a short poll of the
/// audit head backs it up (a dropped connection cannot leave an instance stale for longer than the poll interval).
/// </summary>
public sealed class ChangeWatcher(
    AccessIndexFeed feed,
    GrantScheduler scheduler,
    Notifications.OutboxDispatcher dispatcher,
    Alerts.AlertMonitor alerts,
    IOptions<ElevateOptions> options,
    TimeProvider time,
    ILogger<ChangeWatcher> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var settings = options.Value;
        var listening = settings.Database.Provider == DatabaseProvider.PostgreSql
            ? ListenAsync(settings.ResolveConnectionString(), stoppingToken)
            : Task.CompletedTask;
        await Task.WhenAll(listening, PollAsync(settings.ChangePollInterval, stoppingToken));
    }

    private async Task PollAsync(TimeSpan interval, CancellationToken stop)
    {
        while (!stop.IsCancellationRequested)
        {
            try
            {
                await Task.Delay(interval, time, stop);
                await CatchUpAsync(stop);
            }
            catch (OperationCanceledException) when (stop.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e)
            {
                logger.LogWarning(e, "Looking for changes from other instances failed; trying again.");
            }
        }
    }

    private async Task ListenAsync(string connectionString, CancellationToken stop)
    {
        var backoff = TimeSpan.FromSeconds(1);
        while (!stop.IsCancellationRequested)
        {
            try
            {
                await using var connection = new NpgsqlConnection(connectionString);
                await connection.OpenAsync(stop);
                connection.Notification += (_, _) => _ = CatchUpQuietlyAsync(stop);
                await using (var listen = new NpgsqlCommand($"LISTEN {IDatabaseDialect.ChangeChannel}", connection))
                {
                    await listen.ExecuteNonQueryAsync(stop);
                }

                // Anything committed while not listening is picked up now.
                await CatchUpAsync(stop);
                backoff = TimeSpan.FromSeconds(1);
                while (!stop.IsCancellationRequested)
                {
                    await connection.WaitAsync(stop);
                }
            }
            catch (OperationCanceledException) when (stop.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e)
            {
                logger.LogWarning(e, "Listening for changes failed; reconnecting in {Delay}.", backoff);
                await Task.Delay(backoff, time, stop).ContinueWith(_ => { }, TaskScheduler.Default);
                backoff = TimeSpan.FromTicks(Math.Min(backoff.Ticks * 2, TimeSpan.FromSeconds(30).Ticks));
            }
        }
    }

    private async Task CatchUpQuietlyAsync(CancellationToken stop)
    {
        try
        {
            await CatchUpAsync(stop);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            logger.LogWarning(e, "Applying a change notification failed; the poll will catch up.");
        }
    }

    private async Task CatchUpAsync(CancellationToken stop)
    {
        var before = feed.IndexSequence;
        await feed.CatchUpAsync(stop);
        if (feed.IndexSequence != before)
        {
            scheduler.Poke();
            dispatcher.Poke();
            alerts.Poke();
        }
    }
}
