using Elevate.Server.Tests.Approvals;
using Elevate.Server.Tests.Infrastructure;

namespace Elevate.Server.Tests.Notifications;

/// <summary>The per-role matrix: each audience's level, its default recipients switched off, and extra recipients.</summary>
public abstract class MatrixTests(DatabaseKind kind) : NotificationTest(kind)
{
    [Fact]
    public async Task Approvers_at_level_none_get_no_approval_mail()
    {
        var role = await Admin.CreateRoleAsync("db-admin");
        (await Admin.PutAsync($"/api/v1/roles/{role}/settings", new
        {
            activation = new { approval = new { required = true, stages = new[] { ApprovalScenario.Stage(Bob.Id) } } },
            notifications = new { activated = new { approvers = new { level = "none" } } },
        })).ShouldBe(200);
        await Admin.MakeEligibleAsync(Alice.Id, role);
        var request = await Alice.Client.ActivatePendingAsync(role);

        await MailToAsync("alice@example.com", "Elevate: alice requests ");
        var outbox = await OutboxAsync(request);
        Assert.Contains(outbox, m => m.GetProperty("destination").GetString() == "alice@example.com");
        Assert.False(AnyTo(outbox, "bob@example.com"));
        Assert.Empty(MailsTo("bob@example.com"));
        Assert.Contains(request, await Bob.Client.AwaitingMeAsync());
    }

    [Fact]
    public async Task Additional_recipients_instead_of_the_assignee_hear_of_a_new_eligibility()
    {
        var role = await Admin.CreateRoleAsync("db-admin");
        (await Admin.PutAsync($"/api/v1/roles/{role}/settings", new
        {
            notifications = new { eligibleAssigned = new { assignee = new { defaultRecipients = false, additionalRecipients = new[] { "security@example.com" } } } },
        })).ShouldBe(200);

        await Admin.MakeEligibleAsync(Alice.Id, role);

        var mail = await MailToAsync("security@example.com", " is eligible for ");
        Assert.Equal("Elevate: alice is eligible for db-admin on /", mail.Subject);
        var outbox = await OutboxAsync();
        Assert.True(AnyTo(outbox, "security@example.com", "eligible-assigned"));
        Assert.False(AnyTo(outbox, "alice@example.com", "eligible-assigned"));
        Assert.Empty(MailsTo("alice@example.com"));
    }

    [Fact]
    public async Task An_invalid_additional_recipient_is_refused_naming_it_and_the_settings_stay()
    {
        var role = await Admin.CreateRoleAsync("db-admin");
        var before = (await Admin.GetAsync($"/api/v1/roles/{role}/settings")).ShouldBe(200).Body.ToString();

        var refused = (await Admin.PutAsync($"/api/v1/roles/{role}/settings", new
        {
            notifications = new { eligibleAssigned = new { assignee = new { defaultRecipients = false, additionalRecipients = new[] { "not an address" } } } },
        })).ShouldBe(400);

        Assert.Equal("notifications.eligibleAssigned.assignee.additionalRecipients[0]", refused.Field);
        Assert.Equal(before, (await Admin.GetAsync($"/api/v1/roles/{role}/settings")).ShouldBe(200).Body.ToString());
    }
}

public sealed class MatrixTestsOnSqlite() : MatrixTests(DatabaseKind.Sqlite);

public sealed class MatrixTestsOnPostgres() : MatrixTests(DatabaseKind.Postgres);
