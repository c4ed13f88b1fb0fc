using Elevate.Server.Tests.Approvals;
using Elevate.Server.Tests.Infrastructure;
using Elevate.Server.Tests.Notifications;
using static Elevate.Server.Tests.Alerts.AlertScenario;

namespace Elevate.Server.Tests.Alerts;

/// <summary>Raised alerts are e-mailed to administrators; approvers are told of open alerts about the requester.</summary>
public abstract class AlertNotificationTests(DatabaseKind kind) : NotificationTest(kind)
{
    [Fact]
    public async Task A_raised_alert_is_mailed_to_the_administrators()
    {
        var me = await Admin.MyIdAsync();
        (await Admin.PatchAsync($"/api/v1/principals/{me}", new { email = "admin@example.com" })).ShouldBe(200);
        await Admin.CreateRoleAsync("db-admin");

        await Admin.RaisedAsync("rolesWithoutMfa");

        var mail = await MailToAsync("admin@example.com", "Elevate: security alert (medium): Privileged roles that activate without MFA");
        Assert.Contains("1 item found", mail.TextBody ?? "", StringComparison.Ordinal);
        Assert.Contains(await OutboxAsync(), m => m.GetProperty("event").GetString() == "alert-raised" && m.GetProperty("destination").GetString() == "admin@example.com");
        Assert.Empty(MailsTo("alice@example.com"));
    }

    [Fact]
    public async Task An_approvers_mail_lists_the_open_alerts_about_the_requester()
    {
        var ops = await Admin.CreateRoleAsync("db-ops");
        (await Admin.AssignAsync("active", Alice.Id, ops, "/", Scenario.Until(Now.AddDays(7)))).ShouldBe(201);
        var standing = await Admin.RaisedAsync("standingAdministratorAssignments");
        Assert.Equal(Alice.Id, PrincipalOf(Assert.Single(ItemsOf(standing))));

        await AlicePendingAsync(ApprovalScenario.Stage(Bob.Id));

        var mail = await MailToAsync("bob@example.com", "Elevate: alice requests db-admin");
        Assert.Contains("Open security alerts about alice:", mail.TextBody ?? "", StringComparison.Ordinal);
        Assert.Contains("- Standing active assignments of privileged roles (high)", mail.TextBody ?? "", StringComparison.Ordinal);

        // The role alert names no person: it is not about alice.
        Assert.DoesNotContain("Privileged roles that activate without MFA", mail.TextBody ?? "", StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_dismissed_alert_about_the_requester_is_not_listed_to_approvers()
    {
        var ops = await Admin.CreateRoleAsync("db-ops");
        (await Admin.AssignAsync("active", Alice.Id, ops, "/", Scenario.Until(Now.AddDays(7)))).ShouldBe(201);
        var standing = await Admin.RaisedAsync("standingAdministratorAssignments");
        (await Admin.DismissAsync(IdOf(standing), "Alice runs the migration this week")).ShouldBe(200);

        await AlicePendingAsync(ApprovalScenario.Stage(Bob.Id));

        var mail = await MailToAsync("bob@example.com", "Elevate: alice requests db-admin");
        Assert.DoesNotContain("Open security alerts about", mail.TextBody ?? "", StringComparison.Ordinal);
    }
}

public sealed class AlertNotificationTestsOnSqlite() : AlertNotificationTests(DatabaseKind.Sqlite);

public sealed class AlertNotificationTestsOnPostgres() : AlertNotificationTests(DatabaseKind.Postgres);
