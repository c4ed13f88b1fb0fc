using Elevate.Server.Tests.Approvals;
using Elevate.Server.Tests.Infrastructure;

namespace Elevate.Server.Tests.Notifications;

/// <summary>Messages the clock brings: "ends soon", "has ended", escalation, and removal.</summary>
public abstract class NoticeTests(DatabaseKind kind) : NotificationTest(kind)
{
    [Fact]
    public async Task An_eligibility_warns_14_days_and_1_day_before_it_ends()
    {
        var role = await Admin.CreateRoleAsync("db-admin");
        await Admin.MakeEligibleAsync(Alice.Id, role, "/", Scenario.For("P20D"));
        await MailToAsync("alice@example.com", " is eligible for ");

        await App.AdvanceAsync(TimeSpan.FromDays(6) - TimeSpan.FromMinutes(1));
        await Task.Delay(TimeSpan.FromSeconds(1));
        Assert.DoesNotContain(MailsTo("alice@example.com"), m => m.Subject.Contains(" ends in ", StringComparison.Ordinal));

        await App.AdvanceAsync(TimeSpan.FromMinutes(1));
        var fortnight = await MailToAsync("alice@example.com", "Elevate: db-admin on / ends in ");
        Assert.Equal("Elevate: db-admin on / ends in 14d", fortnight.Subject);

        await App.AdvanceAsync(TimeSpan.FromDays(13));
        var day = await MailToAsync("alice@example.com", "Elevate: db-admin on / ends in 1d");
        Assert.Equal("Elevate: db-admin on / ends in 1d", day.Subject);
    }

    [Fact]
    public async Task An_activation_warns_15_minutes_before_its_end_and_says_when_it_ended()
    {
        var role = await Admin.CreateRoleAsync("db-admin");
        await Admin.MakeEligibleAsync(Alice.Id, role);
        (await Alice.Client.ActivateAsync(role, "/", Scenario.For("PT2H"))).ShouldBe(201);

        await App.AdvanceAsync(TimeSpan.FromMinutes(104));
        await Task.Delay(TimeSpan.FromSeconds(1));
        Assert.DoesNotContain(MailsTo("alice@example.com"), m => m.Subject.Contains(" ends in ", StringComparison.Ordinal));

        await App.AdvanceAsync(TimeSpan.FromMinutes(1));
        var soon = await MailToAsync("alice@example.com", "Elevate: db-admin on / ends in ");
        Assert.Equal("Elevate: db-admin on / ends in 15m", soon.Subject);

        await App.AdvanceAsync(TimeSpan.FromMinutes(15));
        var ended = await MailToAsync("alice@example.com", "Elevate: db-admin on / has ended");
        Assert.Contains("Your db-admin on / has ended", ended.TextBody);
    }

    [Fact]
    public async Task An_escalation_mails_the_escalation_approvers_with_links_only_when_it_happens()
    {
        var (_, request) = await AlicePendingAsync(ApprovalScenario.Stage(Bob.Id) with { EscalateAfter = "PT1H", EscalationApprovers = [Dave.Id] });
        await MailToAsync("bob@example.com", "Elevate: alice requests ");
        Assert.False(AnyTo(await OutboxAsync(request), "dave@example.com"));
        Assert.Empty(MailsTo("dave@example.com"));

        await App.AdvanceAsync(TimeSpan.FromHours(1));

        var escalated = await MailToAsync("dave@example.com", "Elevate: escalated to you: ");
        Assert.Equal("Elevate: escalated to you: alice requests db-admin on /", escalated.Subject);
        Assert.StartsWith($"/approvals/{request}?verdict=approve&link=", LinkIn(escalated, "approve"));
    }

    [Fact]
    public async Task A_removed_eligibility_is_mailed_to_its_holder()
    {
        var role = await Admin.CreateRoleAsync("db-admin");
        var eligibility = await Admin.MakeEligibleAsync(Alice.Id, role);

        (await Admin.RemoveAsync(eligibility, "Left the database team")).ShouldBe(201);

        var removed = await MailToAsync("alice@example.com", "Elevate: db-admin on / removed from alice");
        Assert.Contains("Your db-admin on / was removed", removed.TextBody);
        Assert.Contains("removed it", removed.TextBody);
    }
}

public sealed class NoticeTestsOnSqlite() : NoticeTests(DatabaseKind.Sqlite);

public sealed class NoticeTestsOnPostgres() : NoticeTests(DatabaseKind.Postgres);
