using Elevate.Core.Access;
using Elevate.Core.Common;
using Elevate.Core.Notifications;
using Elevate.Core.Persistence;
using Elevate.Server.Hosting;
using Elevate.Server.Notifications;
using Microsoft.AspNetCore.Mvc;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Elevate.Server.Portal.Admin.Notifications;

/// <summary>
/// The notification channels as configured (read-only: they live in the configuration file), each with a "Send test"
/// button that queues a test message through the same core call as the API's test endpoint; how the outbox stands; and
/// the dead-lettered messages a page at a time, each of which may be sent again. Passwords, webhook secrets and the
/// paths of webhook addresses (which are themselves secrets) never reach the page.
/// </summary>
public sealed class IndexModel(NotificationService notifications, Authorizer authorizer, ElevateDbContext db, IOptions<ElevateOptions> options) : PortalPage
{
    /// <summary>One configured webhook, Slack or Teams endpoint as the page may show it.</summary>
    public sealed record Endpoint(string Name, NotificationChannel Channel, string Address, IReadOnlyList<string> Events, bool CriticalOnly);

    /// <summary>The test message just queued (its id arrives in the query after the redirect).</summary>
    [BindProperty(SupportsGet = true, Name = "test")]
    public Guid? TestId { get; set; }

    [BindProperty(SupportsGet = true, Name = "cursor")]
    public string? Cursor { get; set; }

    [BindProperty]
    public string? Channel { get; set; }

    [BindProperty]
    public Guid MessageId { get; set; }

    public NotificationsOptions.SmtpOptions Smtp => options.Value.Notifications.Smtp;

    public IReadOnlyList<Endpoint> Endpoints { get; private set; } = [];

    public OutboxMessage? Test { get; private set; }

    public int Pending { get; private set; }

    public int Held { get; private set; }

    public int DeadLettered { get; private set; }

    public IReadOnlyList<OutboxMessage> DeadLetters { get; private set; } = [];

    public string? NextCursor { get; private set; }

    public static string Label(NotificationChannel channel) => channel switch
    {
        NotificationChannel.Email => "E-mail",
        NotificationChannel.Webhook => "Webhook",
        NotificationChannel.Slack => "Slack",
        NotificationChannel.Teams => "Microsoft Teams",
    };

    public static string Label(OutboxStatus status) => status switch
    {
        OutboxStatus.Pending => "waiting to be sent",
        OutboxStatus.Held => "held for a digest",
        OutboxStatus.Sent => "sent",
        OutboxStatus.Digested => "sent in a digest",
        OutboxStatus.DeadLettered => "dead-lettered (every attempt failed)",
        _ => status.ToString(),
    };

    public static string Label(NotificationsOptions.SmtpSecurity security) => security switch
    {
        NotificationsOptions.SmtpSecurity.StartTls => "STARTTLS (required)",
        NotificationsOptions.SmtpSecurity.StartTlsWhenAvailable => "STARTTLS when the server offers it",
        NotificationsOptions.SmtpSecurity.SslOnConnect => "TLS from the start",
        NotificationsOptions.SmtpSecurity.None => "none (loopback relays only)",
    };

    /// <summary>
    /// A webhook address without its secret part: an incoming-webhook address is a bearer credential, so only the
    /// scheme and host are shown and the path is masked.
    /// </summary>
    public static string Masked(string url) =>
        Uri.TryCreate(url, UriKind.Absolute, out var uri) ? $"{uri.Scheme}://{uri.Authority}/\u2022\u2022\u2022\u2022\u2022\u2022" : "(not a valid address)";

    public static string Time(DateTimeOffset? at) => Elevate.Server.Portal.Reviews.ReviewText.Time(at);

    public async Task<IActionResult> OnGetAsync(CancellationToken ct) => await LoadAsync(ct) ?? Page();

    /// <summary>Queues a test to a channel ("email" goes to the caller's own address) exactly as the API's test endpoint does.</summary>
    public async Task<IActionResult> OnPostTestAsync(CancellationToken ct)
    {
        var queued = await notifications.SendTestAsync(Channel, Actor, ct);
        if (queued.IsSuccess)
        {
            Notice = "Test message queued. Its delivery is shown below; reload the page to follow it.";
            return RedirectToPage("/Admin/Notifications/Index", new { test = queued.Value.Id });
        }

        if (queued.Error.Kind == ErrorKind.Forbidden)
        {
            return Refused(queued.Error);
        }

        var settings = options.Value.Notifications;
        var known = Channel is null or "email" || settings.Routes().Any(r => r.Name == Channel);
        ModelState.AddModelError(known ? TestErrorKey(Channel) : "", queued.Error.Message);
        return await LoadAsync(ct) ?? Page();
    }

    public async Task<IActionResult> OnPostRetryAsync(CancellationToken ct)
    {
        var retried = await notifications.RetryAsync(MessageId, Actor, ct);
        if (retried.IsSuccess)
        {
            return Done("The message is queued again with a fresh round of attempts.", "/Admin/Notifications/Index");
        }

        if (retried.Error.Kind == ErrorKind.Forbidden)
        {
            return Refused(retried.Error);
        }

        ModelState.AddModelError("", retried.Error.Message);
        return await LoadAsync(ct) ?? Page();
    }

    /// <summary>The key under which a channel's test error is shown, next to its button.</summary>
    public static string TestErrorKey(string? channel) => "Test-" + (string.IsNullOrEmpty(channel) ? "email" : channel);

    private async Task<IActionResult?> LoadAsync(CancellationToken ct)
    {
        if (authorizer.Require(Actor, Permission.ManageDirectory) is { } denied)
        {
            return Refused(denied);
        }

        var settings = options.Value.Notifications;
        Endpoints =
        [
            .. settings.Webhooks.Select(w => Describe(w, NotificationChannel.Webhook)),
            .. settings.Slack.Select(s => Describe(s, NotificationChannel.Slack)),
            .. settings.Teams.Select(t => Describe(t, NotificationChannel.Teams)),
        ];

        if (TestId is { } testId)
        {
            var test = await notifications.GetAsync(testId, Actor, ct);
            Test = test.IsSuccess && test.Value.Message.Event == NotificationEvent.Test ? test.Value.Message : null;
        }

        // Each count is one range of the (status, next attempt) index.
        Pending = await db.OutboxMessages.CountAsync(m => m.Status == OutboxStatus.Pending, ct);
        Held = await db.OutboxMessages.CountAsync(m => m.Status == OutboxStatus.Held, ct);
        DeadLettered = await db.OutboxMessages.CountAsync(m => m.Status == OutboxStatus.DeadLettered, ct);

        var page = await notifications.ListAsync(OutboxStatus.DeadLettered, null, Cursor, 20, Actor, ct);
        if (page.IsSuccess)
        {
            DeadLetters = page.Value.Items;
            NextCursor = page.Value.NextCursor;
        }
        else
        {
            AddErrors(page.Error);
        }

        return null;
    }

    private static Endpoint Describe(NotificationsOptions.ChatEndpoint endpoint, NotificationChannel channel) =>
        new(endpoint.Name, channel, Masked(endpoint.Url), [.. endpoint.Events], endpoint.CriticalOnly);

    private StatusCodeResult Refused(ElevateError error) =>
        StatusCode(error.Kind == ErrorKind.NotFound ? StatusCodes.Status404NotFound : StatusCodes.Status403Forbidden);
}
