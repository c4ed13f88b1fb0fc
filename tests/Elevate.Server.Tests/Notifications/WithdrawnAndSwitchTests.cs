using Elevate.Server.Tests.Approvals;
using Elevate.Server.Tests.Infrastructure;

namespace Elevate.Server.Tests.Notifications;

/// <summary>
/// A waiting request withdrawn by someone else is told to its requester (but not one she canceled herself), and a
/// user who gives up the digest gets what it held as her new choice says.
/// </summary>
public abstract class WithdrawnAndSwitchTests(DatabaseKind kind) : NotificationTest(kind)
{
    private const string Preferences = "/api/v1/me/notification-preferences";

    [Fact]
    public async Task An_administrator_canceling_a_waiting_request_tells_the_requester_and_the_approvers()
    {
        var (_, request) = await AlicePendingAsync(ApprovalScenario.Stage(Bob.Id));
        await MailToAsync("bob@example.com", "Elevate: alice requests db-admin");

        (await Admin.PostAsync($"/api/v1/requests/{request}/cancel")).ShouldBe(200);

        var withdrawn = await MailToAsync("alice@example.com", "Elevate: withdrawn: your request for db-admin on /");
        Assert.Contains("Nothing was granted", withdrawn.TextBody);
        var notNeeded = await MailToAsync("bob@example.com", "Elevate: no longer needed: alice's request for db-admin on /");
        Assert.DoesNotContain("Decided by", notNeeded.TextBody);
    }

    [Fact]
    public async Task A_requester_canceling_her_own_request_is_not_mailed_about_it()
    {
        var (_, request) = await AlicePendingAsync(ApprovalScenario.Stage(Bob.Id));
        await MailToAsync("alice@example.com", "Elevate: alice requests db-admin");

        (await Alice.Client.PostAsync($"/api/v1/requests/{request}/cancel")).ShouldBe(200);

        await MailToAsync("bob@example.com", "Elevate: no longer needed: alice's request");
        Assert.DoesNotContain(await OutboxAsync(request), m => m.GetProperty("event").GetString() == "withdrawn");
    }

    [Theory]
    [InlineData("all", "sent")]
    [InlineData("criticalOnly", "withheld")]
    public async Task Leaving_the_digest_sends_or_drops_what_it_held(string mode, string status)
    {
        (await Alice.Client.PutAsync(Preferences, new { mode = "dailyDigest", digestTime = "PT18H" })).ShouldBe(200);
        var role = await Admin.CreateRoleAsync("db-admin");
        await Admin.MakeEligibleAsync(Alice.Id, role);
        var held = Assert.Single(await OutboxAsync(), m => m.GetProperty("destination").GetString() == "alice@example.com");
        Assert.Equal("held", held.GetProperty("status").GetString());

        (await Alice.Client.PutAsync(Preferences, new { mode })).ShouldBe(200);

        var id = held.GetProperty("id").GetGuid();
        if (mode == "all")
        {
            await MailToAsync("alice@example.com", "Elevate: alice is eligible for db-admin on /");
        }

        var deadline = DateTime.UtcNow.AddSeconds(20);
        string? now;
        while ((now = (await Admin.GetAsync($"/api/v1/notifications/outbox/{id}")).ShouldBe(200)["message"].GetProperty("status").GetString()) != status && DateTime.UtcNow < deadline)
        {
            await Task.Delay(100);
        }

        Assert.Equal(status, now);
        if (mode == "criticalOnly")
        {
            await App.AdvanceAsync(TimeSpan.FromDays(1));
            await Task.Delay(TimeSpan.FromSeconds(1));
            Assert.DoesNotContain(MailsTo("alice@example.com"), m => m.Subject.Contains("eligible", StringComparison.Ordinal) || m.Subject.Contains("digest", StringComparison.Ordinal));
        }
    }
}

public sealed class WithdrawnAndSwitchTestsOnSqlite() : WithdrawnAndSwitchTests(DatabaseKind.Sqlite);

public sealed class WithdrawnAndSwitchTestsOnPostgres() : WithdrawnAndSwitchTests(DatabaseKind.Postgres);
