using Elevate.Core.Common;
using Elevate.Core.Notifications;
using Elevate.Server.Api;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Elevate.Server.Notifications;

/// <summary>Notification preferences (each user's own) and the outbox (administrators): read, resend, test.</summary>
public static class NotificationEndpoints
{
    public sealed record PreferenceBody(NotificationMode? Mode, TimeSpan? DigestTime);

    public sealed record TestBody(string? Channel);

    /// <summary>An outbox message as administrators see it: where it goes and how delivery stands, not its content.</summary>
    public sealed record MessageView(
        Guid Id, NotificationChannel Channel, string Destination, Guid? RecipientId, string Event, bool Critical, bool ActionLinks, Guid? RequestId,
        Guid? AssignmentId, OutboxStatus Status, DateTimeOffset CreatedAt, DateTimeOffset? NextAttemptAt, int Attempts, string? LastError,
        DateTimeOffset? SentAt, Guid? DigestId)
    {
        public static MessageView From(OutboxMessage m) => new(
            m.Id, m.Channel, m.Destination, m.RecipientId, NotificationEvents.Name(m.Event), m.Critical, m.ActionFor is not null, m.RequestId, m.AssignmentId, m.Status,
            m.CreatedAt, m.Status is OutboxStatus.Pending or OutboxStatus.Held ? m.NextAttemptAt : null, m.Attempts, m.LastError, m.SentAt, m.DigestId);
    }

    public sealed record AttemptView(int Number, DateTimeOffset StartedAt, int DurationMilliseconds, bool Succeeded, string? Error, string Instance);

    public sealed record MessageDetailView(MessageView Message, IReadOnlyList<AttemptView> Attempts);

    public static RouteGroupBuilder MapNotifications(this RouteGroupBuilder api)
    {
        var me = api.MapGroup("me").WithTags("Notifications");
        me.MapGet("notification-preferences", async (NotificationService notifications, HttpContext http, CancellationToken ct) =>
            TypedResults.Ok(await notifications.GetPreferenceAsync(http.Actor(), ct)))
            .WithName("GetMyNotificationPreferences").WithSummary("Your notification mode (all, criticalOnly, dailyDigest) and digest time (UTC).");
        me.MapPut("notification-preferences", SetPreferenceAsync).WithName("SetMyNotificationPreferences")
            .WithSummary("Choose all messages, critical ones only, or critical ones at once and the rest in a daily digest at digestTime (UTC).");

        var outbox = api.MapGroup("notifications").WithTags("Notifications");
        outbox.MapGet("outbox", ListAsync).WithName("ListOutboxMessages")
            .WithSummary("Outbox messages newest first, by status (pending, held, sent, digested, deadLettered) or request. Elevate Administrator.");
        outbox.MapGet("outbox/{id:guid}", GetAsync).WithName("GetOutboxMessage").WithSummary("One message and each attempt to deliver it.");
        outbox.MapPost("outbox/{id:guid}/retry", RetryAsync).WithName("RetryOutboxMessage")
            .WithSummary("Send a dead-lettered message again, with a fresh round of attempts.");
        outbox.MapPost("test", TestAsync).WithName("SendTestNotification")
            .WithSummary("Queue a test message to channel: email (your own address) or a configured webhook, Slack or Teams endpoint's name.");
        return api;
    }

    private static async Task<Results<Ok<PreferenceView>, ProblemHttpResult>> SetPreferenceAsync(
        PreferenceBody body, NotificationService notifications, HttpContext http, CancellationToken ct) =>
        Respond.Ok(await notifications.SetPreferenceAsync(body.Mode, body.DigestTime, http.Actor(), ct), v => v);

    private static async Task<Results<Ok<PageView<MessageView>>, ProblemHttpResult>> ListAsync(
        string? status, Guid? requestId, string? cursor, int? limit, NotificationService notifications, HttpContext http, CancellationToken ct)
    {
        var parsed = Http.Enum<OutboxStatus>(status, "status");
        return parsed.IsSuccess
            ? Respond.Page(await notifications.ListAsync(parsed.Value, requestId, cursor, limit, http.Actor(), ct), MessageView.From)
            : Problems.From(parsed.Error);
    }

    private static async Task<Results<Ok<MessageDetailView>, ProblemHttpResult>> GetAsync(Guid id, NotificationService notifications, HttpContext http, CancellationToken ct) =>
        Respond.Ok(await notifications.GetAsync(id, http.Actor(), ct), found => new MessageDetailView(
            MessageView.From(found.Message),
            [.. found.Attempts.Select(a => new AttemptView(a.Number, a.StartedAt, a.DurationMilliseconds, a.Succeeded, a.Error, a.Instance))]));

    private static async Task<Results<Ok<MessageView>, ProblemHttpResult>> RetryAsync(Guid id, NotificationService notifications, HttpContext http, CancellationToken ct) =>
        Respond.Ok(await notifications.RetryAsync(id, http.Actor(), ct), MessageView.From);

    private static async Task<Results<Ok<MessageView>, ProblemHttpResult>> TestAsync(TestBody body, NotificationService notifications, HttpContext http, CancellationToken ct) =>
        Respond.Ok(await notifications.SendTestAsync(body.Channel, http.Actor(), ct), MessageView.From);
}
