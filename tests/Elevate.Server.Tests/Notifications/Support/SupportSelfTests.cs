using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Text.Json;
using MailKit;
using MailKit.Net.Smtp;
using MailKit.Security;
using MimeKit;

namespace Elevate.Server.Tests.Notifications.Support;

/// <summary>
/// The notification test fakes work on their own, without Elevate: a real SMTP client delivers to the loopback relay,
/// a real HTTP client posts to the webhook receiver, and the signature verifier and payload schemas accept what they
/// should and reject what they should.
/// </summary>
public sealed class SupportSelfTests
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(10);

    [Fact]
    public async Task The_smtp_server_captures_a_mail_with_its_envelope_and_both_parts()
    {
        await using var smtp = new LoopbackSmtpServer();
        await smtp.StartAsync();

        var message = Mail("Access request approved", "alice@example.test", "bob@example.test");
        using (var client = await ConnectAsync(smtp, SecureSocketOptions.None))
        {
            await client.SendAsync(message, MailboxAddress.Parse("bounces@elevate.test"),
                [MailboxAddress.Parse("alice@example.test"), MailboxAddress.Parse("carol@example.test")]);
            await client.DisconnectAsync(quit: true);
        }

        var mail = await smtp.WaitForAsync(m => m.Subject == "Access request approved", Patience);
        Assert.Equal("bounces@elevate.test", mail.From);
        Assert.Equal(["alice@example.test", "carol@example.test"], mail.Recipients);
        Assert.Equal("Plain text for Access request approved", mail.TextBody?.Trim());
        Assert.Equal("<p>HTML for Access request approved</p>", mail.HtmlBody?.Trim());
        Assert.Equal(message.MessageId, mail.MessageId);
        Assert.Equal(["alice@example.test", "bob@example.test"], mail.Message.To.Mailboxes.Select(m => m.Address));
        Assert.False(mail.Secure);
        Assert.Null(mail.AuthenticatedUser);
        Assert.False(smtp.LastSessionSecure);
        Assert.Single(smtp.Received);

        smtp.Clear();
        Assert.Empty(smtp.Received);
    }

    [Fact]
    public async Task A_stopped_smtp_server_refuses_connections_and_restarts_on_the_same_port()
    {
        await using var smtp = new LoopbackSmtpServer();
        await smtp.StartAsync();
        var port = smtp.Port;
        await SendAsync(smtp, Mail("Before the outage", "bob@elevate.test"));

        await smtp.StopAsync();
        Assert.False(smtp.IsRunning);
        using (var tcp = new TcpClient())
        {
            var refused = await Assert.ThrowsAsync<SocketException>(() => tcp.ConnectAsync(IPAddress.Loopback, port));
            Assert.Equal(SocketError.ConnectionRefused, refused.SocketErrorCode);
        }

        using (var client = new SmtpClient())
        {
            await Assert.ThrowsAsync<SocketException>(() => client.ConnectAsync(smtp.Host, port, SecureSocketOptions.None));
        }

        await smtp.StartAsync();
        Assert.Equal(port, smtp.Port);
        await SendAsync(smtp, Mail("After the outage", "bob@elevate.test"));

        var mails = await smtp.WaitForCountAsync(2, Patience);
        Assert.Equal(["Before the outage", "After the outage"], mails.Select(m => m.Subject));
    }

    [Fact]
    public async Task Stopping_the_smtp_server_ends_sessions_that_are_still_open()
    {
        await using var smtp = new LoopbackSmtpServer();
        await smtp.StartAsync();
        using var idle = await ConnectAsync(smtp, SecureSocketOptions.None);

        var stopping = Stopwatch.StartNew();
        await smtp.StopAsync();
        Assert.True(stopping.Elapsed < TimeSpan.FromSeconds(5), $"Stopping took {stopping.Elapsed}.");

        await Assert.ThrowsAnyAsync<Exception>(() => idle.SendAsync(Mail("Too late", "bob@elevate.test")));
        Assert.Empty(smtp.Received);
    }

    [Fact]
    public async Task Waiting_for_mail_that_never_comes_times_out_naming_what_did_come()
    {
        await using var smtp = new LoopbackSmtpServer();
        await smtp.StartAsync();
        await SendAsync(smtp, Mail("Something else", "bob@elevate.test"));

        var timeout = await Assert.ThrowsAsync<TimeoutException>(
            () => smtp.WaitForAsync(m => m.Subject == "Never sent", TimeSpan.FromMilliseconds(300)));
        Assert.Contains("\"Something else\"", timeout.Message, StringComparison.Ordinal);
        await Assert.ThrowsAsync<TimeoutException>(() => smtp.WaitForCountAsync(2, TimeSpan.FromMilliseconds(300)));
    }

    [Fact]
    public async Task With_credentials_the_smtp_server_refuses_unauthenticated_mail_and_accepts_authenticated_mail()
    {
        await using var smtp = new LoopbackSmtpServer(credentials: ("elevate", "s3cret"));
        await smtp.StartAsync();

        using (var anonymous = await ConnectAsync(smtp, SecureSocketOptions.None))
        {
            // MailKit reports the server's 530 reply to MAIL FROM as "not authenticated".
            await Assert.ThrowsAsync<ServiceNotAuthenticatedException>(
                () => anonymous.SendAsync(Mail("Unauthenticated", "bob@elevate.test")));
        }

        using (var wrong = await ConnectAsync(smtp, SecureSocketOptions.None))
        {
            await Assert.ThrowsAsync<AuthenticationException>(() => wrong.AuthenticateAsync("elevate", "guess"));
        }

        using (var client = await ConnectAsync(smtp, SecureSocketOptions.None))
        {
            Assert.True(client.Capabilities.HasFlag(SmtpCapabilities.Authentication));
            await client.AuthenticateAsync("elevate", "s3cret");
            await client.SendAsync(Mail("Authenticated", "bob@elevate.test"));
            await client.DisconnectAsync(quit: true);
        }

        var mail = await smtp.WaitForAsync(m => m.Subject == "Authenticated", Patience);
        Assert.Equal("elevate", mail.AuthenticatedUser);
        Assert.Equal(["elevate"], smtp.AuthenticatedUsers);
        Assert.Single(smtp.Received);
    }

    [Fact]
    public async Task With_starttls_the_client_negotiates_tls_before_authenticating()
    {
        await using var smtp = new LoopbackSmtpServer(credentials: ("elevate", "s3cret"), startTls: true);
        await smtp.StartAsync();
        Assert.NotNull(smtp.Certificate);

        using (var plain = await ConnectAsync(smtp, SecureSocketOptions.None))
        {
            Assert.True(plain.Capabilities.HasFlag(SmtpCapabilities.StartTLS));
            Assert.False(plain.Capabilities.HasFlag(SmtpCapabilities.Authentication)); // Only offered after STARTTLS.
        }

        using (var client = await ConnectAsync(smtp, SecureSocketOptions.StartTls))
        {
            Assert.True(client.IsSecure);
            await client.AuthenticateAsync("elevate", "s3cret");
            await client.SendAsync(Mail("Over TLS", "bob@elevate.test"));
            await client.DisconnectAsync(quit: true);
        }

        var mail = await smtp.WaitForAsync(m => m.Subject == "Over TLS", Patience);
        Assert.True(mail.Secure);
        Assert.True(smtp.LastSessionSecure);
        Assert.Equal("elevate", mail.AuthenticatedUser);
    }

    [Fact]
    public async Task The_webhook_receiver_captures_posts_with_headers_and_answers_with_the_chosen_status()
    {
        await using var receiver = await WebhookReceiver.StartAsync();
        using var http = new HttpClient();
        var url = receiver.Url("/hooks/a");
        Assert.StartsWith("http://127.0.0.1:", url, StringComparison.Ordinal);
        Assert.EndsWith("/hooks/a", url, StringComparison.Ordinal);

        var first = await PostAsync(http, url, """{"event":"one"}""", ("Elevate-Signature", "t=1,v1=00"), ("X-Attempt", "1"));
        Assert.Equal(HttpStatusCode.OK, first);

        receiver.StatusFor = _ => 500;
        var failed = await PostAsync(http, receiver.Url("/hooks/b?x=1"), """{"event":"two"}""");
        Assert.Equal(HttpStatusCode.InternalServerError, failed);

        receiver.StatusFor = request => request.Path == "/hooks/b" ? 200 : 503;
        Assert.Equal(HttpStatusCode.OK, await PostAsync(http, receiver.Url("/hooks/b"), """{"event":"three"}"""));
        Assert.Equal(HttpStatusCode.MethodNotAllowed, (await http.GetAsync(new Uri(url))).StatusCode);

        var requests = await receiver.WaitForCountAsync(3, Patience);
        Assert.Equal(3, requests.Count);
        var a = requests[0];
        Assert.Equal("/hooks/a", a.Path);
        Assert.Equal("""{"event":"one"}""", a.Body);
        Assert.Equal("t=1,v1=00", a.Headers["elevate-signature"]);
        Assert.Equal("1", a.Header("X-ATTEMPT"));
        Assert.StartsWith("application/json", a.Headers["Content-Type"], StringComparison.Ordinal);
        Assert.Equal(200, a.StatusCode);
        Assert.Equal(("/hooks/b", "?x=1", 500), (requests[1].Path, requests[1].Query, requests[1].StatusCode));
        Assert.Equal(200, requests[2].StatusCode);
        Assert.True(requests[1].ReceivedAt >= a.ReceivedAt);

        var three = await receiver.WaitForAsync(r => r.Body.Contains("three", StringComparison.Ordinal), Patience);
        Assert.Same(requests[2], three);

        receiver.Clear();
        Assert.Empty(receiver.Received);
        await Assert.ThrowsAsync<TimeoutException>(() => receiver.WaitForCountAsync(1, TimeSpan.FromMilliseconds(200)));
    }

    [Fact]
    public void A_signature_verifies_for_its_body_and_secret_within_the_tolerance()
    {
        var at = new DateTimeOffset(2026, 11, 27, 9, 0, 0, TimeSpan.Zero);
        const string body = """{"event":"request.created","id":"42"}""";
        var header = WebhookSignature.Sign(body, "whsec-1", at);
        Assert.Matches("^t=1795770000,v1=[0-9a-f]{64}$", header);

        Assert.True(WebhookSignature.Verify(header, body, "whsec-1", at.AddSeconds(30), TimeSpan.FromMinutes(5), out var why), why);
        Assert.Null(why);
        Assert.True(WebhookSignature.Verify(header, body, "whsec-1", at.AddMinutes(-5), TimeSpan.FromMinutes(5), out _));

        // Several v1 entries (a rotated secret) pass when any one matches; spaces around elements are tolerated.
        var rotated = WebhookSignature.Sign(body, "whsec-old", at).Split(',')[1];
        Assert.True(WebhookSignature.Verify($"{header.Split(',')[0]}, {rotated}, {header.Split(',')[1]}", body, "whsec-1", at,
            TimeSpan.FromMinutes(5), out why), why);
    }

    [Theory]
    [InlineData("tampered body")]
    [InlineData("wrong secret")]
    [InlineData("too old")]
    [InlineData("from the future")]
    [InlineData("uppercase hex")]
    [InlineData("no timestamp")]
    [InlineData("no v1")]
    [InlineData("garbage")]
    [InlineData("empty")]
    public void A_signature_is_rejected_with_a_reason(string flaw)
    {
        var at = new DateTimeOffset(2026, 11, 27, 9, 0, 0, TimeSpan.Zero);
        const string body = """{"event":"request.created"}""";
        var header = WebhookSignature.Sign(body, "whsec-1", at);
        var (presented, presentedBody, secret, now) = flaw switch
        {
            "tampered body" => (header, body.Replace("created", "approved", StringComparison.Ordinal), "whsec-1", at),
            "wrong secret" => (header, body, "whsec-2", at),
            "too old" => (header, body, "whsec-1", at.AddMinutes(6)),
            "from the future" => (header, body, "whsec-1", at.AddMinutes(-6)),
            "uppercase hex" => (header.ToUpperInvariant().Replace("T=", "t=", StringComparison.Ordinal).Replace("V1=", "v1=", StringComparison.Ordinal), body, "whsec-1", at),
            "no timestamp" => (header.Split(',')[1], body, "whsec-1", at),
            "no v1" => (header.Split(',')[0], body, "whsec-1", at),
            "garbage" => ("sha256=abc", body, "whsec-1", at),
            "empty" => ("", body, "whsec-1", at),
            _ => throw new ArgumentOutOfRangeException(nameof(flaw)),
        };

        Assert.False(WebhookSignature.Verify(presented, presentedBody, secret, now, TimeSpan.FromMinutes(5), out var why));
        Assert.False(string.IsNullOrWhiteSpace(why));
    }

    [Fact]
    public void A_well_formed_slack_message_validates()
    {
        var json = SlackMessage(buttonText: "Approve");
        Assert.Empty(PayloadSchemas.ValidateSlack(json));
    }

    [Fact]
    public void A_slack_message_over_the_documented_limits_or_without_fallback_text_fails()
    {
        var longButton = PayloadSchemas.ValidateSlack(SlackMessage(buttonText: new string('x', 100)));
        Assert.Contains(longButton, e => e.StartsWith("/blocks/2/elements/0/text/text:", StringComparison.Ordinal));
        Assert.All(longButton, e => Assert.StartsWith("/blocks/2/elements/0/text", e, StringComparison.Ordinal));

        var noText = JsonNode(SlackMessage(buttonText: "Approve"));
        noText.Remove("text");
        var missing = Assert.Single(PayloadSchemas.ValidateSlack(noText.ToJsonString()));
        Assert.StartsWith("(root): Required properties [\"text\"]", missing, StringComparison.Ordinal);

        var emptySection = """{"text":"t","blocks":[{"type":"section"}]}""";
        Assert.StartsWith("/blocks/0: Required properties [\"fields\"]", Assert.Single(PayloadSchemas.ValidateSlack(emptySection)),
            StringComparison.Ordinal);

        var emojiOnMrkdwn = """{"text":"t","blocks":[{"type":"section","text":{"type":"mrkdwn","text":"x","emoji":true}}]}""";
        Assert.StartsWith("/blocks/0/text/emoji:", Assert.Single(PayloadSchemas.ValidateSlack(emojiOnMrkdwn)), StringComparison.Ordinal);

        var unknownBlock = """{"text":"t","blocks":[{"type":"video","title":"x"}]}""";
        Assert.NotEmpty(PayloadSchemas.ValidateSlack(unknownBlock));

        var tooManyFields = $$"""{"text":"t","blocks":[{"type":"section","fields":[{{string.Join(",", Enumerable.Repeat("""{"type":"mrkdwn","text":"f"}""", 11))}}]}]}""";
        Assert.NotEmpty(PayloadSchemas.ValidateSlack(tooManyFields));

        Assert.NotEmpty(PayloadSchemas.ValidateSlack("not json"));
    }

    [Fact]
    public void A_well_formed_teams_message_validates()
    {
        Assert.Empty(PayloadSchemas.ValidateTeams(TeamsMessage(version: "1.5")));
    }

    [Fact]
    public void A_teams_message_with_an_unknown_version_or_without_a_body_fails()
    {
        var badVersion = PayloadSchemas.ValidateTeams(TeamsMessage(version: "9.9"));
        Assert.Contains(badVersion, e => e.StartsWith("/attachments/0/content/version:", StringComparison.Ordinal));

        var noBody = JsonNode(TeamsMessage(version: "1.4"));
        noBody["attachments"]![0]!["content"]!.AsObject().Remove("body");
        Assert.NotEmpty(PayloadSchemas.ValidateTeams(noBody.ToJsonString()));

        var relativeUrl = JsonNode(TeamsMessage(version: "1.4"));
        relativeUrl["attachments"]![0]!["content"]!["actions"]![0]!["url"] = "/requests/42";
        Assert.Contains(PayloadSchemas.ValidateTeams(relativeUrl.ToJsonString()),
            e => e.StartsWith("/attachments/0/content/actions/0/url:", StringComparison.Ordinal));

        var sevenActions = JsonNode(TeamsMessage(version: "1.4"));
        var actions = sevenActions["attachments"]![0]!["content"]!["actions"]!.AsArray();
        while (actions.Count < 7)
        {
            actions.Add(actions[0]!.DeepClone());
        }

        Assert.NotEmpty(PayloadSchemas.ValidateTeams(sevenActions.ToJsonString()));
        Assert.NotEmpty(PayloadSchemas.ValidateTeams("""{"type":"message","attachments":[]}"""));
    }

    private static MimeMessage Mail(string subject, params string[] to)
    {
        var message = new MimeMessage { Subject = subject };
        message.From.Add(new MailboxAddress("Elevate", "elevate@elevate.test"));
        foreach (var address in to)
        {
            message.To.Add(MailboxAddress.Parse(address));
        }

        message.Body = new BodyBuilder
        {
            TextBody = $"Plain text for {subject}",
            HtmlBody = $"<p>HTML for {subject}</p>",
        }.ToMessageBody();
        return message;
    }

    private static async Task<SmtpClient> ConnectAsync(LoopbackSmtpServer smtp, SecureSocketOptions security)
    {
        var client = new SmtpClient { CheckCertificateRevocation = false, Timeout = (int)Patience.TotalMilliseconds };

        // Trust exactly the relay's own self-signed certificate, nothing else.
        client.ServerCertificateValidationCallback = (_, certificate, _, _) =>
            certificate is not null && smtp.Certificate is not null
            && string.Equals(certificate.GetCertHashString(), smtp.Certificate.Thumbprint, StringComparison.OrdinalIgnoreCase);
        await client.ConnectAsync(smtp.Host, smtp.Port, security);
        return client;
    }

    private static async Task SendAsync(LoopbackSmtpServer smtp, MimeMessage message)
    {
        using var client = await ConnectAsync(smtp, SecureSocketOptions.None);
        await client.SendAsync(message);
        await client.DisconnectAsync(quit: true);
    }

    private static async Task<HttpStatusCode> PostAsync(HttpClient http, string url, string json, params (string Name, string Value)[] headers)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri(url))
        {
            Content = new StringContent(json, Encoding.UTF8, "application/json"),
        };
        foreach (var (name, value) in headers)
        {
            request.Headers.TryAddWithoutValidation(name, value);
        }

        using var response = await http.SendAsync(request);
        return response.StatusCode;
    }

    private static System.Text.Json.Nodes.JsonObject JsonNode(string json) =>
        System.Text.Json.Nodes.JsonNode.Parse(json)!.AsObject();

    private static string SlackMessage(string buttonText) =>
        JsonSerializer.Serialize(new
        {
            text = "alice requests db-admin on /subscriptions/prod",
            blocks = new object[]
            {
                new { type = "header", text = new { type = "plain_text", text = "Approval needed: db-admin", emoji = true } },
                new
                {
                    type = "section",
                    text = new { type = "mrkdwn", text = "*alice* requests *db-admin*" },
                    fields = new[]
                    {
                        new { type = "mrkdwn", text = "*Scope*\n/subscriptions/prod" },
                        new { type = "mrkdwn", text = "*Duration*\n2 hours" },
                    },
                },
                new
                {
                    type = "actions",
                    block_id = "request-42",
                    elements = new object[]
                    {
                        new
                        {
                            type = "button",
                            text = new { type = "plain_text", text = buttonText },
                            url = "https://elevate.example.test/approvals/42?decision=approve",
                            style = "primary",
                            action_id = "approve",
                        },
                        new
                        {
                            type = "button",
                            text = new { type = "plain_text", text = "Open in Elevate" },
                            url = "https://elevate.example.test/requests/42",
                        },
                    },
                },
                new { type = "divider" },
                new { type = "context", elements = new[] { new { type = "mrkdwn", text = "Sent by Elevate" } } },
            },
        });

    private static string TeamsMessage(string version) =>
        JsonSerializer.Serialize(new Dictionary<string, object?>
        {
            ["type"] = "message",
            ["attachments"] = new object[]
            {
                new Dictionary<string, object?>
                {
                    ["contentType"] = "application/vnd.microsoft.card.adaptive",
                    ["contentUrl"] = null,
                    ["content"] = new Dictionary<string, object?>
                    {
                        ["$schema"] = "http://adaptivecards.io/schemas/adaptive-card.json",
                        ["type"] = "AdaptiveCard",
                        ["version"] = version,
                        ["body"] = new object[]
                        {
                            new { type = "TextBlock", text = "Approval needed: db-admin", size = "Large", weight = "Bolder", wrap = true },
                            new
                            {
                                type = "FactSet",
                                facts = new[]
                                {
                                    new { title = "Requester", value = "alice" },
                                    new { title = "Scope", value = "/subscriptions/prod" },
                                },
                            },
                            new
                            {
                                type = "Container",
                                items = new object[] { new { type = "TextBlock", text = "Sent by Elevate", isSubtle = true, spacing = "Small" } },
                            },
                        },
                        ["actions"] = new object[]
                        {
                            new { type = "Action.OpenUrl", title = "Open in Elevate", url = "https://elevate.example.test/requests/42" },
                        },
                        ["msteams"] = new { width = "Full" },
                    },
                },
            },
        });
}
