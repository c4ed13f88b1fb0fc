using System.Security.Claims;
using System.Text.Encodings.Web;
using Elevate.Browser.Tests.Infrastructure;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Authentication.OpenIdConnect;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;

namespace Elevate.Browser.Tests;

/// <summary>
/// The test identity provider works with the standard ASP.NET Core OpenID Connect handler, configured the way a
/// relying party on loopback must be, so that a failing Elevate sign-in test points at Elevate, not at the provider.
/// </summary>
[Collection(BrowserCollection.Name)]
public sealed class OidcTestProviderTests(BrowserFixture browser)
{
    private const string ProviderName = "corp";

    private static readonly OidcTestUser Alice = new("alice-0001", "alice", "correct horse", "alice@example.com", "Alice Liddell", ["pim-admins", "ops"]);

    [Theory]
    [InlineData("query")] // as Elevate asks for it
    [InlineData("form_post")] // the handler's default
    public async Task Standard_client_signs_in_with_code_flow_and_pkce(string responseMode)
    {
        await using var provider = await OidcTestProvider.StartAsync([Alice]);
        await using var client = await StartRelyingPartyAsync(provider, responseMode);
        await provider.RegisterClientAsync(OidcTestClient.ForElevate(client.BaseUrl, ProviderName));
        var (context, page) = await browser.NewPageAsync();
        await using var _ = context;

        await page.GotoAsync(client.BaseUrl + "/");
        Assert.StartsWith(provider.Authority + "connect/authorize?", page.Url, StringComparison.Ordinal);
        Assert.Contains("code_challenge_method=S256", page.Url, StringComparison.Ordinal);
        await page.GetByLabel("User name").FillAsync("alice");
        await page.GetByLabel("Password").FillAsync("correct horse");
        await page.ClickAsync("#login");

        await Assertions.Expect(page.Locator("#name")).ToHaveTextAsync("Alice Liddell");
        Assert.Equal(client.BaseUrl + "/", page.Url);
        await Assertions.Expect(page.Locator("#email")).ToHaveTextAsync("alice@example.com");
        await Assertions.Expect(page.Locator("#groups li")).ToHaveTextAsync(["pim-admins", "ops"]);
    }

    [Fact]
    public async Task Wrong_password_shows_the_form_again_with_an_error()
    {
        await using var provider = await OidcTestProvider.StartAsync([Alice]);
        await using var client = await StartRelyingPartyAsync(provider);
        await provider.RegisterClientAsync(OidcTestClient.ForElevate(client.BaseUrl, ProviderName));
        var (context, page) = await browser.NewPageAsync();
        await using var _ = context;

        await page.GotoAsync(client.BaseUrl + "/");
        await page.FillAsync("#username", "alice");
        await page.FillAsync("#password", "wrong");
        await page.ClickAsync("#login");
        await Assertions.Expect(page.GetByRole(AriaRole.Alert)).ToHaveTextAsync("The user name or password is wrong.");

        await page.FillAsync("#username", "alice");
        await page.FillAsync("#password", "correct horse");
        await page.ClickAsync("#login");
        await Assertions.Expect(page.Locator("#name")).ToHaveTextAsync("Alice Liddell");
    }

    [Fact]
    public async Task Sign_out_ends_at_the_registered_post_logout_redirect()
    {
        await using var provider = await OidcTestProvider.StartAsync([Alice]);
        await using var client = await StartRelyingPartyAsync(provider);
        await provider.RegisterClientAsync(OidcTestClient.ForElevate(client.BaseUrl, ProviderName));
        var (context, page) = await browser.NewPageAsync();
        await using var _ = context;
        await page.GotoAsync(client.BaseUrl + "/");
        await page.FillAsync("#username", "alice");
        await page.FillAsync("#password", "correct horse");
        await page.ClickAsync("#login");
        await Assertions.Expect(page.Locator("#name")).ToHaveTextAsync("Alice Liddell");

        var navigations = new List<string>();
        page.Request += (_, request) =>
        {
            if (request.IsNavigationRequest)
            {
                navigations.Add(request.Url);
            }
        };
        await page.GotoAsync(client.BaseUrl + "/sign-out");

        await Assertions.Expect(page.Locator("#signed-out")).ToHaveTextAsync("Signed out");
        Assert.Equal(client.BaseUrl + "/signed-out", page.Url);
        Assert.Contains(navigations, url => url.StartsWith(provider.Authority + "connect/endsession?", StringComparison.Ordinal));
        Assert.Contains(navigations, url => url.StartsWith($"{client.BaseUrl}/signout-callback-oidc/{ProviderName}?", StringComparison.Ordinal));
    }

    /// <summary>A throwaway relying party: cookie sign-in backed by the standard OpenID Connect handler.</summary>
    private static async Task<LoopbackApp> StartRelyingPartyAsync(OidcTestProvider provider, string responseMode = "query")
    {
        var builder = LoopbackApp.CreateBuilder();
        builder.Services.AddAuthentication(options =>
            {
                options.DefaultScheme = CookieAuthenticationDefaults.AuthenticationScheme;
                options.DefaultChallengeScheme = OpenIdConnectDefaults.AuthenticationScheme;
            })
            .AddCookie()
            .AddOpenIdConnect(options =>
            {
                options.Authority = provider.Authority;
                options.RequireHttpsMetadata = false; // the provider is on http://localhost
                options.ClientId = OidcTestClient.ElevateClientId;
                options.ClientSecret = OidcTestClient.ElevateClientSecret;
                options.ResponseType = "code";
                options.ResponseMode = responseMode;
                options.UsePkce = true;
                options.CallbackPath = $"/signin-oidc/{ProviderName}";
                options.SignedOutCallbackPath = $"/signout-callback-oidc/{ProviderName}";
                options.SignedOutRedirectUri = "/signed-out";
                options.Scope.Add("email");
                options.Scope.Add(OidcTestProvider.GroupsClaim);
                options.MapInboundClaims = false;

                // Exercises the userinfo endpoint too: the handler calls it with the access token and refuses the
                // sign-in unless the "sub" it answers matches the id_token's.
                options.GetClaimsFromUserInfoEndpoint = true;
                options.TokenValidationParameters.NameClaimType = "name";
            });
        builder.Services.AddAuthorization();

        var web = builder.Build();
        web.UseAuthentication();
        web.UseAuthorization();
        web.MapGet("/", (ClaimsPrincipal user) => Results.Content(SignedInPage(user), "text/html")).RequireAuthorization();
        web.MapGet("/sign-out", () => Results.SignOut(
            new AuthenticationProperties { RedirectUri = "/signed-out" },
            [CookieAuthenticationDefaults.AuthenticationScheme, OpenIdConnectDefaults.AuthenticationScheme]));
        web.MapGet("/signed-out", () => Results.Content("<!doctype html><title>Signed out</title><h1 id=\"signed-out\">Signed out</h1>", "text/html"));
        return await LoopbackApp.StartAsync(web);
    }

    private static string SignedInPage(ClaimsPrincipal user)
    {
        static string Encode(string? value) => HtmlEncoder.Default.Encode(value ?? "");
        var groups = string.Concat(user.FindAll(OidcTestProvider.GroupsClaim).Select(g => $"<li>{Encode(g.Value)}</li>"));
        return $"<!doctype html><title>Signed in</title><p id=\"name\">{Encode(user.Identity?.Name)}</p>"
            + $"<p id=\"email\">{Encode(user.FindFirst("email")?.Value)}</p><ul id=\"groups\">{groups}</ul>";
    }
}
