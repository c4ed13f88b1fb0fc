using System.Net;
using Elevate.Core.Roles;
using Elevate.Server.Tests.Infrastructure;

namespace Elevate.Server.Tests.Notifications;

/// <summary>
/// The notification channels page: the configured mail server and endpoints without any secret (passwords, webhook
/// keys, the paths of webhook addresses), and "Send test", which queues through the same core call as the API and
/// delivers one mail to the administrator's own address.
/// </summary>
public abstract class ChannelsPortalTests(DatabaseKind kind) : NotificationTest(kind)
{
    private const string HookPath = "/services/T0SECRETX/B0SECRETY/xoxSecretPathToken42";
    private const string SlackPath = "/services/TSLACKSECRET/BSLACKSECRET/slackPathToken77";
    private const string HookKey = "whsec-page-test-0123456789abcdef0123456789";
    private const string SmtpPassword = "smtp-password-never-shown-31";

    protected override void Configure(Dictionary<string, string?> settings)
    {
        base.Configure(settings);
        // A password without a user name is never used (the loopback relay takes no authentication), yet it must not show.
        settings["Elevate:Notifications:Smtp:Password"] = SmtpPassword;
        settings["Elevate:Notifications:Webhooks:0:Name"] = "ops";
        settings["Elevate:Notifications:Webhooks:0:Url"] = "https://hooks.example.test" + HookPath;
        settings["Elevate:Notifications:Webhooks:0:Secret"] = HookKey;
        settings["Elevate:Notifications:Webhooks:0:Events:0"] = "approval-requested";
        settings["Elevate:Notifications:Slack:0:Name"] = "team-chat";
        settings["Elevate:Notifications:Slack:0:Url"] = "https://hooks.slack.example.test" + SlackPath;
    }

    [Fact]
    public async Task The_page_lists_the_channels_without_their_secrets()
    {
        var browser = await AdministratorAsync();
        var page = (await browser.GetPageAsync("/admin/notifications")).ShouldBe(200);

        Assert.Equal(Smtp.Host, page.TextOf("smtp-host"));
        Assert.Equal(Smtp.Port.ToString(System.Globalization.CultureInfo.InvariantCulture), page.TextOf("smtp-port"));
        Assert.StartsWith("none", page.TextOf("smtp-security"));
        Assert.Contains("elevate@example.com", page.TextOf("smtp-from"));
        Assert.Equal("no", page.TextOf("smtp-auth"));
        Assert.NotNull(page.TextOf("configured-in-file"));

        var endpoints = page.SectionText("endpoints")!;
        Assert.Contains("ops", endpoints);
        Assert.Contains("https://hooks.example.test/", endpoints);
        Assert.Contains("approval-requested", endpoints);
        Assert.Contains("team-chat", endpoints);
        Assert.Contains("https://hooks.slack.example.test/", endpoints);
        foreach (var secret in new[] { HookPath, "T0SECRETX", "B0SECRETY", "xoxSecretPathToken42", SlackPath, "TSLACKSECRET", "slackPathToken77", HookKey, SmtpPassword })
        {
            Assert.DoesNotContain(secret, page.Html, StringComparison.OrdinalIgnoreCase);
        }

        Assert.Equal("0", page.TextOf("outbox-dead"));
    }

    [Fact]
    public async Task Send_test_delivers_one_mail_to_the_administrator_and_shows_that_it_was_sent()
    {
        var browser = await AdministratorAsync();
        var page = (await browser.GetPageAsync("/admin/notifications")).ShouldBe(200);
        var queued = (await browser.PostFormAsync("/admin/notifications?handler=Test", new { Channel = "email" }, page)).ShouldRedirectTo("/admin/notifications");

        await MailToAsync("carol@example.com", "test message");
        var result = await SettledAsync(browser, queued.Location!);
        Assert.StartsWith("sent", result.TextOf("test-status"));
        Assert.Single(Smtp.Received, m => m.Subject.Contains("test message", StringComparison.Ordinal));

        var messages = await OutboxAsync();
        Assert.Single(messages, m => m.GetProperty("event").GetString() == "test");

        // A channel that is not configured: the page says so and queues nothing.
        var unknown = (await browser.PostFormAsync("/admin/notifications?handler=Test", new { Channel = "nowhere" }, page)).ShouldBe(200);
        Assert.Contains(unknown.Errors, e => e.Contains("nowhere", StringComparison.Ordinal));
        Assert.Single(await OutboxAsync(), m => m.GetProperty("event").GetString() == "test");
    }

    [Fact]
    public async Task Someone_without_a_directory_role_may_not_open_the_page_or_send_a_test()
    {
        var browser = await PortalBrowserAsync(Bob);
        (await browser.GetPageAsync("/admin/notifications")).ShouldBe(403);
        var home = (await browser.GetPageAsync("/")).ShouldBe(200);
        (await browser.PostFormAsync("/admin/notifications?handler=Test", new { Channel = "email" }, home)).ShouldBe(403);
        Assert.DoesNotContain(await OutboxAsync(), m => m.GetProperty("event").GetString() == "test");
    }

    private async Task<PortalClient> AdministratorAsync()
    {
        (await Admin.AssignAsync("active", Carol.Id, BuiltInRoles.IdOf(BuiltInRole.ElevateAdministrator), "/", Scenario.Permanent)).ShouldBe(201);
        return await PortalBrowserAsync(Carol);
    }

    /// <summary>The test result section once the dispatcher has recorded the delivery.</summary>
    private static async Task<PortalPage> SettledAsync(PortalClient browser, string location)
    {
        var path = WebUtility.HtmlDecode(location);
        for (var attempt = 0; ; attempt++)
        {
            var page = (await browser.GetPageAsync(path)).ShouldBe(200);
            Assert.NotNull(page.Section("test-result"));
            if (page.TextOf("test-status") is { } status && !status.StartsWith("waiting", StringComparison.Ordinal) || attempt >= 80)
            {
                return page;
            }

            await Task.Delay(250);
        }
    }
}

public sealed class ChannelsPortalTestsOnSqlite() : ChannelsPortalTests(DatabaseKind.Sqlite);

public sealed class ChannelsPortalTestsOnPostgres() : ChannelsPortalTests(DatabaseKind.Postgres);
