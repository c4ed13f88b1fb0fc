using Elevate.Server.Tests.Approvals;
using Elevate.Server.Tests.Infrastructure;

namespace Elevate.Server.Tests.Notifications;

/// <summary>
/// The approve / deny links in approvers' mails: they open a confirmation page for the signed-in approver they were
/// sent to, never decide on GET, work once, and expire.
/// </summary>
public abstract class ApprovalLinkTests(DatabaseKind kind) : NotificationTest(kind)
{
    [Fact]
    public async Task A_link_shows_the_request_decides_only_when_confirmed_and_works_once()
    {
        var (_, request) = await AlicePendingAsync(ApprovalScenario.Stage(Bob.Id));
        var link = LinkIn(await MailToAsync("bob@example.com", "Elevate: alice requests "), "approve");
        var bob = await PortalBrowserAsync(Bob);

        var page = (await bob.GetPageAsync(link)).ShouldBe(200);
        Assert.Contains("alice", page.SectionText("request"));
        Assert.Contains("db-admin", page.SectionText("request"));
        Assert.NotNull(page.Section("decide"));
        Assert.Empty(page.Errors);
        await AssertUndecidedAsync(request);

        var confirmed = await bob.PostFormAsync($"/approvals/{request}?handler=Decide", new { Verdict = "approve", Link = TokenOf(link) }, page);
        confirmed.ShouldRedirectTo($"/approvals/{request}");
        Assert.Equal("provisioned", await Admin.StatusOfAsync(request));
        var decisions = await Admin.DecisionsAsync(request);
        Assert.Single(decisions);

        var again = await bob.PostFormAsync($"/approvals/{request}?handler=Decide", new { Verdict = "approve", Link = TokenOf(link) }, page);
        Assert.NotEqual(302, again.Status);
        Assert.NotEmpty(again.Errors);
        Assert.Equal("provisioned", await Admin.StatusOfAsync(request));
        Assert.Single(await Admin.DecisionsAsync(request));
    }

    [Fact]
    public async Task A_used_link_is_refused_while_the_request_still_waits()
    {
        var (_, request) = await AlicePendingAsync(ApprovalScenario.Stage(Bob.Id, Carol.Id) with { Quorum = 2 });
        var link = LinkIn(await MailToAsync("bob@example.com", "Elevate: alice requests "), "approve");
        var bob = await PortalBrowserAsync(Bob);
        var page = (await bob.GetPageAsync(link)).ShouldBe(200);

        (await bob.PostFormAsync($"/approvals/{request}?handler=Decide", new { Verdict = "approve", Link = TokenOf(link) }, page)).ShouldRedirectTo($"/approvals/{request}");
        Assert.Equal("pendingApproval", await Admin.StatusOfAsync(request));

        var again = await bob.PostFormAsync($"/approvals/{request}?handler=Decide", new { Verdict = "approve", Link = TokenOf(link) }, page);
        Assert.NotEqual(302, again.Status);
        Assert.NotEmpty(again.Errors);
        Assert.Single(await Admin.DecisionsAsync(request));
        Assert.Equal("pendingApproval", await Admin.StatusOfAsync(request));
    }

    [Fact]
    public async Task Another_approver_cannot_use_a_link_sent_to_someone_else()
    {
        var (_, request) = await AlicePendingAsync(ApprovalScenario.Stage(Bob.Id, Carol.Id));
        var link = LinkIn(await MailToAsync("bob@example.com", "Elevate: alice requests "), "approve");
        var carol = await PortalBrowserAsync(Carol);

        var page = (await carol.GetPageAsync(link)).ShouldBe(200);
        Assert.Contains(page.Errors, e => e.Contains("sent to another approver", StringComparison.Ordinal));
        await AssertUndecidedAsync(request);

        var posted = await carol.PostFormAsync($"/approvals/{request}?handler=Decide", new { Verdict = "approve", Link = TokenOf(link) }, page);
        Assert.DoesNotContain(await Admin.DecisionsAsync(request), d => d.GetProperty("approverId").GetGuid() == Bob.Id);
        Assert.NotEqual(302, posted.Status);
        await AssertUndecidedAsync(request);
    }

    [Fact]
    public async Task An_expired_link_is_refused()
    {
        var (_, request) = await AlicePendingAsync(ApprovalScenario.Stage(Bob.Id) with { Timeout = "P7D" });
        var link = LinkIn(await MailToAsync("bob@example.com", "Elevate: alice requests "), "approve");

        await App.AdvanceAsync(TimeSpan.FromDays(2) + TimeSpan.FromMinutes(1));
        Assert.Equal("pendingApproval", await Admin.StatusOfAsync(request));
        var bob = await PortalBrowserAsync(Bob);

        var page = (await bob.GetPageAsync(link)).ShouldBe(200);
        Assert.Contains(page.Errors, e => e.Contains("expired", StringComparison.Ordinal));
        var posted = await bob.PostFormAsync($"/approvals/{request}?handler=Decide", new { Verdict = "approve", Link = TokenOf(link) }, page);
        Assert.NotEqual(302, posted.Status);
        await AssertUndecidedAsync(request);
    }

    [Fact]
    public async Task A_link_opened_without_signing_in_leads_to_the_sign_in_page()
    {
        var (_, request) = await AlicePendingAsync(ApprovalScenario.Stage(Bob.Id));
        var link = LinkIn(await MailToAsync("bob@example.com", "Elevate: alice requests "), "approve");

        using var browser = new PortalClient(App);
        (await browser.GetPageAsync(link)).ShouldRedirectTo("/signin");
        await AssertUndecidedAsync(request);
    }
}

public sealed class ApprovalLinkTestsOnSqlite() : ApprovalLinkTests(DatabaseKind.Sqlite);

public sealed class ApprovalLinkTestsOnPostgres() : ApprovalLinkTests(DatabaseKind.Postgres);
