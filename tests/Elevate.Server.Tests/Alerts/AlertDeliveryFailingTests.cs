using System.Text.Json;
using Elevate.Server.Tests.Infrastructure;
using Elevate.Server.Tests.Notifications;
using static Elevate.Server.Tests.Alerts.AlertScenario;

namespace Elevate.Server.Tests.Alerts;

/// <summary>Dead-lettered messages raise the delivery alert; sending them again resolves it.</summary>
public abstract class AlertDeliveryFailingTests(DatabaseKind kind) : DispatchTest(kind)
{
    protected override void ConfigureChannels(Dictionary<string, string?> settings) =>
        settings["Elevate:Notifications:Dispatcher:MaxAttempts"] = "1";

    [Fact]
    public async Task Dead_letters_raise_the_alert_and_it_resolves_once_they_are_sent_again()
    {
        await Admin.NotRaisedAsync("notificationDeliveryFailing");
        await Smtp.StopAsync();
        await AlicePendingForBobAsync("db-admin");
        bool IsBobs(JsonElement m) => IsEmail(m) && Str(m, "destination") == "bob@example.com" && Str(m, "event") == "approval-requested";
        await OutboxSettledAsync(IsBobs, m => Str(m, "status") == "deadLettered", "bob's mail to be dead-lettered");
        await OutboxSettledAsync(IsEmail, m => Str(m, "status") is "deadLettered" or "sent", "every mail to be settled");
        var dead = await OutboxMessagesAsync("status=deadLettered");
        Assert.NotEmpty(dead);

        var alert = await Admin.RaisedAsync("notificationDeliveryFailing");
        Assert.Equal("medium", alert.GetProperty("severity").GetString());
        Assert.Equal(dead.Count, alert.GetProperty("itemCount").GetInt32());
        Assert.Equal(dead.Select(m => $"message:{IdOf(m):N}").ToHashSet(), KeysOf(alert).ToHashSet());

        await Smtp.StartAsync();
        foreach (var message in dead)
        {
            (await Admin.PostAsync($"{OutboxPath}/{IdOf(message)}/retry")).ShouldBe(200);
        }

        var ids = dead.Select(IdOf).ToHashSet();
        await OutboxSettledAsync(m => ids.Contains(IdOf(m)), m => Str(m, "status") == "sent", "the retried mails to be sent");
        await Admin.EvaluateAsync();
        Assert.Equal("resolved", StatusOf(await Admin.AlertAsync(IdOf(alert))));
    }
}

public sealed class AlertDeliveryFailingTestsOnSqlite() : AlertDeliveryFailingTests(DatabaseKind.Sqlite);

public sealed class AlertDeliveryFailingTestsOnPostgres() : AlertDeliveryFailingTests(DatabaseKind.Postgres);
