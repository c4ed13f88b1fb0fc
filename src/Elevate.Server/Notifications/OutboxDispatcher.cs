using System.Diagnostics;
using Elevate.Core.Audit;
using Elevate.Core.Common;
using Elevate.Core.Notifications;
using Elevate.Core.Persistence;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Elevate.Server.Notifications;

/// <summary>What one round of the dispatcher did.</summary>
public sealed record DispatchRound(int Sent, int Failed, int DeadLettered, int Digests)
{
    public int Total => Sent + Failed + DeadLettered + Digests;
}

/// <summary>
/// Delivers the outbox. Each round claims due messages with a lease (a conditional update, so several instances never
/// take the same message), sends them in parallel, and records every attempt. A failure waits (15 s, doubling up to an
/// hour) and tries again; after the last attempt the message is dead-lettered, audited and administrators are told.
/// Delivery is at least once: a send whose outcome is unknown is retried with the same id (Message-ID, webhook delivery
/// id), which lets the receiver drop the duplicate. Held messages are gathered into each user's daily digest.
/// The loop wakes on every commit and otherwise sleeps until the next message is due.
/// </summary>
public sealed class OutboxDispatcher(
    IServiceScopeFactory scopes,
    IDbContextFactory<ElevateDbContext> contexts,
    IOptions<Hosting.ElevateOptions> options,
    MessageRenderer renderer,
    ActionLinks links,
    EmailSender email,
    HttpChannelSender http,
    IServer server,
    TimeProvider time,
    ILogger<OutboxDispatcher> logger) : IDisposable
{
    private readonly SemaphoreSlim _wake = new(0, 1);
    private readonly string _instance = $"{Environment.MachineName}:{Environment.ProcessId}:{Guid.NewGuid().ToString("N")[..8]}";

    private NotificationsOptions.DispatcherOptions Settings => options.Value.Notifications.Dispatcher;

    public void Dispose() => _wake.Dispose();

    public void Poke()
    {
        try
        {
            _wake.Release();
        }
        catch (SemaphoreFullException)
        {
            // Already awake or about to be.
        }
    }

    public async Task RunAsync(CancellationToken stop)
    {
        while (!stop.IsCancellationRequested)
        {
            TimeSpan sleep;
            try
            {
                var round = await RunRoundAsync(stop);
                sleep = round.Total > 0 ? TimeSpan.Zero : await UntilNextDueAsync(stop);
            }
            catch (OperationCanceledException) when (stop.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e)
            {
                logger.LogError(e, "A notification round failed; retrying shortly.");
                sleep = TimeSpan.FromSeconds(5);
            }

            if (sleep > TimeSpan.Zero)
            {
                await SleepAsync(sleep, stop);
            }
        }
    }

    /// <summary>Gathers due digests, then claims and delivers one batch of due messages.</summary>
    public async Task<DispatchRound> RunRoundAsync(CancellationToken ct)
    {
        var digests = await GatherDigestsAsync(ct);
        var claimed = await ClaimAsync(ct);
        if (claimed.Count == 0)
        {
            return new DispatchRound(0, 0, 0, digests);
        }

        var outcomes = new (OutboxMessage Message, DeliveryAttempt Attempt)[claimed.Count];
        await Parallel.ForEachAsync(Enumerable.Range(0, claimed.Count), new ParallelOptions { MaxDegreeOfParallelism = Settings.Parallelism, CancellationToken = ct },
            async (i, token) => outcomes[i] = (claimed[i], await DeliverAsync(claimed[i], token)));
        return await RecordAsync(outcomes, ct) with { Digests = digests };
    }

    private async Task<DeliveryAttempt> DeliverAsync(OutboxMessage message, CancellationToken ct)
    {
        var started = time.GetUtcNow();
        var watch = Stopwatch.StartNew();
        string? error = null;
        try
        {
            var facts = MessageFacts.FromJson(message.Facts);
            var rendered = await renderer.RenderAsync(facts, Links(message, facts));
            if (message.Channel == NotificationChannel.Email)
            {
                await email.SendAsync(message, facts, rendered, ct);
            }
            else
            {
                await http.SendAsync(message, facts, rendered, ct);
            }
        }
        catch (Exception e) when (e is not OperationCanceledException || !ct.IsCancellationRequested)
        {
            // The channel's own words, without the message: enough to diagnose, nothing sensitive.
            error = $"{e.GetType().Name}: {e.Message}";
            logger.LogWarning("Delivering {Event} message {Id} by {Channel} failed (attempt {Attempt}): {Error}",
                message.Event, message.Id, message.Channel, message.Attempts + 1, error);
        }

        return new DeliveryAttempt
        {
            Id = Ids.New(started),
            MessageId = message.Id,
            Number = message.Attempts + 1,
            StartedAt = started,
            DurationMilliseconds = (int)watch.ElapsedMilliseconds,
            Succeeded = error is null,
            Error = error is { Length: > 1000 } ? error[..1000] : error,
            Instance = _instance,
        };
    }

    /// <summary>Where a message's buttons lead: approvers get links bound to them and the request; others a page to look at.</summary>
    public MessageLinks Links(OutboxMessage message, MessageFacts facts)
    {
        var baseUrl = BaseUrl();
        if (message.RequestId is { } requestId && message.Event is NotificationEvent.ApprovalRequested or NotificationEvent.ApprovalEscalated)
        {
            var page = $"{baseUrl}/approvals/{requestId}";
            if (message.ActionFor is { } approver && facts.Audience == "approver")
            {
                var lifetime = time.GetUtcNow() + options.Value.Notifications.ActionLinkLifetime;
                var expires = facts.DecideBy is { } due && due < lifetime ? due : lifetime;
                var token = links.Create(requestId, approver, expires);
                return new MessageLinks(page, $"{page}?verdict=approve&link={token}", $"{page}?verdict=deny&link={token}");
            }

            return new MessageLinks(facts.Audience is "requester" ? $"{baseUrl}/roles" : page, null, null);
        }

        return new MessageLinks(facts.Audience is "requester" or "assignee" ? $"{baseUrl}/roles" : $"{baseUrl}/", null, null);
    }

    private string BaseUrl()
    {
        if (options.Value.PublicUrl is { Length: > 0 } configured)
        {
            return configured.TrimEnd('/');
        }

        var address = server.Features.Get<IServerAddressesFeature>()?.Addresses.FirstOrDefault() ?? Hosting.ElevateHost.DefaultUrl;
        return address.Replace("://+", "://localhost", StringComparison.Ordinal).Replace("://*", "://localhost", StringComparison.Ordinal)
            .Replace("://[::]", "://localhost", StringComparison.Ordinal).Replace("://0.0.0.0", "://localhost", StringComparison.Ordinal).TrimEnd('/');
    }

    private async Task<List<OutboxMessage>> ClaimAsync(CancellationToken ct)
    {
        await using var db = await contexts.CreateDbContextAsync(ct);
        var now = time.UtcNow();
        var until = now + Settings.ClaimLease;
        var claim = $"{_instance}:{Guid.NewGuid():N}";
        var due = await db.OutboxMessages.AsNoTracking()
            .Where(m => m.Status == OutboxStatus.Pending && m.NextAttemptAt <= now && (m.ClaimedUntil == null || m.ClaimedUntil <= now))
            .OrderBy(m => m.NextAttemptAt).Take(Settings.BatchSize).Select(m => m.Id).ToListAsync(ct);
        if (due.Count == 0)
        {
            return [];
        }

        using (await IDatabaseDialect.For(db).EnterWriteAsync(db, ct))
        {
            // Taken only if still free: of two instances racing for a message, one update matches and the other does not.
            await db.OutboxMessages
                .Where(m => due.Contains(m.Id) && m.Status == OutboxStatus.Pending && (m.ClaimedUntil == null || m.ClaimedUntil <= now))
                .ExecuteUpdateAsync(s => s.SetProperty(m => m.ClaimedUntil, until).SetProperty(m => m.ClaimedBy, claim), ct);
        }

        return await db.OutboxMessages.AsNoTracking().Where(m => due.Contains(m.Id) && m.ClaimedBy == claim).OrderBy(m => m.NextAttemptAt).ToListAsync(ct);
    }

    private async Task<DispatchRound> RecordAsync(IReadOnlyList<(OutboxMessage Message, DeliveryAttempt Attempt)> outcomes, CancellationToken ct)
    {
        var now = time.UtcNow();
        int sent = 0, failed = 0;
        var dead = new List<Guid>();
        await using (var db = await contexts.CreateDbContextAsync(ct))
        {
            using var writer = await IDatabaseDialect.For(db).EnterWriteAsync(db, ct);
            await using var transaction = await db.Database.BeginTransactionAsync(ct);
            var ids = outcomes.Select(o => o.Message.Id).ToList();
            var rows = await db.OutboxMessages.Where(m => ids.Contains(m.Id)).ToDictionaryAsync(m => m.Id, ct);
            foreach (var (message, attempt) in outcomes)
            {
                db.DeliveryAttempts.Add(attempt);
                var row = rows[message.Id];
                row.Attempts++;
                row.ClaimedUntil = null;
                row.ClaimedBy = null;
                if (attempt.Succeeded)
                {
                    row.Status = OutboxStatus.Sent;
                    row.SentAt = now;
                    row.LastError = null;
                    sent++;
                }
                else if (row.Attempts >= Settings.MaxAttempts)
                {
                    row.LastError = attempt.Error;
                    dead.Add(row.Id);
                }
                else
                {
                    row.LastError = attempt.Error;
                    row.NextAttemptAt = now + Backoff(row.Attempts);
                    failed++;
                }
            }

            await db.SaveChangesAsync(ct);
            await transaction.CommitAsync(ct);
        }

        foreach (var id in dead)
        {
            await DeadLetterAsync(id, ct);
        }

        return new DispatchRound(sent, failed, dead.Count, 0);
    }

    /// <summary>15 s, 30 s, 1 min, ... up to the configured maximum.</summary>
    public TimeSpan Backoff(int attempts)
    {
        var delay = Settings.FirstRetryDelay * Math.Pow(2, Math.Min(attempts - 1, 20));
        return delay > Settings.MaxRetryDelay ? Settings.MaxRetryDelay : delay;
    }

    private async Task DeadLetterAsync(Guid id, CancellationToken ct)
    {
        await using var scope = scopes.CreateAsyncScope();
        var changes = scope.ServiceProvider.GetRequiredService<ChangeSets>();
        var planner = scope.ServiceProvider.GetRequiredService<NotificationPlanner>();
        await using var cs = await changes.BeginAsync(Actor.System("notifications"), ct);
        var message = await cs.Db.OutboxMessages.FirstAsync(m => m.Id == id, ct);
        message.Status = OutboxStatus.DeadLettered;
        cs.Audit(new AuditRecord("notification.dead_lettered")
        {
            Outcome = AuditOutcome.Failed,
            RequestId = message.RequestId,
            AssignmentId = message.AssignmentId,
            Details = AuditDetails.Of(new
            {
                messageId = message.Id,
                @event = NotificationEvents.Name(message.Event),
                channel = message.Channel,
                attempts = message.Attempts,
                lastError = message.LastError,
            }),
        });
        await planner.DeliveryFailedAsync(cs, message, ct);
        await cs.CommitAsync(ct);
        logger.LogError("Message {Id} ({Event} by {Channel}) was dead-lettered after {Attempts} attempts.", message.Id, message.Event, message.Channel, message.Attempts);
    }

    /// <summary>Turns each recipient's held messages whose digest time has come into one digest message.</summary>
    private async Task<int> GatherDigestsAsync(CancellationToken ct)
    {
        await using var db = await contexts.CreateDbContextAsync(ct);
        var now = time.UtcNow();
        if (!await db.OutboxMessages.AnyAsync(m => m.Status == OutboxStatus.Held && m.NextAttemptAt <= now, ct))
        {
            return 0;
        }

        using var writer = await IDatabaseDialect.For(db).EnterWriteAsync(db, ct);
        await using var transaction = await db.Database.BeginTransactionAsync(ct);
        var held = await db.OutboxMessages.Where(m => m.Status == OutboxStatus.Held && m.NextAttemptAt <= now).OrderBy(m => m.CreatedAt).Take(5000).ToListAsync(ct);
        var count = 0;
        foreach (var group in held.GroupBy(m => (m.RecipientId, Destination: m.Destination.ToLowerInvariant())))
        {
            var digest = new OutboxMessage
            {
                Id = Ids.New(now),
                Channel = NotificationChannel.Email,
                Destination = group.First().Destination,
                RecipientId = group.Key.RecipientId,
                Event = NotificationEvent.Digest,
                Facts = new MessageFacts
                {
                    Event = NotificationEvent.Digest,
                    OccurredAt = now,
                    Actor = "system:notifications",
                    Audience = "recipient",
                    Items = [.. group.Select(m => MessageFacts.FromJson(m.Facts))],
                }.ToJson(),
                Status = OutboxStatus.Pending,
                CreatedAt = now,
                NextAttemptAt = now,
            };
            db.OutboxMessages.Add(digest);
            foreach (var message in group)
            {
                message.Status = OutboxStatus.Digested;
                message.DigestId = digest.Id;
                message.SentAt = now;
            }

            count++;
        }

        await db.SaveChangesAsync(ct);
        await transaction.CommitAsync(ct);
        return count;
    }

    private async Task<TimeSpan> UntilNextDueAsync(CancellationToken ct)
    {
        await using var db = await contexts.CreateDbContextAsync(ct);
        var next = await db.OutboxMessages.Where(m => m.Status == OutboxStatus.Pending || m.Status == OutboxStatus.Held)
            .MinAsync(m => (DateTimeOffset?)(m.ClaimedUntil != null && m.ClaimedUntil > m.NextAttemptAt ? m.ClaimedUntil : m.NextAttemptAt), ct);
        var max = Settings.MaxSleep;
        if (next is not { } due)
        {
            return max;
        }

        var wait = due - time.GetUtcNow();
        return wait <= TimeSpan.Zero ? TimeSpan.FromMilliseconds(50) : wait < max ? wait : max;
    }

    private async Task SleepAsync(TimeSpan sleep, CancellationToken stop)
    {
        using var wakeOrStop = CancellationTokenSource.CreateLinkedTokenSource(stop);
        var timer = Task.Delay(sleep, time, wakeOrStop.Token);
        var poke = _wake.WaitAsync(wakeOrStop.Token);
        await Task.WhenAny(timer, poke);
        await wakeOrStop.CancelAsync();
        await Task.WhenAll(timer, poke).ContinueWith(_ => { }, CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
    }
}

/// <summary>Runs the dispatcher in this instance (every instance may; claims keep them apart).</summary>
public sealed class OutboxDispatcherService(OutboxDispatcher dispatcher, IOptions<Hosting.ElevateOptions> options) : BackgroundService
{
    protected override Task ExecuteAsync(CancellationToken stoppingToken) =>
        options.Value.Notifications.Dispatcher.Enabled ? dispatcher.RunAsync(stoppingToken) : Task.CompletedTask;
}
