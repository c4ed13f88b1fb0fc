using Elevate.Core.Access;
using Elevate.Core.Audit;
using Elevate.Core.Common;
using Elevate.Core.Persistence;
using Microsoft.EntityFrameworkCore;

namespace Elevate.Core.Notifications;

/// <summary>A user's preference as answered by the API (defaults when they never chose).</summary>
public sealed record PreferenceView(NotificationMode Mode, TimeSpan DigestTime);

/// <summary>
/// What people and administrators do with notifications directly: each user's own preference; administrators read the
/// outbox and its attempts, send a dead-lettered message again, and send a test through any channel.
/// </summary>
public sealed class NotificationService(ChangeSets changes, Authorizer authorizer, NotificationOptions options)
{
    public async Task<PreferenceView> GetPreferenceAsync(Actor actor, CancellationToken ct)
    {
        var row = await changes.Db.NotificationPreferences.AsNoTracking().FirstOrDefaultAsync(p => p.PrincipalId == actor.PrincipalId, ct);
        return row is null ? new PreferenceView(NotificationMode.All, new NotificationPreference().DigestTime) : new PreferenceView(row.Mode, row.DigestTime);
    }

    public async Task<Result<PreferenceView>> SetPreferenceAsync(NotificationMode? mode, TimeSpan? digestTime, Actor actor, CancellationToken ct)
    {
        if (mode is null || !Enum.IsDefined(mode.Value))
        {
            return ElevateError.Validation(ErrorCodes.Required, "mode", "Choose all, criticalOnly or dailyDigest.");
        }

        if (digestTime is { } t && (t < TimeSpan.Zero || t >= TimeSpan.FromDays(1) || t.Ticks % TimeSpan.TicksPerMinute != 0))
        {
            return ElevateError.Validation(ErrorCodes.InvalidValue, "digestTime", "The digest time is a time of day in whole minutes, UTC: PT0S up to PT23H59M.");
        }

        await using var cs = await changes.BeginAsync(actor, ct);
        var id = actor.PrincipalId!.Value;
        var row = await cs.Db.NotificationPreferences.FirstOrDefaultAsync(p => p.PrincipalId == id, ct);
        if (row is null)
        {
            row = new NotificationPreference { PrincipalId = id };
            cs.Db.NotificationPreferences.Add(row);
        }

        var before = new { row.Mode, row.DigestTime };
        row.Mode = mode.Value;
        row.DigestTime = digestTime ?? row.DigestTime;
        row.UpdatedAt = cs.Now;

        // Messages already held for a digest follow the new choice: sent now for "all", never for "critical only".
        if (row.Mode != NotificationMode.DailyDigest)
        {
            await cs.Db.OutboxMessages.Where(m => m.RecipientId == id && m.Status == OutboxStatus.Held).ForEachAsync(m =>
            {
                m.Status = row.Mode == NotificationMode.All ? OutboxStatus.Pending : OutboxStatus.Withheld;
                m.NextAttemptAt = cs.Now;
            }, ct);
        }

        cs.Audit(new AuditRecord("notification_preference.updated")
        {
            PrincipalId = id,
            PrincipalName = actor.Name,
            Details = AuditDetails.Of(new { before, after = new { row.Mode, row.DigestTime } }),
        });
        var committed = await cs.CommitAsync(ct);
        return committed.IsSuccess ? new PreferenceView(row.Mode, row.DigestTime) : committed.Error;
    }

    /// <summary>Outbox messages newest first, optionally of one status or about one request.</summary>
    public async Task<Result<Page<OutboxMessage>>> ListAsync(OutboxStatus? status, Guid? requestId, string? cursor, int? limit, Actor actor, CancellationToken ct)
    {
        var size = Cursor.Limit(limit);
        var after = Cursor.DecodeTimeAndId(cursor);
        if ((authorizer.Require(actor, Permission.ManageDirectory) ?? size.Error ?? after.Error) is { } problem)
        {
            return problem;
        }

        var query = changes.Db.OutboxMessages.AsNoTracking();
        if (status is { } s)
        {
            query = query.Where(m => m.Status == s);
        }

        if (requestId is { } r)
        {
            query = query.Where(m => m.RequestId == r);
        }

        if (after.Value is { } position)
        {
            query = query.Where(m => m.CreatedAt < position.At || (m.CreatedAt == position.At && m.Id.CompareTo(position.Id) < 0));
        }

        var items = await query.OrderByDescending(m => m.CreatedAt).ThenByDescending(m => m.Id).Take(size.Value + 1).ToListAsync(ct);
        var next = items.Count > size.Value ? Cursor.Encode(items[size.Value - 1].CreatedAt, items[size.Value - 1].Id) : null;
        return new Page<OutboxMessage>(items.Take(size.Value).ToList(), next);
    }

    public async Task<Result<(OutboxMessage Message, IReadOnlyList<DeliveryAttempt> Attempts)>> GetAsync(Guid id, Actor actor, CancellationToken ct)
    {
        if (authorizer.Require(actor, Permission.ManageDirectory) is { } denied)
        {
            return denied;
        }

        var message = await changes.Db.OutboxMessages.AsNoTracking().FirstOrDefaultAsync(m => m.Id == id, ct);
        if (message is null)
        {
            return NotFound();
        }

        var attempts = await changes.Db.DeliveryAttempts.AsNoTracking().Where(a => a.MessageId == id).OrderBy(a => a.Number).ToListAsync(ct);
        return (message, attempts);
    }

    /// <summary>Sends a dead-lettered message again, with a fresh round of attempts.</summary>
    public async Task<Result<OutboxMessage>> RetryAsync(Guid id, Actor actor, CancellationToken ct)
    {
        if (authorizer.Require(actor, Permission.ManageDirectory) is { } denied)
        {
            return denied;
        }

        await using var cs = await changes.BeginAsync(actor, ct);
        var message = await cs.Db.OutboxMessages.FirstOrDefaultAsync(m => m.Id == id, ct);
        if (message is null)
        {
            return NotFound();
        }

        if (message.Status != OutboxStatus.DeadLettered)
        {
            return ElevateError.Conflict(ErrorCodes.NotDeadLettered, "Only a dead-lettered message is sent again; this one is still being delivered or was delivered.");
        }

        message.Status = OutboxStatus.Pending;
        message.Attempts = 0;
        message.NextAttemptAt = cs.Now;
        cs.Audit(new AuditRecord("notification.retried")
        {
            RequestId = message.RequestId,
            AssignmentId = message.AssignmentId,
            Details = AuditDetails.Of(new { messageId = message.Id, @event = NotificationEvents.Name(message.Event), channel = message.Channel }),
        });
        var committed = await cs.CommitAsync(ct);
        return committed.IsSuccess ? message : committed.Error;
    }

    /// <summary>
    /// Queues a test message: by e-mail to the caller's own address, or to a configured webhook, Slack or Teams channel.
    /// It goes through the outbox like any message, so the attempts show whether the channel works.
    /// </summary>
    public async Task<Result<OutboxMessage>> SendTestAsync(string? channel, Actor actor, CancellationToken ct)
    {
        if (authorizer.Require(actor, Permission.ManageDirectory) is { } denied)
        {
            return denied;
        }

        await using var cs = await changes.BeginAsync(actor, ct);
        OutboxMessage message;
        if (string.IsNullOrEmpty(channel) || channel == "email")
        {
            var me = await cs.Db.Principals.AsNoTracking().FirstAsync(p => p.Id == actor.PrincipalId, ct);
            if (!options.EmailEnabled || me.Email is not { Length: > 0 } address)
            {
                return ElevateError.Rule(ErrorCodes.ChannelNotConfigured, options.EmailEnabled
                    ? "Your account has no e-mail address to send the test to."
                    : "No SMTP server is configured (Elevate:Notifications:Smtp:Host).", "channel");
            }

            message = Test(NotificationChannel.Email, address, me.Id, cs);
        }
        else if (options.Routes.FirstOrDefault(r => r.Name == channel) is { } route)
        {
            message = Test(route.Channel, route.Name, null, cs);
        }
        else
        {
            return ElevateError.Rule(ErrorCodes.ChannelNotConfigured, $"No channel is named '{channel}'; use email or the name of a configured webhook, Slack or Teams endpoint.", "channel");
        }

        cs.Db.OutboxMessages.Add(message);
        cs.Audit(new AuditRecord("notification.test_queued") { Details = AuditDetails.Of(new { messageId = message.Id, channel = message.Channel, destination = message.Destination }) });
        var committed = await cs.CommitAsync(ct);
        return committed.IsSuccess ? message : committed.Error;
    }

    private static OutboxMessage Test(NotificationChannel channel, string destination, Guid? recipient, ChangeSet cs) => new()
    {
        Id = Ids.New(cs.Now),
        Channel = channel,
        Destination = destination,
        RecipientId = recipient,
        Event = NotificationEvent.Test,
        Critical = true,
        Facts = new MessageFacts { Event = NotificationEvent.Test, Critical = true, Audience = "admin", OccurredAt = cs.Now, Actor = cs.Actor.Name }.ToJson(),
        Status = OutboxStatus.Pending,
        CreatedAt = cs.Now,
        NextAttemptAt = cs.Now,
    };

    private static ElevateError NotFound() => ElevateError.NotFound(ErrorCodes.MessageNotFound, "id", "No outbox message has this id.");
}
