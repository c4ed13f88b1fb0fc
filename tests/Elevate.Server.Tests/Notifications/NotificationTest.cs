using System.Globalization;
using System.Text.RegularExpressions;
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

    public override async Task DisposeAsync()
    {
        await base.DisposeAsync();
        await Smtp.DisposeAsync();
    }

    [GeneratedRegex(@"Approve: (\S+)")]
    private static partial Regex LinkPattern();
}
