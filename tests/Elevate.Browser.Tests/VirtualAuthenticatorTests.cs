using Elevate.Browser.Tests.Infrastructure;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Playwright;

namespace Elevate.Browser.Tests;

[Collection(BrowserCollection.Name)]
public sealed class VirtualAuthenticatorTests(BrowserFixture browser)
{
    /// <summary>A page like the portal's: a strict content security policy, so its script is a file of its own.</summary>
    private const string PageHtml = """
        <!doctype html>
        <html lang="en">
        <head><meta charset="utf-8"><title>Passkey</title><script src="/passkey.js" defer></script></head>
        <body>
          <button id="register" type="button">Register a passkey</button>
          <button id="sign-in" type="button">Sign in with a passkey</button>
          <output id="registered"></output>
          <output id="signed-in"></output>
        </body>
        </html>
        """;

    private const string PageScript = """
        const challenge = new Uint8Array(32).fill(7);
        const show = (id, text) => { document.getElementById(id).textContent = text; };
        document.getElementById("register").addEventListener("click", async () => {
          try {
            const credential = await navigator.credentials.create({ publicKey: {
              challenge,
              rp: { id: "localhost", name: "Browser test" },
              user: { id: new Uint8Array([1, 2, 3, 4]), name: "alice", displayName: "Alice" },
              pubKeyCredParams: [{ type: "public-key", alg: -7 }, { type: "public-key", alg: -257 }],
              authenticatorSelection: { residentKey: "required", userVerification: "required" },
              timeout: 10000,
            } });
            show("registered", credential.id);
          } catch (e) {
            show("registered", "error: " + e.name + ": " + e.message);
          }
        });
        document.getElementById("sign-in").addEventListener("click", async () => {
          try {
            // Chromium waits at least 10 s for an authenticator that is not there; the page gives up sooner.
            const assertion = await navigator.credentials.get({
              publicKey: { challenge, rpId: "localhost", userVerification: "required", timeout: 10000 },
              signal: AbortSignal.timeout(3000),
            });
            show("signed-in", assertion.id);
          } catch (e) {
            show("signed-in", "error: " + e.name + ": " + e.message);
          }
        });
        """;

    [Fact]
    public async Task Virtual_authenticator_registers_and_uses_a_passkey_on_localhost()
    {
        await using var site = await StartSiteAsync();
        var (context, page) = await browser.NewPageAsync();
        await using var _ = context;
        await using var authenticator = await VirtualAuthenticator.AttachAsync(page);
        await page.GotoAsync(site.BaseUrl + "/");

        await page.ClickAsync("#register");
        await Assertions.Expect(page.Locator("#registered")).Not.ToBeEmptyAsync();
        var registered = await page.Locator("#registered").TextContentAsync();
        Assert.DoesNotContain("error", registered, StringComparison.Ordinal);

        var credential = Assert.Single(await authenticator.GetCredentialsAsync());
        Assert.Equal(registered, credential.CredentialIdBase64Url);
        Assert.Equal("localhost", credential.RpId);
        Assert.True(credential.IsResidentCredential);
        Assert.Equal(Convert.ToBase64String([1, 2, 3, 4]), credential.UserHandle);

        await page.ClickAsync("#sign-in");
        await Assertions.Expect(page.Locator("#signed-in")).ToHaveTextAsync(registered!);
        Assert.True((await authenticator.GetCredentialsAsync())[0].SignCount > credential.SignCount);
    }

    [Fact]
    public async Task Removed_authenticator_leaves_the_page_without_a_passkey()
    {
        await using var site = await StartSiteAsync();
        var (context, page) = await browser.NewPageAsync();
        await using var _ = context;
        var authenticator = await VirtualAuthenticator.AttachAsync(page);
        await page.GotoAsync(site.BaseUrl + "/");
        await page.ClickAsync("#register");
        await Assertions.Expect(page.Locator("#registered")).Not.ToBeEmptyAsync();

        await authenticator.RemoveAsync();
        await page.ClickAsync("#sign-in");

        // No authenticator answers, so the page's own time limit ends the ceremony.
        await Assertions.Expect(page.Locator("#signed-in")).ToContainTextAsync("TimeoutError", new() { Timeout = 10_000 });
        await authenticator.DisposeAsync();
    }

    private static async Task<LoopbackApp> StartSiteAsync()
    {
        var builder = LoopbackApp.CreateBuilder();
        var web = builder.Build();
        web.Use(async (http, next) =>
        {
            http.Response.Headers.ContentSecurityPolicy = "default-src 'self'";
            await next(http);
        });
        web.MapGet("/", () => Results.Content(PageHtml, "text/html"));
        web.MapGet("/passkey.js", () => Results.Content(PageScript, "text/javascript"));
        return await LoopbackApp.StartAsync(web);
    }
}
