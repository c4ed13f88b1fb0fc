using System.Text.RegularExpressions;
using Elevate.Server.Tests.Notifications.Support;

namespace Elevate.Browser.Tests.Infrastructure;

/// <summary>
/// Reading the mail a <see cref="LiveElevate"/> started with <see cref="LiveElevate.StartWithMailAsync"/> sent, as its
/// recipients would: wait for one, then follow its link.
/// </summary>
public static partial class LiveMail
{
    /// <summary>Real time: the dispatcher sends as soon as the request is committed, but over a real socket.</summary>
    public static readonly TimeSpan Wait = TimeSpan.FromSeconds(20);

    /// <summary>The first mail to <paramref name="address"/> (whose subject contains <paramref name="subject"/>, if
    /// given), waiting for it to arrive.</summary>
    public static Task<ReceivedMail> MailToAsync(this LiveElevate elevate, string address, string? subject = null) =>
        elevate.Smtp.WaitForAsync(
            m => m.Recipients.Contains(address, StringComparer.OrdinalIgnoreCase) && (subject is null || m.Subject.Contains(subject, StringComparison.Ordinal)),
            Wait);

    /// <summary>
    /// The absolute link to the decide page in an approver's mail: with <paramref name="verdict"/> "approve" or "deny"
    /// the one-time link bound to that approver, with null the plain page. It must lead to this Elevate.
    /// </summary>
    public static string ApprovalLinkIn(this LiveElevate elevate, ReceivedMail mail, string? verdict = "approve")
    {
        var links = ApprovalLink().Matches(mail.TextBody ?? "").Select(m => m.Value).Distinct(StringComparer.Ordinal).ToList();
        var link = links.FirstOrDefault(l => verdict is null ? !l.Contains('?', StringComparison.Ordinal) : l.Contains($"verdict={verdict}", StringComparison.Ordinal));
        Assert.True(link is not null, $"No {verdict ?? "plain"} /approvals/ link in \"{mail.Subject}\":\n{mail.TextBody}");
        Assert.StartsWith(elevate.BaseUrl + "/approvals/", link, StringComparison.Ordinal);
        return link;
    }

    [GeneratedRegex(@"https?://[^\s""'<>]+/approvals/[^\s""'<>]+")]
    private static partial Regex ApprovalLink();
}
