using Elevate.Server.Tests.Infrastructure;

namespace Elevate.Server.Tests.SignIn;

/// <summary>
/// What keeps the portal and the API apart, and other sites out: every form post needs the antiforgery token from
/// Elevate's own page; a bearer token opens no portal page and posts no portal form; a portal session cookie does not
/// authenticate the API (so a page elsewhere cannot ride a signed-in browser into it).
/// </summary>
public abstract class PortalBoundaryTests(DatabaseKind kind) : PortalTest(kind)
{
    [Fact]
    public async Task Signing_in_without_the_antiforgery_token_is_refused_and_starts_no_sign_in()
    {
        var alice = await UserWithTotpAsync("alice");
        var browser = Browser();
        (await browser.GetPageAsync("/signin")).ShouldBe(200);

        (await browser.PostWithoutTokenAsync("/signin", new { UserName = "alice", Password })).ShouldBe(400);

        Assert.Null(browser.Cookie(PortalClient.PendingCookie));
        Assert.Null(browser.Cookie(PortalClient.SessionCookie));
        Assert.Empty(await AuditAsync("signin.failed", alice.Id));
        Assert.Single(await AuditAsync("signin.succeeded", alice.Id));
    }

    [Fact]
    public async Task A_refused_form_shows_the_browser_what_to_do_while_the_api_keeps_answering_problem_json()
    {
        using var client = App.CreateClient(new Microsoft.AspNetCore.Mvc.Testing.WebApplicationFactoryClientOptions { AllowAutoRedirect = false });
        using var form = new HttpRequestMessage(HttpMethod.Post, "/signin") { Content = new FormUrlEncodedContent([new("UserName", "alice"), new("Password", Password)]) };
        form.Headers.Accept.ParseAdd("text/html");
        using var missing = new HttpRequestMessage(HttpMethod.Get, "/api/v1/nothing-here");
        missing.Headers.Accept.ParseAdd("application/json");

        using var page = await client.SendAsync(form);
        using var problem = await client.SendAsync(missing);

        Assert.Equal(400, (int)page.StatusCode);
        Assert.Equal("text/html", page.Content.Headers.ContentType?.MediaType);
        Assert.Contains("reload the page and try again", await page.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(404, (int)problem.StatusCode);
        Assert.Equal("application/problem+json", problem.Content.Headers.ContentType?.MediaType);
        Assert.Contains("\"code\":\"not_found\"", await problem.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_signed_in_form_post_without_the_antiforgery_token_is_refused_and_changes_nothing()
    {
        var alice = await UserWithTotpAsync("alice");
        var browser = await SignInAsync(alice);

        (await browser.PostWithoutTokenAsync("/account/security?handler=StartTotp")).ShouldBe(400);
        (await browser.PostWithoutTokenAsync("/account/security?handler=RemoveTotp")).ShouldBe(400);
        (await browser.PostWithoutTokenAsync("/account?handler=Password", new { CurrentPassword = Password, NewPassword = "a brand new passphrase", ConfirmPassword = "a brand new passphrase" })).ShouldBe(400);
        (await browser.PostWithoutTokenAsync("/signout?handler=Everywhere")).ShouldBe(400);

        Assert.True(await IsSignedInAsync(browser));
        Assert.Null((await browser.GetPageAsync("/account/security")).TextOf("totp-secret"));
        Assert.Single(await AuditAsync("mfa.totp_enrolment_started", alice.Id));
        Assert.Empty(await AuditAsync("mfa.totp_removed", alice.Id));
        Assert.Empty(await AuditAsync("password.changed", alice.Id));
        Assert.Empty(await AuditAsync("signout.everywhere", alice.Id));
    }

    [Fact]
    public async Task The_antiforgery_token_of_one_browser_does_not_work_in_another()
    {
        var alice = await UserWithTotpAsync("alice");
        var elsewhere = await SignInAsync(alice);
        var page = await alice.Browser.GetPageAsync("/account/security");

        (await elsewhere.PostFormAsync("/account/security?handler=StartTotp", page: page)).ShouldBe(400);

        Assert.Single(await AuditAsync("mfa.totp_enrolment_started", alice.Id));
    }

    [Fact]
    public async Task A_bearer_token_opens_no_portal_page_and_posts_no_portal_form()
    {
        var dave = await UserAsync("dave");
        var browser = Browser();
        browser.UseBearer(dave.Client.Token!);

        foreach (var path in new[] { "/", "/account", "/account/security", "/account/tokens", "/roles" })
        {
            (await browser.GetPageAsync(path)).ShouldRedirectTo("/signin");
        }

        foreach (var path in new[] { "/account/security?handler=StartTotp", "/account/security?handler=RecoveryCodes", "/account/tokens?handler=Create" })
        {
            var posted = await browser.PostFormAsync(path, new { Name = "stolen", LifetimeDays = 30 });
            Assert.True(posted.Status is 302 or 400, $"POST {path} with a bearer token: expected a redirect to sign-in or a refusal, got {posted.Status}");
            Assert.True(posted.Status == 400 || posted.RedirectPath == "/signin", $"POST {path} redirected to {posted.Location}");
        }

        Assert.Empty(await AuditAsync("mfa.totp_enrolment_started", dave.Id));
        Assert.Empty(await AuditAsync("mfa.recovery_codes_generated", dave.Id));
        Assert.Single(await AuditAsync("token.created", dave.Id));
    }

    [Fact]
    public async Task A_portal_session_does_not_authenticate_the_api()
    {
        var alice = await UserWithTotpAsync("alice");
        var browser = await SignInAsync(alice);
        var api = new ApiClient(browser.Http, null);

        (await api.GetAsync("/api/v1/me")).ShouldFail(401, "unauthenticated");
        (await api.PostAsync("/api/v1/tokens", new { name = "ridden" })).ShouldFail(401, "unauthenticated");
        (await api.PostAsync("/api/v1/requests", new { action = "selfActivate", roleId = Guid.NewGuid(), scope = "/", schedule = Scenario.For("PT1H") })).ShouldFail(401, "unauthenticated");

        Assert.Empty(await AuditAsync("token.created", alice.Id));
    }

    [Fact]
    public async Task The_tokens_page_makes_and_revokes_only_the_users_own_tokens()
    {
        var alice = await UserWithTotpAsync("alice");
        var bob = await UserAsync("bob");
        var robot = (await Admin.PostAsync("/api/v1/service-accounts", new { name = "deployer" })).ShouldBe(201).Id;
        var bobsToken = (await bob.Client.GetAsync("/api/v1/tokens")).ShouldBe(200)["items"][0].GetProperty("id").GetGuid();

        var forRobot = await alice.Browser.PostFormAsync("/account/tokens?handler=Create", new { Name = "stolen", LifetimeDays = 30, ServiceAccountId = robot });
        var revoke = await alice.Browser.PostFormAsync("/account/tokens?handler=Revoke", new { TokenId = bobsToken });

        Assert.Null(forRobot.ShouldBe(200).TextOf("token-secret"));
        Assert.NotEmpty(forRobot.Errors);
        revoke.ShouldShowError("No such token.");
        (await bob.Client.GetAsync("/api/v1/me")).ShouldBe(200);
        Assert.Empty(await AuditAsync("token.created", robot));
        Assert.Empty(await AuditAsync("token.revoked", bob.Id));
    }
}

public sealed class PortalBoundaryTestsOnSqlite() : PortalBoundaryTests(DatabaseKind.Sqlite);

public sealed class PortalBoundaryTestsOnPostgres() : PortalBoundaryTests(DatabaseKind.Postgres);
