using System.Text.Json;
using Elevate.Browser.Tests.Infrastructure;
using Elevate.Server.Tests.Approvals;
using Elevate.Server.Tests.Infrastructure;
using Microsoft.Playwright;

namespace Elevate.Browser.Tests;

/// <summary>Setting a password, enrolling second factors and signing in, in a real browser against a live Elevate.</summary>
[Collection(BrowserCollection.Name)]
public sealed class PortalSignInTests(BrowserFixture browser)
{
    [Fact]
    public async Task Administrator_sets_a_password_enrols_totp_and_signs_in_with_password_and_code()
    {
        await using var elevate = await LiveElevate.StartAsync();
        var (context, page) = await browser.NewPageAsync();
        await using var _ = context;
        var admin = new PortalSession(elevate, page);

        await admin.SetUpWithSecretAsync(elevate.SetupSecret.Value!);
        await Assertions.Expect(page.Locator("p.notice")).ToContainTextAsync("Set up a second factor to continue");

        // Until a factor exists, every other page sends the administrator back to enrol one.
        await admin.GotoAsync("/roles");
        await Assertions.Expect(page).ToHaveURLAsync(elevate.Url("/account/security?enrol=required"));

        var recoveryCodes = await admin.EnrolTotpAsync();
        Assert.Equal(10, recoveryCodes.Distinct(StringComparer.Ordinal).Count());
        await Assertions.Expect(page.Locator("#totp")).ToContainTextAsync("An authenticator app is set up.");
        await Assertions.Expect(page.Locator("#totp-secret")).ToHaveCountAsync(0);

        await admin.SignOutAsync();
        await admin.GotoAsync("/");
        await Assertions.Expect(page).ToHaveURLAsync(elevate.Url("/signin?returnUrl=%2F"));

        await admin.EnterPasswordAsync("admin");
        await Assertions.Expect(page).ToHaveURLAsync(elevate.Url("/signin/factor"));
        await Assertions.Expect(page.Locator("#use-passkey")).ToHaveCountAsync(0); // no passkey enrolled, none offered
        await page.FillAsync("#code", admin.NextCode());
        await page.ClickAsync("#verify");

        await admin.ExpectHomePageAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Button, new() { Name = "Sign out", Exact = true })).ToBeVisibleAsync();
    }

    [Fact]
    public async Task A_passkey_is_registered_and_signs_in_alone_and_as_second_factor()
    {
        await using var elevate = await LiveElevate.StartAsync();
        var admin = await elevate.RedeemAdministratorAsync();
        var invited = await admin.InviteUserAsync("bob");
        var (context, page) = await browser.NewPageAsync();
        await using var _ = context;
        await using var authenticator = await VirtualAuthenticator.AttachAsync(page);
        var bob = new PortalSession(elevate, page);

        // portal.js copies the secret from the link's fragment into the form and removes it from the address bar.
        await page.GotoAsync(invited.Link);
        var secret = invited.Link[(invited.Link.IndexOf('#', StringComparison.Ordinal) + 1)..];
        await Assertions.Expect(page.Locator("#secret")).ToHaveValueAsync(secret);
        Assert.Equal(elevate.Url("/setup"), page.Url);
        Assert.Equal("", await page.EvaluateAsync<string>("location.hash"));
        await bob.ChoosePasswordAsync();

        await bob.RegisterPasskeyAsync("Laptop");
        await Assertions.Expect(page.Locator("#recovery-codes code")).ToHaveCountAsync(10); // the first factor comes with them
        var credential = Assert.Single(await authenticator.GetCredentialsAsync());
        Assert.Equal("localhost", credential.RpId);
        Assert.True(credential.IsResidentCredential, "Passwordless sign-in needs a discoverable credential.");

        await bob.SignOutAsync();
        await page.ClickAsync("#signin-passkey");
        await bob.ExpectHomePageAsync();

        await bob.SignOutAsync();
        await bob.EnterPasswordAsync("bob");
        await Assertions.Expect(page).ToHaveURLAsync(elevate.Url("/signin/factor"));
        await Assertions.Expect(page.Locator("#code")).ToHaveCountAsync(0); // no authenticator app, no code field
        await page.ClickAsync("#use-passkey");
        await bob.ExpectHomePageAsync();

        Assert.True((await authenticator.GetCredentialsAsync())[0].SignCount >= credential.SignCount + 2, "Each sign-in should have used the passkey.");
        var registered = (await admin.GetAsync("/api/v1/audit/events?action=mfa.webauthn_registered")).ShouldBe(200)["items"];
        Assert.Equal(invited.Id, Assert.Single(registered.EnumerateArray()).GetProperty("principalId").GetGuid());
        var signIns = (await admin.GetAsync($"/api/v1/audit/events?action=signin.succeeded&principalId={invited.Id}")).ShouldBe(200)["items"]
            .EnumerateArray().Select(e => JsonDocument.Parse(e.GetProperty("details").GetString()!).RootElement.GetProperty("methods").GetString());
        Assert.Equal(["password+webauthn", "passkey", "setup_secret"], signIns); // newest first
    }

    [Fact]
    public async Task A_security_key_without_discoverable_credentials_works_as_a_second_factor()
    {
        await using var elevate = await LiveElevate.StartAsync();
        var admin = await elevate.RedeemAdministratorAsync();
        var invited = await admin.InviteUserAsync("carol");
        var (context, page) = await browser.NewPageAsync();
        await using var _ = context;
        await using var key = await VirtualAuthenticator.AttachAsync(page, hasResidentKey: false);
        var carol = new PortalSession(elevate, page);
        await page.GotoAsync(invited.Link);
        await carol.ChoosePasswordAsync();

        await carol.RegisterPasskeyAsync("Security key");
        Assert.False(Assert.Single(await key.GetCredentialsAsync()).IsResidentCredential);

        await carol.SignOutAsync();
        await carol.EnterPasswordAsync("carol");
        await page.ClickAsync("#use-passkey");
        await carol.ExpectHomePageAsync();
    }

    [Fact]
    public async Task The_administrator_and_another_user_are_signed_in_side_by_side_and_one_of_them_again_elsewhere()
    {
        await using var elevate = await LiveElevate.StartAsync();
        await using var admin = await PortalSession.AdministratorAsync(browser, elevate);
        var api = await admin.ApiAsync();
        var invited = await api.InviteUserAsync("bob");
        await using var bob = await PortalSession.InvitedAsync(browser, elevate, invited);

        await using var bobsPhone = await bob.SignInElsewhereAsync(browser, "bob", new() { ViewportSize = new() { Width = 375, Height = 812 }, IsMobile = true });

        await admin.GotoAsync("/");
        await Assertions.Expect(admin.Page.Locator(".signout .who")).ToHaveTextAsync("admin");
        await bob.GotoAsync("/");
        await Assertions.Expect(bob.Page.Locator(".signout .who")).ToHaveTextAsync("bob");
        await Assertions.Expect(bobsPhone.Page.Locator(".signout .who")).ToHaveTextAsync("bob");
        Assert.Equal(invited.Id, await elevate.Api(await bob.CreateTokenAsync("cli")).MyIdAsync());

        await bobsPhone.SignOutAsync();
        await bob.GotoAsync("/");
        await Assertions.Expect(bob.Page).ToHaveURLAsync(elevate.Url("/")); // the laptop's session is its own
    }
}
