using System.Text.Json;
using Elevate.Server.Tests.Infrastructure;
using Elevate.Server.Tests.Notifications.Support;

namespace Elevate.Server.Tests.Notifications;

/// <summary>Slack and Teams incoming webhooks get payloads their schemas accept, with a button to the request's page and no secrets.</summary>
public abstract class ChatTests(DatabaseKind kind) : DispatchTest(kind)
{
    protected override void ConfigureChannels(Dictionary<string, string?> settings)
    {
        Chat(settings, "Slack", "slack-ops", "/chat/slack");
        Chat(settings, "Teams", "teams-ops", "/chat/teams");
    }

    [Fact]
    public async Task Slack_and_teams_get_valid_approval_request_payloads_with_a_link_to_the_request_and_no_tokens()
    {
        var request = await AlicePendingForBobAsync("db-admin");

        var slack = await Hooks.WaitForAsync(r => r.Path == "/chat/slack" && r.Header("Elevate-Event") == "approval-requested", MailWait);
        var teams = await Hooks.WaitForAsync(r => r.Path == "/chat/teams" && r.Header("Elevate-Event") == "approval-requested", MailWait);

        Assert.Empty(PayloadSchemas.ValidateSlack(slack.Body));
        using (var body = JsonDocument.Parse(slack.Body))
        {
            var actions = body.RootElement.GetProperty("blocks").EnumerateArray().Single(b => b.GetProperty("type").GetString() == "actions");
            var url = actions.GetProperty("elements")[0].GetProperty("url").GetString();
            Assert.Equal($"{PublicUrl}/approvals/{request}", url);
        }

        Assert.Empty(PayloadSchemas.ValidateTeams(teams.Body));
        using (var body = JsonDocument.Parse(teams.Body))
        {
            var card = body.RootElement.GetProperty("attachments")[0].GetProperty("content");
            Assert.Equal("1.4", card.GetProperty("version").GetString());
            var url = card.GetProperty("actions")[0].GetProperty("url").GetString();
            Assert.Equal($"{PublicUrl}/approvals/{request}", url);
        }

        Assert.Null(slack.Header(WebhookSignature.HeaderName));
        var tokens = new[] { Admin, Alice.Client, Bob.Client, Carol.Client, Dave.Client }.Select(c => c.Token!).ToList();
        Assert.All(Hooks.Received, r =>
        {
            Assert.Empty(r.Path == "/chat/slack" ? PayloadSchemas.ValidateSlack(r.Body) : PayloadSchemas.ValidateTeams(r.Body));
            Assert.DoesNotContain("verdict=", r.Body, StringComparison.Ordinal);
            Assert.DoesNotContain("link=", r.Body, StringComparison.Ordinal);
            foreach (var token in tokens)
            {
                Assert.DoesNotContain(token, r.Body, StringComparison.Ordinal);
                Assert.DoesNotContain(token, string.Join("\n", r.Headers.Values), StringComparison.Ordinal);
            }
        });
    }
}

public sealed class ChatTestsOnSqlite() : ChatTests(DatabaseKind.Sqlite);

public sealed class ChatTestsOnPostgres() : ChatTests(DatabaseKind.Postgres);
