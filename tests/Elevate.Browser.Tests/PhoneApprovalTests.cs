using System.Text.RegularExpressions;
using Elevate.Browser.Tests.Infrastructure;
using Elevate.Server.Tests.Approvals;
using Elevate.Server.Tests.Infrastructure;
using Microsoft.Playwright;

namespace Elevate.Browser.Tests;

/// <summary>
/// An approver away from their desk decides on a phone: the link in the e-mail (signing in on the way), then the
/// approvals list with two more requests waiting. Neither page may need scrolling sideways on a 375 px screen.
/// </summary>
[Collection(BrowserCollection.Name)]
public sealed partial class PhoneApprovalTests(BrowserFixture browser)
{
    private const string Role = "Payments Database Administrator";

    private static readonly BrowserNewContextOptions Phone = new()
    {
        ViewportSize = new() { Width = 375, Height = 812 },
        DeviceScaleFactor = 3,
        IsMobile = true,
        HasTouch = true,
        Locale = "en-US",
        TimezoneId = "UTC",
    };

    [Fact]
    public async Task On_a_phone_an_approver_approves_from_the_mail_and_from_the_list_without_sideways_scrolling()
    {
        await using var elevate = await LiveElevate.StartWithMailAsync();
        var admin = await elevate.RedeemAdministratorAsync();
        var approver = await admin.InviteUserAsync("carol");
        await using var carol = await PortalSession.InvitedAsync(browser, elevate, approver, Phone);
        await carol.SignOutAsync();

        var role = await admin.CreateRoleAsync(Role);
        (await admin.RequireApprovalAsync(role, [ApprovalScenario.Stage(approver.Id)])).ShouldBe(200);
        var requests = new Dictionary<string, Guid>(StringComparer.Ordinal);
        foreach (var name in new[] { "alice", "bob", "dave" })
        {
            var (id, client) = await elevate.CreateApiUserAsync(admin, name);
            await admin.MakeEligibleAsync(id, role);
            requests[name] = await client.ActivatePendingAsync(role);
        }

        // The link in the mail about alice's request: sign in on the way, land on the decide page, approve.
        var link = elevate.ApprovalLinkIn(await elevate.MailToAsync("carol@example.com", "alice"));
        await carol.Page.GotoAsync(link);
        await Assertions.Expect(carol.Page).ToHaveURLAsync(SignInPage());
        await AssertFitsAsync(carol.Page);
        await carol.Page.FillAsync("#username", "carol");
        await carol.Page.FillAsync("#password", PortalScenario.Password);
        await carol.Page.ClickAsync("#signin");
        await carol.Page.FillAsync("#code", carol.NextCode());
        await carol.Page.ClickAsync("#verify");
        await Assertions.Expect(carol.Page).ToHaveURLAsync(new Regex($"/approvals/{requests["alice"]}"));
        await Assertions.Expect(carol.Page.Locator("#request")).ToContainTextAsync("alice");
        await Assertions.Expect(carol.Page.Locator("#decide input[name=Verdict][value=approve]")).ToBeCheckedAsync();
        await AssertFitsAsync(carol.Page);
        await Screenshots.SaveAsync(carol.Page, "phone-approve-from-mail");
        await carol.Page.GetByRole(AriaRole.Button, new() { Name = "Confirm decision" }).TapAsync();
        await Assertions.Expect(carol.Page.Locator("#decisions")).ToContainTextAsync("carol approved");
        await AssertFitsAsync(carol.Page);
        Assert.Equal("provisioned", await admin.StatusOfAsync(requests["alice"]));

        // The list: bob's and dave's requests wait; bob's is approved with its own card's form.
        await carol.GotoAsync("/approvals");
        var cards = carol.Page.Locator("section.approvals-card");
        await Assertions.Expect(cards).ToHaveCountAsync(2);
        await AssertFitsAsync(carol.Page);
        await Screenshots.SaveAsync(carol.Page, "phone-approvals-list");
        var bobs = carol.Page.Locator($"section[data-request=\"{requests["bob"]}\"]");
        await Assertions.Expect(bobs.GetByRole(AriaRole.Heading, new() { Level = 2 })).ToHaveTextAsync($"bob requests {Role}");
        await bobs.GetByRole(AriaRole.Button, new() { Name = "Approve", Exact = true }).TapAsync();

        await Assertions.Expect(carol.Page.Locator("p.notice")).ToBeVisibleAsync();
        await Assertions.Expect(cards).ToHaveCountAsync(1);
        await Assertions.Expect(carol.Page.Locator($"section[data-request=\"{requests["dave"]}\"]")).ToHaveCountAsync(1);
        await AssertFitsAsync(carol.Page);
        await Screenshots.SaveAsync(carol.Page, "phone-approvals-after");
        Assert.Equal("provisioned", await admin.StatusOfAsync(requests["bob"]));
        Assert.Equal("pendingApproval", await admin.StatusOfAsync(requests["dave"]));
    }

    /// <summary>The page is no wider than the phone's screen: nothing needs scrolling sideways.</summary>
    private static async Task AssertFitsAsync(IPage page)
    {
        var width = await page.EvaluateAsync<int>("() => document.documentElement.scrollWidth");
        Assert.True(width <= Phone.ViewportSize!.Width, $"{page.Url} is {width} px wide on a {Phone.ViewportSize.Width} px wide phone screen.");
    }

    [GeneratedRegex("/signin")]
    private static partial Regex SignInPage();
}
