using Elevate.Core.Notifications;
using Elevate.Server.Hosting;
using Elevate.Server.Notifications;
using Elevate.Server.Tests.Notifications.Support;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;

namespace Elevate.Server.Tests.Notifications;

/// <summary>
/// How messages are written (templates, encoding, overrides), how approve / deny links are sealed, and how webhook
/// bodies are signed — without a host.
/// </summary>
public sealed class RenderingTests : IDisposable
{
    private static readonly DateTimeOffset Now = new(2026, 11, 27, 9, 0, 0, TimeSpan.Zero);
    private readonly string _overrides = Directory.CreateTempSubdirectory("elevate-templates-").FullName;

    private static MessageFacts Request(string justification = "INC-4411 failover") => new()
    {
        Event = NotificationEvent.ApprovalRequested,
        Critical = true,
        Audience = "approver",
        OccurredAt = Now,
        Actor = "alice",
        RequestId = Guid.NewGuid(),
        Principal = "alice",
        Role = "Database Administrator",
        Scope = "/prod",
        Kind = "active",
        StartsAt = Now,
        EndsAt = Now.AddHours(2),
        Duration = TimeSpan.FromHours(2),
        Justification = justification,
        Ticket = "INC-4411",
        Stage = 1,
        Stages = 2,
        DecideBy = Now.AddDays(1),
        RecentActivations = [new PastActivation(Now.AddDays(-3), Now.AddDays(-3).AddHours(1), "patching", "/prod")],
    };

    private static MessageLinks Links => new("https://elevate.example.test/approvals/1", "https://elevate.example.test/approvals/1?verdict=approve&link=x",
        "https://elevate.example.test/approvals/1?verdict=deny&link=x");

    public void Dispose() => Directory.Delete(_overrides, recursive: true);

    [Fact]
    public async Task An_approval_request_reads_as_the_brief_says_in_both_parts()
    {
        var rendered = await Renderer().RenderAsync(Request(), Links);

        Assert.Equal("Elevate: alice requests Database Administrator on /prod for 2h", rendered.Subject);
        Assert.Contains("Approve: https://elevate.example.test/approvals/1?verdict=approve&link=x", rendered.Text);
        Assert.Contains("for stage 1 of 2", rendered.Lead);
        Assert.Contains("INC-4411 failover", rendered.Text);
        Assert.Contains("patching", rendered.Text);
        Assert.Contains("href=\"https://elevate.example.test/approvals/1?verdict=deny&amp;link=x\"", rendered.Html);
        Assert.Contains(rendered.Facts, f => f.Key == "Decide by" && f.Value == "2026-11-28 09:00 UTC");
    }

    [Fact]
    public async Task What_people_typed_is_encoded_in_html_and_cannot_break_the_subject()
    {
        var rendered = await Renderer().RenderAsync(Request("<script>alert(1)</script>\r\nBcc: x@example.com") with { Role = "Ops\r\nBcc: evil@example.com" }, Links);

        Assert.DoesNotContain("<script>", rendered.Html);
        Assert.Contains("&lt;script&gt;", rendered.Html);
        Assert.DoesNotContain('\n', rendered.Subject);
        Assert.DoesNotContain('\r', rendered.Subject);
    }

    [Fact]
    public async Task A_deployment_replaces_one_template_and_keeps_the_others()
    {
        Directory.CreateDirectory(Path.Combine(_overrides, "events"));
        await File.WriteAllTextAsync(Path.Combine(_overrides, "events", "approval-requested.liquid"),
            "{% capture subject %}[PAM] {{ principal }} wants {{ role }}{% endcapture %}{% capture headline %}Decide{% endcapture %}{% capture lead %}Now.{% endcapture %}");

        var renderer = Renderer(_overrides);
        var overridden = await renderer.RenderAsync(Request(), Links);
        var untouched = await renderer.RenderAsync(Request() with { Event = NotificationEvent.Denied, Audience = "requester", DecidedBy = "bob", Reason = "freeze" },
            new MessageLinks(null, null, null));

        Assert.Equal("[PAM] alice wants Database Administrator", overridden.Subject);
        Assert.Contains("Approve:", overridden.Text);
        Assert.Equal("Elevate: denied: Database Administrator on /prod", untouched.Subject);
        Assert.Contains("bob denied it: freeze", untouched.Lead);
    }

    [Theory]
    [InlineData(14 * 24 * 60 * 60 - 30, "14d")]
    [InlineData(24 * 60 * 60 + 20, "1d")]
    [InlineData(15 * 60 - 10, "15m")]
    [InlineData(90 * 60, "1h 30m")]
    public async Task Time_left_is_said_as_people_say_it_even_when_the_notice_is_a_little_late(int secondsLeft, string said)
    {
        var facts = Request() with { Event = NotificationEvent.ExpiringSoon, Audience = "assignee", EndsAt = Now.AddSeconds(secondsLeft) };

        var rendered = await Renderer().RenderAsync(facts, new MessageLinks(null, null, null));

        Assert.Equal($"Elevate: Database Administrator on /prod ends in {said}", rendered.Subject);
    }

    [Fact]
    public async Task Every_event_has_a_template_that_renders_a_subject()
    {
        var renderer = Renderer();
        foreach (var e in Enum.GetValues<NotificationEvent>())
        {
            var rendered = await renderer.RenderAsync(Request() with { Event = e, Audience = "admin", Items = e == NotificationEvent.Digest ? [Request()] : [] }, new MessageLinks(null, null, null));
            Assert.StartsWith("Elevate: ", rendered.Subject);
            Assert.False(string.IsNullOrWhiteSpace(rendered.Headline), $"{e} has no headline.");
        }
    }

    [Fact]
    public async Task Chat_messages_match_slack_and_teams_documented_shapes()
    {
        var rendered = await Renderer().RenderAsync(Request(), Links);

        Assert.Empty(PayloadSchemas.ValidateSlack(HttpChannelSender.SlackBody(rendered)));
        Assert.Empty(PayloadSchemas.ValidateTeams(HttpChannelSender.TeamsBody(rendered)));
    }

    [Fact]
    public async Task What_a_requester_typed_cannot_become_a_link_or_formatting_in_a_teams_card()
    {
        var rendered = await Renderer().RenderAsync(Request("[Approve here](https://evil.example) **now**"), Links);

        var card = HttpChannelSender.TeamsBody(rendered);

        Assert.DoesNotContain("[Approve here](https://evil.example)", card);
        Assert.Contains(@"\\[Approve here\\](https://evil.example) \\*\\*now\\*\\*", card);
        Assert.Empty(PayloadSchemas.ValidateTeams(card));
    }

    [Fact]
    public void A_link_is_bound_to_its_request_and_approver_and_stops_working_when_it_expires_or_is_altered()
    {
        var time = new FakeTimeProvider(Now);
        var links = new ActionLinks(new EphemeralDataProtectionProvider(), time);
        var (request, approver) = (Guid.NewGuid(), Guid.NewGuid());
        var token = links.Create(request, approver, Now.AddDays(2));

        var read = links.Read(token);
        Assert.NotNull(read);
        Assert.Equal((request, approver), (read.RequestId, read.ApproverId));
        Assert.NotEqual(read.Nonce, links.Read(links.Create(request, approver, Now.AddDays(2)))!.Nonce);

        Assert.Null(links.Read(token[..^2] + (token[^2] == 'A' ? "B" : "A") + token[^1]));
        Assert.Null(links.Read("not-a-link"));
        Assert.Null(new ActionLinks(new EphemeralDataProtectionProvider(), time).Read(token));
        time.Advance(TimeSpan.FromDays(2));
        Assert.Null(links.Read(token));
    }

    [Fact]
    public void A_webhook_signature_is_what_a_receiver_verifies()
    {
        const string secret = "0123456789abcdef0123456789abcdef";
        const string body = """{"id":"1","type":"denied"}""";
        var header = HttpChannelSender.Sign(body, secret, Now);

        Assert.True(WebhookSignature.Verify(header, body, secret, Now.AddMinutes(1), TimeSpan.FromMinutes(5), out var why), why);
        Assert.False(WebhookSignature.Verify(header, body + " ", secret, Now, TimeSpan.FromMinutes(5), out _));
        Assert.False(WebhookSignature.Verify(header, body, secret, Now.AddMinutes(10), TimeSpan.FromMinutes(5), out _));
    }

    private static MessageRenderer Renderer(string? templates = null) =>
        new(Options.Create(new ElevateOptions { Notifications = new NotificationsOptions { TemplatesPath = templates } }));
}
