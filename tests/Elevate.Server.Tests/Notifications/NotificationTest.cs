using System.Globalization;
using System.Text.Json;
using System.Text.RegularExpressions;
using Elevate.Core.Mfa;
using Elevate.Server.Tests.Approvals;
using Elevate.Server.Tests.Infrastructure;
using Elevate.Server.Tests.Notifications.Support;

namespace Elevate.Server.Tests.Notifications;

/// <summary>
/// A suite whose Elevate sends e-mail to a real SMTP server on loopback, with alice, bob, carol and dave in the
/// directory (each with an address name@example.com).
/// </summary>
public abstract partial class NotificationTest(DatabaseKind kind) : ApprovalTest(kind)
{
    public const string PublicUrl = "https://elevate.example.test";

    protected static readonly TimeSpan MailWait = TimeSpan.FromSeconds(20);

    protected LoopbackSmtpServer Smtp { get; } = new();

    protected override void Configure(Dictionary<string, string?> settings)
    {
        Smtp.StartAsync().GetAwaiter().GetResult();
        settings["Elevate:PublicUrl"] = PublicUrl;
        settings["Elevate:Notifications:Smtp:Host"] = Smtp.Host;
        settings["Elevate:Notifications:Smtp:Port"] = Smtp.Port.ToString(CultureInfo.InvariantCulture);
        settings["Elevate:Notifications:Smtp:Security"] = "None";
        settings["Elevate:Notifications:Smtp:From"] = "elevate@example.com";
    }

    /// <summary>The mail to <paramref name="address"/> whose subject contains <paramref name="subject"/>.</summary>
    protected Task<ReceivedMail> MailToAsync(string address, string subject) =>
        Smtp.WaitForAsync(m => m.Recipients.Contains(address, StringComparer.OrdinalIgnoreCase) && m.Subject.Contains(subject, StringComparison.Ordinal), MailWait);

    /// <summary>The approve (or deny) link in a mail's plain-text part, as a path with its query.</summary>
    protected static string LinkIn(ReceivedMail mail, string verdict)
    {
        var match = LinkPattern().Match(mail.TextBody ?? "");
        Assert.True(match.Success, $"No approve/deny link in: {mail.TextBody}");
        var approve = new Uri(match.Groups[1].Value);
        Assert.Equal(new Uri(PublicUrl).Host, approve.Host);
        var path = approve.PathAndQuery;
        return verdict == "approve" ? path : path.Replace("verdict=approve", "verdict=deny", StringComparison.Ordinal);
    }

    /// <summary>The token of an approve / deny link (its <c>link</c> query value).</summary>
    protected static string TokenOf(string link) => link[(link.IndexOf("link=", StringComparison.Ordinal) + "link=".Length)..];

    /// <summary>
    /// Gives <paramref name="user"/> a password through a setup link (which signs a new browser in) and enrols an
    /// authenticator app, so the browser may use the portal.
    /// </summary>
    protected async Task<PortalClient> PortalBrowserAsync(TestUser user)
    {
        var secret = (await Admin.PostAsync($"/api/v1/users/{user.Id}/setup-secret")).ShouldBe(201)["secret"].GetString()!;
        var browser = new PortalClient(App);
        var password = "violet tractor umbrella";
        (await browser.PostFormAsync("/setup", new { Secret = secret, NewPassword = password, ConfirmPassword = password })).ShouldRedirectTo("/account/security");
        var started = (await browser.PostFormAsync("/account/security?handler=StartTotp")).ShouldBe(200);
        var totp = started.TextOf("totp-secret")!;
        var code = Totp.Code(Base32.Decode(totp)!, Totp.StepAt(App.Time.GetUtcNow()));
        var confirmed = (await browser.PostFormAsync("/account/security?handler=ConfirmTotp", new { Code = code }, started)).ShouldBe(200);
        Assert.Empty(confirmed.Errors);
        return browser;
    }

    /// <summary>The outbox messages (as administrators see them) about one request, or all of them.</summary>
    protected async Task<IReadOnlyList<JsonElement>> OutboxAsync(Guid? requestId = null) =>
        [.. (await Admin.GetAsync($"/api/v1/notifications/outbox?limit=100{(requestId is { } id ? $"&requestId={id}" : "")}")).ShouldBe(200)["items"].EnumerateArray()];

    /// <summary>Whether any outbox message of this event goes to <paramref name="address"/>.</summary>
    protected static bool AnyTo(IEnumerable<JsonElement> messages, string address, string? @event = null) =>
        messages.Any(m => string.Equals(m.GetProperty("destination").GetString(), address, StringComparison.OrdinalIgnoreCase)
            && (@event is null || m.GetProperty("event").GetString() == @event));

    /// <summary>The mails received so far to <paramref name="address"/>.</summary>
    protected IReadOnlyList<ReceivedMail> MailsTo(string address) =>
        [.. Smtp.Received.Where(m => m.Recipients.Contains(address, StringComparer.OrdinalIgnoreCase))];

    public override async Task DisposeAsync()
    {
        await base.DisposeAsync();
        await Smtp.DisposeAsync();
    }

    [GeneratedRegex(@"Approve: (\S+)")]
    private static partial Regex LinkPattern();
}
