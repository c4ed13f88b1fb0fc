using System.Diagnostics;
using Elevate.Core.Audit;
using Elevate.Core.Common;
using Elevate.Core.Notifications;
using Elevate.Core.Persistence;
using Elevate.Core.Scheduling;
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
    private readonly Wakeup _wake = new();
    private readonly string _instance = $"{Environment.MachineName}:{Environment.ProcessId}:{Guid.NewGuid().ToString("N")[..8]}";

    private NotificationsOptions.DispatcherOptions Settings => options.Value.Notifications.Dispatcher;

    public void Dispose() => _wake.Dispose();

    public void Poke() => _wake.Poke();

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
                await _wake.SleepAsync(sleep, time, stop);
            }
        }
    }

    /// <summary>Gathers due digests, then claims and delivers one batch of due messages.</summary>
    public async Task<DispatchRound> RunRoundAsync(CancellationToken ct)
    {
        var digests = await GatherDigestsAsync(ct);
        var (claimed, claim, until) = await ClaimAsync(ct);
        if (claimed.Count == 0)
        {
            return new DispatchRound(0, 0, 0, digests);
        }

        // A message whose lease is about to run out is left for the next round rather than sent when another
        // instance may already have taken it.
        var outcomes = new (OutboxMessage Message, DeliveryAttempt? Attempt)[claimed.Count];
        await Parallel.ForEachAsync(Enumerable.Range(0, claimed.Count), new ParallelOptions { MaxDegreeOfParallelism = Settings.Parallelism, CancellationToken = ct },
            async (i, token) => outcomes[i] = (claimed[i], time.GetUtcNow() < until - LeaseMargin ? await DeliverAsync(claimed[i], token) : null));
        return await RecordAsync(outcomes, claim, ct) with { Digests = digests };
    }

    /// <summary>How much of a lease must be left to start a send (a send that may take the SMTP timeout).</summary>
    private TimeSpan LeaseMargin => options.Value.Notifications.Smtp.Timeout + TimeSpan.FromSeconds(5);

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

        if (facts.ReviewInstanceId is { } instanceId)
        {
            // Reviewers open their items; the owner (and channels) the instance's progress and results.
            return new MessageLinks(facts.Audience == "reviewer" ? $"{baseUrl}/reviews/{instanceId}" : $"{baseUrl}/admin/reviews/instances/{instanceId}", null, null);
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

    private async Task<(List<OutboxMessage> Claimed, string Claim, DateTimeOffset Until)> ClaimAsync(CancellationToken ct)
    {
        await using var db = await contexts.CreateDbContextAsync(ct);
        var now = time.UtcNow();
        var until = now + Settings.ClaimLease;
        var claim = $"{_instance}:{Guid.NewGuid():N}";
        var due = await db.OutboxMessages.AsNoTracking()
            .Where(Deliverable())
            .Where(m => m.Status == OutboxStatus.Pending && m.NextAttemptAt <= now && (m.ClaimedUntil == null || m.ClaimedUntil <= now))
            .OrderBy(m => m.NextAttemptAt).Take(Settings.BatchSize).Select(m => m.Id).ToListAsync(ct);
        if (due.Count == 0)
        {
            return ([], claim, until);
        }

        using (await IDatabaseDialect.For(db).EnterWriteAsync(db, ct))
        {
            // Taken only if still free: of two instances racing for a message, one update matches and the other does not.
            await db.OutboxMessages
                .Where(m => due.Contains(m.Id) && m.Status == OutboxStatus.Pending && (m.ClaimedUntil == null || m.ClaimedUntil <= now))
                .ExecuteUpdateAsync(s => s.SetProperty(m => m.ClaimedUntil, until).SetProperty(m => m.ClaimedBy, claim), ct);
        }

        var claimed = await db.OutboxMessages.AsNoTracking().Where(m => due.Contains(m.Id) && m.ClaimedBy == claim).OrderBy(m => m.NextAttemptAt).ToListAsync(ct);
        return (claimed, claim, until);
    }

    private async Task<DispatchRound> RecordAsync(IReadOnlyList<(OutboxMessage Message, DeliveryAttempt? Attempt)> outcomes, string claim, CancellationToken ct)
    {
        var now = time.UtcNow();
        int sent = 0, failed = 0;
        var dead = new List<OutboxMessage>();
        await using (var db = await contexts.CreateDbContextAsync(ct))
        {
            using var writer = await IDatabaseDialect.For(db).EnterWriteAsync(db, ct);
            await using var transaction = await db.Database.BeginTransactionAsync(ct);
            var ids = outcomes.Select(o => o.Message.Id).ToList();

            // Only rows this round still holds: if the lease ran out and another instance took a message, its
            // outcome is that instance's to record (this attempt is kept for the record all the same).
            var rows = await db.OutboxMessages.Where(m => ids.Contains(m.Id) && m.ClaimedBy == claim && m.Status == OutboxStatus.Pending).ToDictionaryAsync(m => m.Id, ct);
            foreach (var (message, attempt) in outcomes)
            {
                if (attempt is not null)
                {
                    db.DeliveryAttempts.Add(attempt);
                }

                if (!rows.TryGetValue(message.Id, out var row))
                {
                    continue;
                }

                row.ClaimedUntil = null;
                row.ClaimedBy = null;
                if (attempt is null)
                {
                    continue;
                }

                row.Attempts++;
                if (attempt.Succeeded)
                {
                    row.Status = OutboxStatus.Sent;
                    row.SentAt = now;
                    row.LastError = null;
                    sent++;
                }
                else if (row.Attempts >= Settings.MaxAttempts)
                {
                    // Settled here, in the same write as the last attempt, so no other instance tries it again.
                    row.LastError = attempt.Error;
                    row.Status = OutboxStatus.DeadLettered;
                    dead.Add(row);
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

        foreach (var message in dead)
        {
            await ReportDeadLetterAsync(message, ct);
        }

        return new DispatchRound(sent, failed, dead.Count, 0);
    }

    /// <summary>
    /// The messages this instance can deliver: e-mail only with a mail server configured here, and only the endpoints
    /// configured here. While instances' configurations differ (a rolling change), each leaves the rest to the others
    /// instead of failing them.
    /// </summary>
    private System.Linq.Expressions.Expression<Func<OutboxMessage, bool>> Deliverable()
    {
        var config = options.Value.Notifications;
        var email = config.Smtp.Enabled;
        var webhooks = config.Webhooks.Select(w => w.Name).ToList();
        var slack = config.Slack.Select(w => w.Name).ToList();
        var teams = config.Teams.Select(w => w.Name).ToList();
        return m => (email && m.Channel == NotificationChannel.Email)
            || (m.Channel == NotificationChannel.Webhook && webhooks.Contains(m.Destination))
            || (m.Channel == NotificationChannel.Slack && slack.Contains(m.Destination))
            || (m.Channel == NotificationChannel.Teams && teams.Contains(m.Destination));
    }

    /// <summary>15 s, 30 s, 1 min, ... up to the configured maximum.</summary>
    public TimeSpan Backoff(int attempts)
    {
        var delay = Settings.FirstRetryDelay * Math.Pow(2, Math.Min(attempts - 1, 20));
        return delay > Settings.MaxRetryDelay ? Settings.MaxRetryDelay : delay;
    }

    /// <summary>Audits a dead-lettered message and tells administrators (by every other means), in one change set.</summary>
    private async Task ReportDeadLetterAsync(OutboxMessage message, CancellationToken ct)
    {
        logger.LogError("Message {Id} ({Event} by {Channel}) was dead-lettered after {Attempts} attempts.", message.Id, message.Event, message.Channel, message.Attempts);
        await using var scope = scopes.CreateAsyncScope();
        var changes = scope.ServiceProvider.GetRequiredService<ChangeSets>();
        var planner = scope.ServiceProvider.GetRequiredService<NotificationPlanner>();
        await using var cs = await changes.BeginAsync(Actor.System("notifications"), ct);
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
        var committed = await cs.CommitAsync(ct);
        if (!committed.IsSuccess)
        {
            logger.LogError("Recording the dead letter of message {Id} failed: {Error}", message.Id, committed.Error.Message);
        }
    }

    /// <summary>
    /// Turns each recipient's held messages whose digest time has come into one digest message. Rows are taken with a
    /// conditional update (still held → digested), so of two instances gathering at the same moment each row goes
    /// into exactly one digest.
    /// </summary>
    private async Task<int> GatherDigestsAsync(CancellationToken ct)
    {
        await using var db = await contexts.CreateDbContextAsync(ct);
        var now = time.UtcNow();
        var due = await db.OutboxMessages.AsNoTracking().Where(m => m.Status == OutboxStatus.Held && m.NextAttemptAt <= now)
            .OrderBy(m => m.CreatedAt).Take(5000).Select(m => new { m.Id, m.RecipientId, m.Destination }).ToListAsync(ct);
        if (due.Count == 0)
        {
            return 0;
        }

        using var writer = await IDatabaseDialect.For(db).EnterWriteAsync(db, ct);
        await using var transaction = await db.Database.BeginTransactionAsync(ct);
        var count = 0;
        foreach (var group in due.GroupBy(m => (m.RecipientId, Destination: m.Destination.ToLowerInvariant())))
        {
            var digestId = Ids.New(now);
            var ids = group.Select(m => m.Id).ToList();
            var taken = await db.OutboxMessages.Where(m => ids.Contains(m.Id) && m.Status == OutboxStatus.Held)
                .ExecuteUpdateAsync(u => u.SetProperty(m => m.Status, OutboxStatus.Digested).SetProperty(m => m.DigestId, digestId).SetProperty(m => m.SentAt, now), ct);
            if (taken == 0)
            {
                continue;
            }

            var items = await db.OutboxMessages.AsNoTracking().Where(m => m.DigestId == digestId).OrderBy(m => m.CreatedAt).Select(m => m.Facts).ToListAsync(ct);
            db.OutboxMessages.Add(new OutboxMessage
            {
                Id = digestId,
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
                    Items = [.. items.Select(MessageFacts.FromJson)],
                }.ToJson(),
                Status = OutboxStatus.Pending,
                CreatedAt = now,
                NextAttemptAt = now,
            });
            count++;
        }

        await db.SaveChangesAsync(ct);
        await transaction.CommitAsync(ct);
        return count;
    }

    private async Task<TimeSpan> UntilNextDueAsync(CancellationToken ct)
    {
        await using var db = await contexts.CreateDbContextAsync(ct);
        var next = await db.OutboxMessages.Where(Deliverable()).Where(m => m.Status == OutboxStatus.Pending || m.Status == OutboxStatus.Held)
            .MinAsync(m => (DateTimeOffset?)(m.ClaimedUntil != null && m.ClaimedUntil > m.NextAttemptAt ? m.ClaimedUntil : m.NextAttemptAt), ct);
        var max = Settings.MaxSleep;
        if (next is not { } due)
        {
            return max;
        }

        var wait = due - time.GetUtcNow();
        return wait <= TimeSpan.Zero ? TimeSpan.FromMilliseconds(50) : wait < max ? wait : max;
    }
}

/// <summary>
/// Runs the dispatcher in this instance (every instance may; claims keep them apart). An instance with no mail server
/// and no endpoint configured has nothing it could deliver, so it does not look for messages after every commit.
/// </summary>
public sealed class OutboxDispatcherService(OutboxDispatcher dispatcher, IOptions<Hosting.ElevateOptions> options) : BackgroundService
{
    protected override Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var notifications = options.Value.Notifications;
        return notifications.Dispatcher.Enabled && (notifications.Smtp.Enabled || notifications.Routes().Any())
            ? dispatcher.RunAsync(stoppingToken)
            : Task.CompletedTask;
    }
}
