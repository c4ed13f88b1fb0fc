using Elevate.Browser.Tests.Infrastructure;
using Microsoft.Playwright;

namespace Elevate.Browser.Tests;

/// <summary>The portal on a phone: someone paged at night activates a role from their phone.</summary>
[Collection(BrowserCollection.Name)]
public sealed class PhoneViewportTests(BrowserFixture browser)
{
    private const string Role = "Database Administrator";

    private static readonly BrowserNewContextOptions Phone = new()
    {
        ViewportSize = new() { Width = 390, Height = 844 },
        DeviceScaleFactor = 3,
        IsMobile = true,
        HasTouch = true,
        Locale = "en-US",
        TimezoneId = "UTC",
    };

    [Fact]
    public async Task On_a_phone_sign_in_and_step_up_activation_work_without_sideways_scrolling()
    {
        await using var elevate = await LiveElevate.StartAsync();
        var (_, invited, _) = await elevate.InviteEligibleUserAsync("bob", Role);
        var (context, page) = await browser.NewPageAsync(Phone);
        await using var _ = context;
        var bob = new PortalSession(elevate, page);

        await bob.SetUpFromLinkAsync(invited.Link);
        await AssertFitsAsync(page);
        await bob.StartTotpAsync();
        await AssertFitsAsync(page); // the QR code and the secret, the widest things the portal shows
        await bob.ConfirmTotpAsync();
        await AssertFitsAsync(page); // with the recovery codes

        await bob.SignOutAsync();
        await AssertFitsAsync(page);
        await bob.SignInWithCodeAsync("bob");

        await bob.GotoAsync("/roles");
        await AssertFitsAsync(page);
        await bob.ActivateAsync(Role, "Paged: replica lag on payments", bob.NextCode());
        await bob.ExpectActiveAsync(Role);
        await AssertFitsAsync(page); // with the "Active now" table

        await bob.GotoAsync("/account/security");
        await AssertFitsAsync(page);
    }

    /// <summary>The page is no wider than the phone's screen: nothing needs scrolling sideways.</summary>
    private static async Task AssertFitsAsync(IPage page)
    {
        var widths = await page.EvaluateAsync<int[]>("() => [document.documentElement.scrollWidth, window.innerWidth]");
        var screen = page.ViewportSize!.Width;
        Assert.True(widths[0] <= screen && widths[1] <= screen,
            $"{page.Url} is {widths[0]} px wide (layout viewport {widths[1]} px) on a {screen} px wide phone screen.");
    }
}
