using Elevate.Browser.Tests.Infrastructure;
using Microsoft.Playwright;

namespace Elevate.Browser.Tests;

/// <summary>The portal's defences as a browser meets them: antiforgery tokens on forms, and a content security
/// policy that its own pages keep to.</summary>
[Collection(BrowserCollection.Name)]
public sealed class PortalSecurityTests(BrowserFixture browser)
{
    private const string TokenField = "input[name=__RequestVerificationToken]";

    [Fact]
    public async Task A_form_posted_without_its_antiforgery_token_is_refused()
    {
        await using var elevate = await LiveElevate.StartAsync();
        var (adminContext, adminPage) = await browser.NewPageAsync();
        await using var _ = adminContext;
        var admin = new PortalSession(elevate, adminPage);
        await admin.SetUpWithSecretAsync(elevate.SetupSecret.Value!);

        // Anonymous form: the right password, but no token in the form (the cookie half is still there).
        var (context, page) = await browser.NewPageAsync();
        await using var __ = context;
        await page.GotoAsync(elevate.Url("/signin"));
        await page.FillAsync("#username", "admin");
        await page.FillAsync("#password", PortalScenario.Password);
        var signIn = await PostWithoutTokenAsync(page, "#password-form", "#signin");
        Assert.Equal(400, signIn.Status);
        await page.GotoAsync(elevate.Url("/account"));
        await Assertions.Expect(page).ToHaveURLAsync(elevate.Url("/signin?returnUrl=%2Faccount"));

        // Signed-in form: starting an authenticator app without the token changes nothing.
        var start = await PostWithoutTokenAsync(adminPage, "form:has(#start-totp)", "#start-totp");
        Assert.Equal(400, start.Status);
        await admin.GotoAsync("/account/security");
        await Assertions.Expect(adminPage.Locator("#start-totp")).ToBeVisibleAsync();
        await Assertions.Expect(adminPage.Locator("#totp-secret")).ToHaveCountAsync(0);

        // The same form with its token works: the refusal was the token's doing.
        await adminPage.ClickAsync("#start-totp");
        await Assertions.Expect(adminPage.Locator("#totp-secret")).ToBeVisibleAsync();
    }

    [Fact]
    public async Task Sign_in_page_is_served_with_a_policy_that_forbids_inline_script_and_has_none()
    {
        await using var elevate = await LiveElevate.StartAsync();
        var (context, page) = await browser.NewPageAsync();
        await using var _ = context;

        var response = await page.GotoAsync(elevate.Url("/signin"));

        var policy = await response!.HeaderValueAsync("content-security-policy");
        Assert.NotNull(policy);
        var scriptSrc = policy.Split(';', StringSplitOptions.TrimEntries).SingleOrDefault(d => d.StartsWith("script-src ", StringComparison.Ordinal));
        Assert.Equal("script-src 'self'", scriptSrc);
        Assert.Contains("object-src 'none'", policy, StringComparison.Ordinal);
        Assert.Contains("frame-ancestors 'none'", policy, StringComparison.Ordinal);
        Assert.Equal(0, await page.Locator("script:not([src])").CountAsync());
        Assert.Equal(1, await page.Locator("script[src^='/js/portal.js']").CountAsync());
        Assert.False(await HasInlineEventHandlersAsync(page), "An element carries an inline event handler (onclick=…), which the policy blocks.");
    }

    [Fact]
    public async Task Portal_pages_run_their_script_without_content_security_policy_violations()
    {
        await using var elevate = await LiveElevate.StartAsync();
        var (_, invited, _) = await elevate.InviteEligibleUserAsync("bob", "Database Administrator");
        var (context, page) = await browser.NewPageAsync();
        await using var _ = context;
        var violations = new List<string>();
        page.Console += (_, message) =>
        {
            if (message.Type == "error" && message.Text.Contains("Content Security Policy", StringComparison.Ordinal))
            {
                violations.Add($"{page.Url}: {message.Text}");
            }
        };
        var bob = new PortalSession(elevate, page);

        // The setup link works only if portal.js ran: it moves the secret from the fragment into the form.
        await bob.SetUpWithTotpAsync(invited.Link);
        foreach (var path in new[] { "/", "/roles", "/account", "/account/tokens", "/account/security" })
        {
            await bob.GotoAsync(path);
            Assert.Equal(0, await page.Locator("script:not([src])").CountAsync());
        }

        await bob.SignOutAsync();
        await bob.EnterPasswordAsync("bob");
        await Assertions.Expect(page).ToHaveURLAsync(elevate.Url("/signin/factor"));
        Assert.True(violations.Count == 0, "The browser blocked parts of the portal's own pages:\n" + string.Join("\n", violations));

        // The listener does hear the browser block something: an inline script added to the page does not run.
        var blocked = await page.EvaluateAsync<bool>("""
            () => new Promise(resolve => {
              document.addEventListener('securitypolicyviolation', () => resolve(window.inlineRan !== true), { once: true });
              const script = document.createElement('script');
              script.textContent = 'window.inlineRan = true;';
              document.body.appendChild(script);
            })
            """);
        Assert.True(blocked, "The inline script ran although the policy forbids it.");
        await page.GotoAsync(elevate.Url("/signin")); // console messages of the old page have all arrived
        Assert.Contains(violations, v => v.Contains("script-src", StringComparison.Ordinal));
    }

    /// <summary>Removes the form's hidden antiforgery field, presses the button and returns the answer to the post.</summary>
    private static async Task<IResponse> PostWithoutTokenAsync(IPage page, string form, string button)
    {
        var field = page.Locator($"{form} {TokenField}");
        await Assertions.Expect(field).ToHaveCountAsync(1);
        await field.EvaluateAsync("input => input.remove()");
        return await page.RunAndWaitForResponseAsync(() => page.ClickAsync(button), r => r.Request.Method == "POST");
    }

    private static Task<bool> HasInlineEventHandlersAsync(IPage page) => page.EvaluateAsync<bool>(
        "() => [...document.querySelectorAll('*')].some(e => [...e.attributes].some(a => a.name.startsWith('on')))");
}
