using System.Collections.Concurrent;
using System.Text.Json;
using Elevate.Server.Tests.Approvals;
using Elevate.Server.Tests.Infrastructure;
using Elevate.Server.Tests.Notifications.Support;

namespace Elevate.Server.Tests.Notifications;

/// <summary>Signed JSON webhooks: verifiable, idempotent across retries, filtered by event; and an administrator's test message.</summary>
public abstract class WebhookTests(DatabaseKind kind) : DispatchTest(kind)
{
    private const string Test = "/api/v1/notifications/test";

    protected override void ConfigureChannels(Dictionary<string, string?> settings)
    {
        Webhook(settings, 0, "ops", "/hooks/ops");
        Webhook(settings, 1, "denials", "/hooks/denied", "denied");
    }

    private Task<ReceivedRequest> HookAsync(string path, string type, Func<ReceivedRequest, bool>? and = null) =>
        Hooks.WaitForAsync(r => r.Path == path && r.Header("Elevate-Event") == type && (and is null || and(r)), MailWait);

    [Fact]
    public async Task An_approval_request_is_posted_signed_with_the_secret_and_its_delivery_id()
    {
        var request = await AlicePendingForBobAsync("db-admin");

        var hook = await HookAsync("/hooks/ops", "approval-requested");
        var signature = hook.Header(WebhookSignature.HeaderName);
        Assert.True(WebhookSignature.Verify(signature, hook.Body, Secret, App.Time.GetUtcNow(), TimeSpan.FromMinutes(5), out var why), why);
        Assert.False(WebhookSignature.Verify(signature, hook.Body, "whsec-not-the-secret-0123456789abcdef", App.Time.GetUtcNow(), TimeSpan.FromMinutes(5), out _));
        Assert.False(WebhookSignature.Verify(signature, hook.Body + " ", Secret, App.Time.GetUtcNow(), TimeSpan.FromMinutes(5), out _));

        using var body = JsonDocument.Parse(hook.Body);
        var root = body.RootElement;
        Assert.Equal("approval-requested", root.GetProperty("type").GetString());
        Assert.Equal(Guid.Parse(hook.Header("Elevate-Delivery")!), root.GetProperty("id").GetGuid());
        Assert.Equal(hook.Header("Elevate-Delivery"), hook.Header("Idempotency-Key"));
        Assert.True(root.GetProperty("critical").GetBoolean());
        Assert.EndsWith($"/approvals/{request}", root.GetProperty("url").GetString());
        Assert.Equal(request, root.GetProperty("data").GetProperty("requestId").GetGuid());
        Assert.DoesNotContain("verdict=", hook.Body, StringComparison.Ordinal);

        var message = (await OutboxMessagesAsync($"requestId={request}")).Single(m => Str(m, "channel") == "webhook" && Str(m, "destination") == "ops");
        Assert.Equal(root.GetProperty("id").GetGuid(), IdOf(message));
        Assert.Single(Hooks.Received, r => r.Path == "/hooks/ops" && r.Header("Elevate-Event") == "approval-requested");
    }

    [Fact]
    public async Task A_refused_delivery_is_retried_after_the_backoff_with_the_same_delivery_id()
    {
        var tries = new ConcurrentDictionary<string, int>();
        Hooks.StatusFor = r => tries.AddOrUpdate(r.Header("Elevate-Delivery") ?? "", 1, (_, n) => n + 1) == 1 ? 500 : 200;
        var request = await AlicePendingForBobAsync("db-admin");

        var refused = await HookAsync("/hooks/ops", "approval-requested");
        Assert.Equal(500, refused.StatusCode);
        var delivery = refused.Header("Elevate-Delivery")!;
        var id = Guid.Parse(delivery);
        var pending = await OutboxSettledAsync(m => IdOf(m) == id, m => m.GetProperty("attempts").GetInt32() == 1, "the first attempt to be recorded");
        Assert.Equal("pending", Str(pending.Single(), "status"));
        Assert.Contains("500", Str(pending.Single(), "lastError"), StringComparison.Ordinal);

        App.Time.Advance(TimeSpan.FromSeconds(20));
        var accepted = await HookAsync("/hooks/ops", "approval-requested", r => r.StatusCode == 200);
        Assert.Equal(delivery, accepted.Header("Elevate-Delivery"));
        Assert.Equal(delivery, accepted.Header("Idempotency-Key"));
        using (var body = JsonDocument.Parse(accepted.Body))
        {
            Assert.Equal(id, body.RootElement.GetProperty("id").GetGuid());
            Assert.Equal(request, body.RootElement.GetProperty("data").GetProperty("requestId").GetGuid());
        }

        Assert.True(WebhookSignature.Verify(accepted.Header(WebhookSignature.HeaderName), accepted.Body, Secret, App.Time.GetUtcNow(), TimeSpan.FromMinutes(5), out var why), why);
        await OutboxSettledAsync(m => IdOf(m) == id, m => Str(m, "status") == "sent", "the retried webhook to be sent");
        var (_, attempts) = await MessageAsync(id);
        Assert.Equal([false, true], attempts.Select(a => a.GetProperty("succeeded").GetBoolean()));
        Assert.Equal(2, Hooks.Received.Count(r => r.Header("Elevate-Delivery") == delivery));
    }

    [Fact]
    public async Task An_endpoint_subscribed_to_denials_receives_only_denials()
    {
        var request = await AlicePendingForBobAsync("db-admin");
        await HookAsync("/hooks/ops", "approval-requested");
        (await Bob.Client.DenyAsync(request)).ShouldBe(200);

        var denied = await HookAsync("/hooks/denied", "denied");
        await HookAsync("/hooks/ops", "denied");
        using (var body = JsonDocument.Parse(denied.Body))
        {
            Assert.Equal("denied", body.RootElement.GetProperty("type").GetString());
            Assert.Equal(request, body.RootElement.GetProperty("data").GetProperty("requestId").GetGuid());
        }

        Assert.True(WebhookSignature.Verify(denied.Header(WebhookSignature.HeaderName), denied.Body, Secret, App.Time.GetUtcNow(), TimeSpan.FromMinutes(5), out var why), why);
        var toDenials = Hooks.Received.Where(r => r.Path == "/hooks/denied").ToList();
        Assert.All(toDenials, r => Assert.Equal("denied", r.Header("Elevate-Event")));
        Assert.Single(toDenials);
        Assert.Contains(Hooks.Received, r => r.Path == "/hooks/ops" && r.Header("Elevate-Event") != "denied");
    }

    [Fact]
    public async Task An_administrator_sends_a_test_event_to_a_named_endpoint_and_nobody_else_may()
    {
        var queued = (await Admin.PostAsync(Test, new { channel = "ops" })).ShouldBe(200);
        Assert.Equal("test", queued["event"].GetString());
        Assert.Equal("ops", queued["destination"].GetString());

        var hook = await HookAsync("/hooks/ops", "test");
        using (var body = JsonDocument.Parse(hook.Body))
        {
            Assert.Equal("test", body.RootElement.GetProperty("type").GetString());
            Assert.Equal(queued.Id, body.RootElement.GetProperty("id").GetGuid());
        }

        Assert.True(WebhookSignature.Verify(hook.Header(WebhookSignature.HeaderName), hook.Body, Secret, App.Time.GetUtcNow(), TimeSpan.FromMinutes(5), out var why), why);

        var nope = (await Admin.PostAsync(Test, new { channel = "nope" })).ShouldFail(422, "channel_not_configured");
        Assert.Equal("channel", nope.Field);
        (await Alice.Client.PostAsync(Test, new { channel = "ops" })).ShouldFail(403, "forbidden");
        (await Alice.Client.PostAsync(Test, new { channel = "email" })).ShouldFail(403, "forbidden");
        await Task.Delay(TimeSpan.FromMilliseconds(500));
        Assert.Single(Hooks.Received, r => r.Header("Elevate-Event") == "test");
    }
}

public sealed class WebhookTestsOnSqlite() : WebhookTests(DatabaseKind.Sqlite);

public sealed class WebhookTestsOnPostgres() : WebhookTests(DatabaseKind.Postgres);
