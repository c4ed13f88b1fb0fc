using System.Globalization;
using Elevate.Server.Hosting;
using Elevate.Server.Tests.Infrastructure;
using Elevate.Server.Tests.Notifications.Support;

namespace Elevate.Server.Tests.Notifications;

/// <summary>
/// Assignments made while Elevate had nowhere to send messages still get their "ends soon" notices once a mail server
/// is configured: the notices are scheduled when Elevate starts.
/// </summary>
public abstract class NoticeBackfillTests(DatabaseKind kind) : AppTest(kind)
{
    protected override bool RunScheduler => false;

    [Fact]
    public async Task An_eligibility_made_before_mail_was_configured_is_noticed_after_a_restart_with_mail()
    {
        var alice = await UserAsync("alice");
        var role = await Admin.CreateRoleAsync("db-admin");
        await Admin.MakeEligibleAsync(alice.Id, role, "/", Scenario.Until(App.Time.GetUtcNow().AddDays(20)));

        await using var smtp = new LoopbackSmtpServer();
        await smtp.StartAsync();
        await using var withMail = new ElevateApp(App.Database, App.Time);
        withMail.Settings["Elevate:PublicUrl"] = NotificationTest.PublicUrl;
        withMail.Settings["Elevate:Notifications:Smtp:Host"] = smtp.Host;
        withMail.Settings["Elevate:Notifications:Smtp:Port"] = smtp.Port.ToString(CultureInfo.InvariantCulture);
        withMail.Settings["Elevate:Notifications:Smtp:Security"] = "None";
        withMail.Settings["Elevate:Notifications:Smtp:From"] = "elevate@example.com";
        await withMail.Anonymous().GetAsync("/healthz");

        var scheduled = await Admin.AuditTrailAsync("&action=notifications.notices_scheduled");
        Assert.Equal(1, Approvals.ApprovalScenario.Details(Assert.Single(scheduled)).GetProperty("count").GetInt32());

        await withMail.AdvanceAsync(TimeSpan.FromDays(6));
        var mail = await smtp.WaitForAsync(m => m.Recipients.Contains("alice@example.com"), TimeSpan.FromSeconds(20));
        Assert.Equal("Elevate: db-admin on / ends in 14d", mail.Subject);
    }

    [Fact]
    public void Notifications_without_a_public_address_are_refused_at_start()
    {
        var options = new ElevateOptions { Notifications = { Smtp = { Host = "mail.example.org", From = "elevate@example.org" } } };

        Assert.Contains(options.Problems(), p => p.Contains("Elevate:PublicUrl is required", StringComparison.Ordinal));
        Assert.DoesNotContain(new ElevateOptions().Problems(), p => p.Contains("PublicUrl", StringComparison.Ordinal));
    }
}

public sealed class NoticeBackfillTestsOnSqlite() : NoticeBackfillTests(DatabaseKind.Sqlite);

public sealed class NoticeBackfillTestsOnPostgres() : NoticeBackfillTests(DatabaseKind.Postgres);
