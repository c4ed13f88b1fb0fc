using Elevate.Server.Tests.Approvals;
using Elevate.Server.Tests.Infrastructure;

namespace Elevate.Server.Tests.Notifications;

/// <summary>A request that waits for approval mails its approvers, with links, and tells everyone how it ends.</summary>
public abstract class ApprovalMailTests(DatabaseKind kind) : NotificationTest(kind)
{
    [Fact]
    public async Task An_approver_receives_a_clear_mail_with_both_parts_and_signed_links()
    {
        var (_, request) = await AlicePendingAsync(ApprovalScenario.Stage(Bob.Id));

        var mail = await MailToAsync("bob@example.com", "Elevate: alice requests ");
        Assert.Equal("Elevate: alice requests db-admin on / for 2h", mail.Subject);
        Assert.Equal("elevate@example.com", mail.From);
        Assert.Contains("Approve", mail.HtmlBody);
        Assert.Contains("Justification", mail.TextBody);
        var approve = LinkIn(mail, "approve");
        Assert.StartsWith($"/approvals/{request}?verdict=approve&link=", approve);
    }
}

public sealed class ApprovalMailTestsOnSqlite() : ApprovalMailTests(DatabaseKind.Sqlite);

public sealed class ApprovalMailTestsOnPostgres() : ApprovalMailTests(DatabaseKind.Postgres);
