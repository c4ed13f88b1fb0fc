using System.Text.Json;
using System.Text.RegularExpressions;
using Elevate.Browser.Tests.Infrastructure;
using Elevate.Server.Tests.Infrastructure;
using Microsoft.Playwright;

namespace Elevate.Browser.Tests;

/// <summary>Signing in to Elevate through a real OpenID Connect provider, from the portal's button to the user Elevate
/// keeps.</summary>
[Collection(BrowserCollection.Name)]
public sealed class SingleSignOnTests(BrowserFixture browser)
{
    private const string ProviderName = "corp";

    private static readonly OidcTestUser Alice = new("alice-0001", "alice", "correct horse", "alice@example.com", "Alice Liddell", ["ops"]);

    [Fact]
    public async Task Single_sign_on_through_an_openid_connect_provider_creates_the_user_and_their_groups()
    {
        await using var idp = await OidcTestProvider.StartAsync([Alice]);
        await using var elevate = await StartElevateAsync(idp, createUsers: true);
        var admin = await elevate.RedeemAdministratorAsync();
        var ops = await admin.CreateGroupAsync("ops");
        var (context, page) = await browser.NewPageAsync();
        await using var _ = context;

        await SignInAtProviderAsync(page, elevate, idp);

        // Signed in; with RequireSecondFactor on (the default), a new user's first stop is enrolling a factor.
        await Assertions.Expect(page).ToHaveURLAsync(elevate.Url("/account/security?enrol=required"));
        await Assertions.Expect(page.Locator("header .who")).ToHaveTextAsync("alice");

        var alice = Assert.Single((await admin.GetAsync("/api/v1/users?name=alice")).ShouldBe(200)["items"].EnumerateArray());
        Assert.Equal("alice", alice.GetProperty("name").GetString());
        Assert.Equal("Alice Liddell", alice.GetProperty("displayName").GetString());
        Assert.Equal("alice@example.com", alice.GetProperty("email").GetString());
        var members = (await admin.GetAsync($"/api/v1/groups/{ops}/members")).ShouldBe(200)["items"].EnumerateArray();
        Assert.Equal(alice.GetProperty("id").GetGuid(), Assert.Single(members).GetProperty("id").GetGuid());

        var signIn = Assert.Single((await admin.GetAsync("/api/v1/audit/events?action=signin.succeeded")).ShouldBe(200)["items"].EnumerateArray());
        var methods = JsonDocument.Parse(signIn.GetProperty("details").GetString()!).RootElement.GetProperty("methods").GetString();
        Assert.Equal($"oidc:{ProviderName}", methods);
    }

    [Fact]
    public async Task Single_sign_on_of_someone_without_an_elevate_user_ends_on_the_sign_in_page_when_users_are_not_created()
    {
        await using var idp = await OidcTestProvider.StartAsync([Alice]);
        await using var elevate = await StartElevateAsync(idp, createUsers: false);
        var admin = await elevate.RedeemAdministratorAsync();
        var (context, page) = await browser.NewPageAsync();
        await using var _ = context;

        await SignInAtProviderAsync(page, elevate, idp);

        await Assertions.Expect(page).ToHaveURLAsync(elevate.Url("/signin?error=sso_user"));
        await Assertions.Expect(page.GetByRole(AriaRole.Alert).First).ToHaveTextAsync(
            "Your account at the identity provider is not linked to an Elevate user. Ask an administrator.");
        Assert.Empty((await admin.GetAsync("/api/v1/users?name=alice")).ShouldBe(200)["items"].EnumerateArray());
        await page.GotoAsync(elevate.Url("/account"));
        await Assertions.Expect(page).ToHaveURLAsync(elevate.Url("/signin?returnUrl=%2Faccount"));
    }

    /// <summary>Elevate with the provider as "corp", and the provider told about Elevate's redirect URIs.</summary>
    private static async Task<LiveElevate> StartElevateAsync(OidcTestProvider idp, bool createUsers)
    {
        const string Provider = "Elevate:Authentication:OpenIdConnect:Providers:0:";
        var elevate = await LiveElevate.StartAsync(new Dictionary<string, string?>
        {
            [Provider + "Name"] = ProviderName,
            [Provider + "DisplayName"] = "Corp login",
            [Provider + "Authority"] = idp.Authority,
            [Provider + "ClientId"] = OidcTestClient.ElevateClientId,
            [Provider + "ClientSecret"] = OidcTestClient.ElevateClientSecret,
            [Provider + "Scopes:0"] = OidcTestProvider.GroupsClaim,
            [Provider + "CreateUsers"] = createUsers ? "true" : "false",
            [Provider + "GroupsClaim"] = OidcTestProvider.GroupsClaim,
            [Provider + "RequireHttpsMetadata"] = "false", // the provider is on http://localhost
        });
        await idp.RegisterClientAsync(OidcTestClient.ForElevate(elevate.BaseUrl, ProviderName));
        return elevate;
    }

    /// <summary>Presses the portal's single sign-on button and signs in as Alice at the provider's own form.</summary>
    private static async Task SignInAtProviderAsync(IPage page, LiveElevate elevate, OidcTestProvider idp)
    {
        await page.GotoAsync(elevate.Url("/signin"));
        await Assertions.Expect(page.Locator($"#sso-{ProviderName}")).ToHaveTextAsync("Sign in with Corp login");
        await page.ClickAsync($"#sso-{ProviderName}");
        await Assertions.Expect(page).ToHaveURLAsync(new Regex("^" + Regex.Escape(idp.Authority + "connect/authorize?")));
        await page.FillAsync("#username", Alice.UserName);
        await page.FillAsync("#password", Alice.Password);
        await page.ClickAsync("#login");
    }
}
