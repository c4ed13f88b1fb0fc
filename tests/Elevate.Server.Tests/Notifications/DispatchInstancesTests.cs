using System.Text.Json;
using Elevate.Server.Tests.Approvals;
using Elevate.Server.Tests.Infrastructure;

namespace Elevate.Server.Tests.Notifications;

/// <summary>Several Elevate instances dispatch the same outbox; claims keep every message to one sender.</summary>
public abstract class DispatchInstancesTests(DatabaseKind kind) : DispatchTest(kind)
{
    [Fact]
    public async Task Two_instances_dispatching_together_send_each_mail_exactly_once()
    {
        await using var second = new ElevateApp(App.Database, App.Time, runScheduler: false);
        foreach (var (key, value) in App.Settings)
        {
            second.Settings[key] = value;
        }

        _ = second.Services;
        var aliceOnSecond = second.Client(Alice.Client.Token!);
        var adminOnSecond = second.Client(Admin.Token!);

        var requests = new List<Guid>();
        for (var i = 0; i < 20; i++)
        {
            var admin = i % 2 == 0 ? Admin : adminOnSecond;
            var role = await admin.RoleNeedingApprovalAsync(Alice.Id, $"db-admin-{i}", null, false, ApprovalScenario.Stage(Bob.Id));
            requests.Add(await (i % 2 == 0 ? Alice.Client : aliceOnSecond).ActivatePendingAsync(role));
        }

        bool IsBobs(JsonElement m) => IsEmail(m) && Str(m, "destination") == "bob@example.com";
        var sent = await OutboxSettledAsync(IsEmail, m => Str(m, "status") == "sent", "every e-mail sent");
        Assert.Equal(20, sent.Count(IsBobs));
        await Smtp.WaitForCountAsync(sent.Count, MailWait);
        App.Time.Advance(TimeSpan.FromMinutes(5));
        await Task.Delay(TimeSpan.FromSeconds(1));

        var received = Smtp.Received;
        var toBob = received.Where(m => m.Recipients.Contains("bob@example.com")).ToList();
        Assert.Equal(20, toBob.Count);
        Assert.Equal(20, toBob.Select(m => m.MessageId).Distinct().Count());
        for (var i = 0; i < 20; i++)
        {
            Assert.Single(toBob, m => m.Subject == $"Elevate: alice requests db-admin-{i} on / for 2h");
        }

        Assert.Equal(sent.Count, received.Count);
        Assert.Equal(sent.Select(IdOf).Order(), received.Select(OutboxIdOf).Order());

        var instances = new HashSet<string>();
        foreach (var message in sent.Where(IsBobs))
        {
            var (_, attempts) = await MessageAsync(IdOf(message));
            var attempt = Assert.Single(attempts);
            Assert.True(attempt.GetProperty("succeeded").GetBoolean());
            instances.Add(attempt.GetProperty("instance").GetString()!);
        }

        Assert.Equal(2, instances.Count);
    }
}

public sealed class DispatchInstancesTestsOnSqlite() : DispatchInstancesTests(DatabaseKind.Sqlite);

public sealed class DispatchInstancesTestsOnPostgres() : DispatchInstancesTests(DatabaseKind.Postgres);
