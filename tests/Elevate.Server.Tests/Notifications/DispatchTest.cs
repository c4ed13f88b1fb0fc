using System.Globalization;
using System.Text.Json;
using Elevate.Server.Tests.Approvals;
using Elevate.Server.Tests.Infrastructure;
using Elevate.Server.Tests.Notifications.Support;

namespace Elevate.Server.Tests.Notifications;

/// <summary>
/// A notification suite that also runs a <see cref="WebhookReceiver"/> for HTTP channels, with short ways to read the
/// outbox and to wait (in real time) for the dispatcher.
/// </summary>
public abstract class DispatchTest(DatabaseKind kind) : NotificationTest(kind)
{
    public const string OutboxPath = "/api/v1/notifications/outbox";

    protected const string Secret = "whsec-0123456789abcdef0123456789abcdef";

    protected WebhookReceiver Hooks { get; private set; } = null!;

    protected override void Configure(Dictionary<string, string?> settings)
    {
        base.Configure(settings);
        Hooks = WebhookReceiver.StartAsync().GetAwaiter().GetResult();
        ConfigureChannels(settings);
    }

    /// <summary>The webhook, Slack and Teams endpoints (and dispatcher settings) a suite adds.</summary>
    protected virtual void ConfigureChannels(Dictionary<string, string?> settings)
    {
    }

    protected void Webhook(Dictionary<string, string?> settings, int index, string name, string path, params string[] events)
    {
        var at = $"Elevate:Notifications:Webhooks:{index}";
        settings[$"{at}:Name"] = name;
        settings[$"{at}:Url"] = Hooks.Url(path);
        settings[$"{at}:Secret"] = Secret;
        for (var i = 0; i < events.Length; i++)
        {
            settings[$"{at}:Events:{i}"] = events[i];
        }
    }

    protected void Chat(Dictionary<string, string?> settings, string kind, string name, string path)
    {
        settings[$"Elevate:Notifications:{kind}:0:Name"] = name;
        settings[$"Elevate:Notifications:{kind}:0:Url"] = Hooks.Url(path);
    }

    /// <summary>Every outbox message matching <paramref name="query"/> (e.g. "status=pending"), newest first, all pages.</summary>
    protected async Task<IReadOnlyList<JsonElement>> OutboxMessagesAsync(string query = "")
    {
        var all = new List<JsonElement>();
        string? cursor = null;
        do
        {
            var page = (await Admin.GetAsync($"{OutboxPath}?limit=100{(query.Length > 0 ? "&" + query : "")}{(cursor is null ? "" : "&cursor=" + Uri.EscapeDataString(cursor))}")).ShouldBe(200);
            all.AddRange(page["items"].EnumerateArray().Select(e => e.Clone()));
            cursor = page["nextCursor"].ValueKind == JsonValueKind.String ? page["nextCursor"].GetString() : null;
        }
        while (cursor is not null);
        return all;
    }

    /// <summary>One message and its attempts, as GET outbox/{id} answers.</summary>
    protected async Task<(JsonElement Message, IReadOnlyList<JsonElement> Attempts)> MessageAsync(Guid id)
    {
        var found = (await Admin.GetAsync($"{OutboxPath}/{id}")).ShouldBe(200);
        return (found["message"].Clone(), [.. found["attempts"].EnumerateArray().Select(a => a.Clone())]);
    }

    /// <summary>Polls (in real time, up to 20 s) until <paramref name="probe"/> answers something other than null.</summary>
    protected static async Task<T> EventuallyAsync<T>(Func<Task<T?>> probe, string what)
        where T : class
    {
        var deadline = DateTime.UtcNow + MailWait;
        while (true)
        {
            if (await probe() is { } found)
            {
                return found;
            }

            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"Timed out waiting for {what}.");
            }

            await Task.Delay(100);
        }
    }

    /// <summary>Waits until every outbox message satisfying <paramref name="which"/> satisfies <paramref name="done"/> (and at least one exists).</summary>
    protected Task<IReadOnlyList<JsonElement>> OutboxSettledAsync(Func<JsonElement, bool> which, Func<JsonElement, bool> done, string what) =>
        EventuallyAsync<IReadOnlyList<JsonElement>>(async () =>
        {
            var messages = (await OutboxMessagesAsync()).Where(which).ToList();
            return messages.Count > 0 && messages.All(done) ? messages : null;
        }, what);

    protected static string Str(JsonElement e, string property) => e.GetProperty(property).GetString() ?? "";

    protected static Guid IdOf(JsonElement e) => e.GetProperty("id").GetGuid();

    protected static bool IsEmail(JsonElement m) => Str(m, "channel") == "email";

    /// <summary>The outbox id a received mail carries as its Message-ID ("{id:N}@elevate").</summary>
    protected static Guid OutboxIdOf(ReceivedMail mail) =>
        Guid.ParseExact((mail.MessageId ?? "").Trim('<', '>').Split('@')[0], "N");

    /// <summary>Alice's pending activation of a new role named <paramref name="name"/> that waits for bob.</summary>
    protected async Task<Guid> AlicePendingForBobAsync(string name, ApiClient? alice = null)
    {
        var role = await Admin.RoleNeedingApprovalAsync(Alice.Id, name, null, false, ApprovalScenario.Stage(Bob.Id));
        return await (alice ?? Alice.Client).ActivatePendingAsync(role);
    }

    protected static string Seconds(int s) => s.ToString(CultureInfo.InvariantCulture);

    public override async Task DisposeAsync()
    {
        await base.DisposeAsync();
        await Hooks.DisposeAsync();
    }
}
