using System.Text.Json;
using Elevate.Server.Tests.Approvals;
using Elevate.Server.Tests.Infrastructure;

namespace Elevate.Server.Tests.Notifications;

/// <summary>A mail relay that is down never fails an activation; what was queued meanwhile arrives once it is back, exactly once.</summary>
public abstract class OutageTests(DatabaseKind kind) : DispatchTest(kind)
{
    [Fact]
    public async Task Mail_queued_while_the_relay_is_down_arrives_exactly_once_after_it_returns()
    {
        await Smtp.StopAsync();
        var requests = new List<Guid>();
        for (var i = 0; i < 3; i++)
        {
            // ActivatePendingAsync insists on 201 pendingApproval: the outage does not fail the activation.
            requests.Add(await AlicePendingForBobAsync($"db-admin-{i}"));
        }

        var failing = await OutboxSettledAsync(IsEmail, m => m.GetProperty("attempts").GetInt32() >= 1, "a first (failed) attempt at every e-mail");
        Assert.All(failing, m =>
        {
            Assert.Equal("pending", Str(m, "status"));
            Assert.Equal(JsonValueKind.String, m.GetProperty("lastError").ValueKind);
            Assert.Equal(JsonValueKind.String, m.GetProperty("nextAttemptAt").ValueKind);
        });
        var bobs = requests.Select(r => failing.Single(m => Str(m, "destination") == "bob@example.com" && Str(m, "event") == "approval-requested"
            && m.GetProperty("requestId").GetGuid() == r)).ToList();
        Assert.Empty(Smtp.Received);

        await Smtp.StartAsync();
        App.Time.Advance(TimeSpan.FromMinutes(2));

        var sent = await OutboxSettledAsync(IsEmail, m => Str(m, "status") == "sent", "every e-mail sent");
        await Smtp.WaitForCountAsync(sent.Count, MailWait);

        // Nothing more arrives later: another round past every backoff sends no second copy.
        App.Time.Advance(TimeSpan.FromMinutes(10));
        await Task.Delay(TimeSpan.FromSeconds(1));
        var received = Smtp.Received;
        Assert.Equal(sent.Count, received.Count);
        Assert.Equal(received.Count, received.Select(m => m.MessageId).Distinct().Count());
        Assert.Equal(sent.Select(IdOf).Order(), received.Select(OutboxIdOf).Order());
        Assert.All(received.GroupBy(m => (string.Join(",", m.Recipients), m.Subject)), g => Assert.Single(g));
        for (var i = 0; i < 3; i++)
        {
            Assert.Single(received, m => m.Recipients.Contains("bob@example.com") && m.Subject == $"Elevate: alice requests db-admin-{i} on / for 2h");
        }

        foreach (var bob in bobs)
        {
            var (message, attempts) = await MessageAsync(IdOf(bob));
            Assert.Equal("sent", Str(message, "status"));
            Assert.Equal(JsonValueKind.Null, message.GetProperty("lastError").ValueKind);
            Assert.Equal(attempts.Count, message.GetProperty("attempts").GetInt32());
            Assert.True(attempts.Count >= 2, $"expected a failed attempt then a successful one, got {attempts.Count}");
            Assert.Equal(Enumerable.Range(1, attempts.Count), attempts.Select(a => a.GetProperty("number").GetInt32()));
            Assert.All(attempts.SkipLast(1), a =>
            {
                Assert.False(a.GetProperty("succeeded").GetBoolean());
                Assert.False(string.IsNullOrEmpty(a.GetProperty("error").GetString()));
            });
            Assert.True(attempts[^1].GetProperty("succeeded").GetBoolean());
        }
    }
}

public sealed class OutageTestsOnSqlite() : OutageTests(DatabaseKind.Sqlite);

public sealed class OutageTestsOnPostgres() : OutageTests(DatabaseKind.Postgres);
