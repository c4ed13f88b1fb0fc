using Elevate.Server.Tests.Approvals;
using Elevate.Server.Tests.Infrastructure;

namespace Elevate.Server.Tests.Notifications;

/// <summary>Each user's own choice: every message, critical ones only, or the rest in a daily digest.</summary>
public abstract class PreferenceTests(DatabaseKind kind) : NotificationTest(kind)
{
    private const string Preferences = "/api/v1/me/notification-preferences";

    [Fact]
    public async Task Critical_only_drops_the_eligibility_mail_but_not_the_denial()
    {
        (await Alice.Client.PutAsync(Preferences, new { mode = "criticalOnly" })).ShouldBe(200);
        Assert.Equal("criticalOnly", (await Alice.Client.GetAsync(Preferences)).ShouldBe(200)["mode"].GetString());

        var (_, request) = await AlicePendingAsync(ApprovalScenario.Stage(Bob.Id));
        await Bob.Client.DenyAsync(request, "Not now");

        await MailToAsync("alice@example.com", "Elevate: denied: db-admin on /");
        Assert.DoesNotContain(MailsTo("alice@example.com"), m => m.Subject.Contains(" is eligible for ", StringComparison.Ordinal));
        Assert.DoesNotContain(await OutboxAsync(), m => m.GetProperty("destination").GetString() == "alice@example.com"
            && m.GetProperty("event").GetString() == "eligible-assigned" && m.GetProperty("status").GetString() is "pending" or "sent" or "held");
    }

    [Fact]
    public async Task A_daily_digest_holds_the_non_critical_messages_until_its_time()
    {
        (await Alice.Client.PutAsync(Preferences, new { mode = "dailyDigest", digestTime = "PT18H" })).ShouldBe(200);
        var role = await Admin.CreateRoleAsync("db-admin");
        await Admin.MakeEligibleAsync(Alice.Id, role);

        var held = Assert.Single(await OutboxAsync(), m => m.GetProperty("destination").GetString() == "alice@example.com");
        Assert.Equal("eligible-assigned", held.GetProperty("event").GetString());
        Assert.Equal("held", held.GetProperty("status").GetString());
        Assert.Equal(new DateTimeOffset(2026, 11, 27, 18, 0, 0, TimeSpan.Zero), held.GetProperty("nextAttemptAt").GetDateTimeOffset());

        await App.AdvanceAsync(TimeSpan.FromHours(8));
        await Task.Delay(TimeSpan.FromSeconds(1));
        Assert.Empty(MailsTo("alice@example.com"));

        await App.AdvanceAsync(TimeSpan.FromHours(1) + TimeSpan.FromMinutes(1));
        var digest = await MailToAsync("alice@example.com", "Elevate: your daily digest");
        Assert.Equal("Elevate: your daily digest (1 message)", digest.Subject);
        Assert.Contains("You are eligible for db-admin on /", digest.TextBody);
        await Task.Delay(TimeSpan.FromSeconds(1));
        Assert.Single(MailsTo("alice@example.com"));
        var after = (await Admin.GetAsync($"/api/v1/notifications/outbox/{held.GetProperty("id").GetGuid()}")).ShouldBe(200)["message"];
        Assert.Equal("digested", after.GetProperty("status").GetString());
    }

    [Theory]
    [InlineData("no mode", "mode")]
    [InlineData("a time past midnight", "digestTime")]
    public async Task A_bad_preference_is_refused_and_changes_nothing(string fault, string field)
    {
        (await Alice.Client.PutAsync(Preferences, new { mode = "criticalOnly", digestTime = "PT7H30M" })).ShouldBe(200);
        var before = (await Alice.Client.GetAsync(Preferences)).ShouldBe(200).Body.ToString();

        var refused = fault == "no mode"
            ? await Alice.Client.PutAsync(Preferences, new { digestTime = "PT8H" })
            : await Alice.Client.PutAsync(Preferences, new { mode = "dailyDigest", digestTime = "PT25H" });

        refused.ShouldBe(400);
        Assert.Equal(field, refused.Field);
        Assert.Equal(before, (await Alice.Client.GetAsync(Preferences)).ShouldBe(200).Body.ToString());
    }
}

public sealed class PreferenceTestsOnSqlite() : PreferenceTests(DatabaseKind.Sqlite);

public sealed class PreferenceTestsOnPostgres() : PreferenceTests(DatabaseKind.Postgres);
