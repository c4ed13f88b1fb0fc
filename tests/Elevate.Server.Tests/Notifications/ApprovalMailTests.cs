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
        Assert.Contains("Deny: ", mail.TextBody);
        Assert.Contains($"/approvals/{request}?verdict=approve&amp;link=", mail.HtmlBody);
        Assert.Contains($"/approvals/{request}?verdict=deny&amp;link=", mail.HtmlBody);
    }

    [Fact]
    public async Task The_requester_gets_a_waiting_copy_without_links_and_no_mail_holds_an_api_token()
    {
        var (_, request) = await AlicePendingAsync(ApprovalScenario.Stage(Bob.Id));

        var bobs = await MailToAsync("bob@example.com", "Elevate: alice requests ");
        var alices = await MailToAsync("alice@example.com", "Elevate: alice requests ");
        Assert.Equal("Elevate: alice requests db-admin on / for 2h", alices.Subject);
        Assert.Contains("waiting for approval", alices.TextBody);
        Assert.NotNull(alices.HtmlBody);
        Assert.DoesNotContain("Approve:", alices.TextBody);
        Assert.DoesNotContain("link=", alices.TextBody + alices.HtmlBody);
        Assert.Contains("Approve:", bobs.TextBody);

        var tokens = new[] { Admin, Alice.Client, Bob.Client, Carol.Client, Dave.Client }.Select(c => c.Token!).ToList();
        Assert.All(Smtp.Received, mail => Assert.All(tokens, token =>
            Assert.DoesNotContain(token, mail.Subject + mail.TextBody + mail.HtmlBody + mail.Message.ToString(), StringComparison.Ordinal)));
    }

    [Fact]
    public async Task A_requester_in_the_approving_group_gets_no_links_and_cannot_approve_herself_on_the_confirmation_page()
    {
        var oncall = await Admin.CreateGroupAsync("oncall", Alice.Id, Bob.Id);
        var (_, request) = await AlicePendingAsync(ApprovalScenario.Stage(oncall));

        var bobs = await MailToAsync("bob@example.com", "Elevate: alice requests ");
        Assert.StartsWith($"/approvals/{request}?verdict=approve&link=", LinkIn(bobs, "approve"));
        await MailToAsync("alice@example.com", "Elevate: alice requests ");
        await Task.Delay(TimeSpan.FromSeconds(1));
        Assert.All(MailsTo("alice@example.com"), m => Assert.DoesNotContain("Approve:", m.TextBody));
        Assert.DoesNotContain(await OutboxAsync(request), m => m.GetProperty("recipientId").GetString() == Alice.Id.ToString() && m.GetProperty("actionLinks").GetBoolean());

        var browser = await PortalBrowserAsync(Alice);
        var page = (await browser.GetPageAsync($"/approvals/{request}")).ShouldBe(200);
        Assert.Null(page.Section("decide"));
        var form = await browser.GetPageAsync("/account/security");
        var posted = await browser.PostFormAsync($"/approvals/{request}?handler=Decide", new { Verdict = "approve" }, form);
        posted.ShouldBe(200);
        Assert.Null(posted.Section("decide"));
        await AssertUndecidedAsync(request);
    }

    [Fact]
    public async Task Approval_tells_the_requester_and_the_other_approvers_who_decided()
    {
        var (_, request) = await AlicePendingAsync(ApprovalScenario.Stage(Bob.Id, Carol.Id));
        await MailToAsync("carol@example.com", "Elevate: alice requests ");

        Assert.Equal("provisioned", ApprovalScenario.StatusAfter(await Bob.Client.ApproveAsync(request)));

        var approved = await MailToAsync("alice@example.com", "Elevate: approved: ");
        Assert.Equal("Elevate: approved: db-admin on /", approved.Subject);
        Assert.Contains("bob", approved.TextBody);
        var moot = await MailToAsync("carol@example.com", "Elevate: no longer needed: ");
        Assert.Equal("Elevate: no longer needed: alice's request for db-admin on /", moot.Subject);
        Assert.Contains("Decided by bob", moot.TextBody);
        Assert.DoesNotContain("Approve:", moot.TextBody);
    }

    [Fact]
    public async Task A_denial_tells_the_requester_why()
    {
        var (_, request) = await AlicePendingAsync(ApprovalScenario.Stage(Bob.Id));

        Assert.Equal("denied", ApprovalScenario.StatusAfter(await Bob.Client.DenyAsync(request, "Not during the change freeze")));

        var denied = await MailToAsync("alice@example.com", "Elevate: denied: ");
        Assert.Equal("Elevate: denied: db-admin on /", denied.Subject);
        Assert.Contains("bob denied it: Not during the change freeze", denied.TextBody);
    }

    [Fact]
    public async Task A_stage_without_a_decision_in_time_tells_the_requester_it_expired()
    {
        var (_, request) = await AlicePendingAsync(ApprovalScenario.Stage(Bob.Id) with { Timeout = "P1D" });
        await MailToAsync("bob@example.com", "Elevate: alice requests ");

        await App.AdvanceAsync(TimeSpan.FromDays(1) + TimeSpan.FromMinutes(1));

        Assert.Equal("timedOut", await Admin.StatusOfAsync(request));
        var expired = await MailToAsync("alice@example.com", "Elevate: expired without a decision");
        Assert.Equal("Elevate: expired without a decision: db-admin on /", expired.Subject);
    }
}

public sealed class ApprovalMailTestsOnSqlite() : ApprovalMailTests(DatabaseKind.Sqlite);

public sealed class ApprovalMailTestsOnPostgres() : ApprovalMailTests(DatabaseKind.Postgres);
