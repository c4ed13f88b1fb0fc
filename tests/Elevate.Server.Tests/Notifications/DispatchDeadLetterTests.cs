using System.Text.Json;
using Elevate.Server.Tests.Approvals;
using Elevate.Server.Tests.Infrastructure;

namespace Elevate.Server.Tests.Notifications;

/// <summary>A message that keeps failing is dead-lettered, audited and reported; an administrator sends it again.</summary>
public abstract class DispatchDeadLetterTests(DatabaseKind kind) : DispatchTest(kind)
{
    protected override void ConfigureChannels(Dictionary<string, string?> settings)
    {
        settings["Elevate:Notifications:Dispatcher:MaxAttempts"] = "2";
        Webhook(settings, 0, "ops", "/hooks/ops");
    }

    [Fact]
    public async Task A_message_failing_every_attempt_is_dead_lettered_audited_reported_and_can_be_sent_again_once()
    {
        await Smtp.StopAsync();
        var request = await AlicePendingForBobAsync("db-admin");
        bool IsBobs(JsonElement m) => IsEmail(m) && Str(m, "destination") == "bob@example.com" && Str(m, "event") == "approval-requested";

        var first = (await OutboxSettledAsync(IsBobs, m => m.GetProperty("attempts").GetInt32() == 1, "bob's mail to fail once")).Single();
        var id = IdOf(first);
        Assert.Equal("pending", Str(first, "status"));
        App.Time.Advance(TimeSpan.FromSeconds(20));

        var dead = (await OutboxSettledAsync(IsBobs, m => Str(m, "status") == "deadLettered", "bob's mail to be dead-lettered")).Single();
        Assert.Equal(2, dead.GetProperty("attempts").GetInt32());
        Assert.Equal(JsonValueKind.String, dead.GetProperty("lastError").ValueKind);
        Assert.Contains(await OutboxMessagesAsync("status=deadLettered"), m => IdOf(m) == id);

        var audited = await Admin.AuditTrailAsync("&action=notification.dead_lettered");
        Assert.Single(audited, e => ApprovalScenario.Details(e).GetProperty("messageId").GetGuid() == id);

        var report = await Hooks.WaitForAsync(r => r.Header("Elevate-Event") == "delivery-failed" && r.Body.Contains(id.ToString(), StringComparison.Ordinal), MailWait);
        using (var body = JsonDocument.Parse(report.Body))
        {
            Assert.Equal("delivery-failed", body.RootElement.GetProperty("type").GetString());
            Assert.Equal(request, body.RootElement.GetProperty("data").GetProperty("requestId").GetGuid());
        }

        await Smtp.StartAsync();
        var retried = (await Admin.PostAsync($"{OutboxPath}/{id}/retry")).ShouldBe(200);
        Assert.Equal("pending", retried["status"].GetString());
        Assert.Equal(0, retried["attempts"].GetInt32());

        var mail = await MailToAsync("bob@example.com", "Elevate: alice requests db-admin");
        Assert.Equal(id, OutboxIdOf(mail));
        await OutboxSettledAsync(m => IdOf(m) == id, m => Str(m, "status") == "sent", "the retried mail to be sent");
        App.Time.Advance(TimeSpan.FromMinutes(5));
        await Task.Delay(TimeSpan.FromSeconds(1));
        Assert.Single(Smtp.Received, m => m.MessageId == mail.MessageId);

        (await Admin.PostAsync($"{OutboxPath}/{id}/retry")).ShouldFail(409, "not_dead_lettered");
        Assert.Equal("sent", Str((await MessageAsync(id)).Message, "status"));
    }
}

public sealed class DispatchDeadLetterTestsOnSqlite() : DispatchDeadLetterTests(DatabaseKind.Sqlite);

public sealed class DispatchDeadLetterTestsOnPostgres() : DispatchDeadLetterTests(DatabaseKind.Postgres);
