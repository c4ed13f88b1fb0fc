using Elevate.Browser.Tests.Infrastructure;
using Elevate.Server.Tests.Infrastructure;
using Microsoft.Playwright;

namespace Elevate.Browser.Tests;

/// <summary>Activating a role that requires a fresh second factor, on My roles in a real browser.</summary>
[Collection(BrowserCollection.Name)]
public sealed class StepUpActivationTests(BrowserFixture browser)
{
    private const string Role = "Database Administrator";

    private const string Justification = "INC-4411: payments database failover";

    [Fact]
    public async Task An_activation_that_requires_mfa_is_refused_without_a_fresh_factor_and_granted_with_one()
    {
        await using var elevate = await LiveElevate.StartAsync();
        var (_, invited, roleId) = await elevate.InviteEligibleUserAsync("bob", Role);
        var (context, page) = await browser.NewPageAsync();
        await using var _ = context;
        await using var authenticator = await VirtualAuthenticator.AttachAsync(page);
        var bob = new PortalSession(elevate, page);
        await bob.SetUpWithTotpAsync(invited.Link);
        await bob.SignOutAsync();
        await bob.SignInWithCodeAsync("bob");
        var signInCode = bob.CodeNow();

        await bob.GotoAsync("/roles");
        var card = bob.Eligibility(Role);
        await Assertions.Expect(card.Locator(".requirements")).ToContainTextAsync("Fresh second factor required");
        await Assertions.Expect(card.GetByRole(AriaRole.Button, new() { Name = "Activate with a passkey" })).ToHaveCountAsync(0); // none yet

        // No factor at all: the form comes back with the reason, and nothing is active.
        await bob.ActivateAsync(Role, Justification);
        await Assertions.Expect(card.Locator(".error")).ToContainTextAsync($"{Role} requires a fresh second factor");
        await Assertions.Expect(bob.ActiveRole(Role)).ToHaveCountAsync(0);

        // A code the app does not show, and the code already spent on signing in: both refused.
        foreach (var code in new[] { bob.WrongCode(), signInCode })
        {
            await bob.ActivateAsync(Role, Justification, code);
            await Assertions.Expect(card.Locator(".error")).ToContainTextAsync("The code is wrong or was already used");
            await Assertions.Expect(bob.ActiveRole(Role)).ToHaveCountAsync(0);
        }

        await bob.ActivateAsync(Role, Justification, bob.NextCode());
        await bob.ExpectActiveAsync(Role);

        // Passkey step-up: the challenge is made from the form, the passkey signs it, the form is submitted.
        await bob.RegisterPasskeyAsync("Laptop");
        await bob.GotoAsync("/roles");
        await bob.ActiveRole(Role).GetByRole(AriaRole.Button, new() { Name = "Deactivate" }).ClickAsync();
        await Assertions.Expect(page.Locator("p.notice")).ToHaveTextAsync("The role is deactivated.");
        await Assertions.Expect(bob.ActiveRole(Role)).ToHaveCountAsync(0);

        // A token is no second factor: the API refuses the same activation and says which factors would do.
        var token = await bob.CreateTokenAsync("cli");
        var refused = await elevate.Api(token).ActivateAsync(roleId, "/", Scenario.For("PT1H"), Justification);
        refused.ShouldFail(403, "mfa_required");
        var factors = refused["factors"].EnumerateArray().Select(f => f.GetString()).ToList();
        Assert.Contains("totp", factors);
        Assert.Contains("webAuthn", factors);

        await bob.GotoAsync("/roles");
        var signCount = (await authenticator.GetCredentialsAsync())[0].SignCount;
        await card.Locator("textarea[name=Justification]").FillAsync(Justification);
        await card.GetByRole(AriaRole.Button, new() { Name = "Activate with a passkey" }).ClickAsync();
        await bob.ExpectActiveAsync(Role);
        Assert.True((await authenticator.GetCredentialsAsync())[0].SignCount > signCount, "The passkey should have signed the activation.");
    }
}
