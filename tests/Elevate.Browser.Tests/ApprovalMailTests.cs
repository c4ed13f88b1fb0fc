using Elevate.Browser.Tests.Infrastructure;
using Elevate.Server.Tests.Approvals;
using Elevate.Server.Tests.Infrastructure;
using Microsoft.Playwright;

namespace Elevate.Browser.Tests;

/// <summary>Mail from a live Elevate to an SMTP server on loopback, and its approval link opened in the browser.</summary>
[Collection(BrowserCollection.Name)]
public sealed class ApprovalMailTests(BrowserFixture browser)
{
    private const string Role = "Database Administrator";

    [Fact]
    public async Task The_approvers_mail_links_to_the_decide_page_in_the_browser()
    {
        await using var elevate = await LiveElevate.StartWithMailAsync();
        var admin = await elevate.RedeemAdministratorAsync();
        var approver = await admin.InviteUserAsync("carol");
        await using var carol = await PortalSession.InvitedAsync(browser, elevate, approver);
        var (aliceId, alice) = await elevate.CreateApiUserAsync(admin, "alice");
        var role = await admin.CreateRoleAsync(Role);
        (await admin.RequireApprovalAsync(role, [ApprovalScenario.Stage(approver.Id)])).ShouldBe(200);
        await admin.MakeEligibleAsync(aliceId, role);

        var request = await alice.ActivatePendingAsync(role);

        var mail = await elevate.MailToAsync("carol@example.com", "alice");
        var link = elevate.ApprovalLinkIn(mail);
        Assert.StartsWith(elevate.Url($"/approvals/{request}?"), link, StringComparison.Ordinal);
        await carol.Page.GotoAsync(link);
        await Assertions.Expect(carol.Page.GetByRole(AriaRole.Heading, new() { Level = 1 })).ToContainTextAsync($"requests {Role}");
        await Assertions.Expect(carol.Page.Locator("#request")).ToContainTextAsync("alice");
        await Assertions.Expect(carol.Page.Locator("#decide input[name=Verdict][value=approve]")).ToBeCheckedAsync();
        await carol.Page.GetByRole(AriaRole.Button, new() { Name = "Confirm decision" }).ClickAsync();

        await Assertions.Expect(carol.Page).ToHaveURLAsync(elevate.Url($"/approvals/{request}"));
        await Assertions.Expect(carol.Page.Locator("#decisions")).ToContainTextAsync("carol approved");
        Assert.Equal("provisioned", await admin.StatusOfAsync(request));
    }
}
