using System.Text.RegularExpressions;
using Elevate.Server.Tests.Infrastructure;

namespace Elevate.Server.Tests.SignIn;

/// <summary>Signing in to the portal: the setup link, enrolling an authenticator app, password then code, recovery codes.</summary>
public abstract class PasswordAndTotpSignInTests(DatabaseKind kind) : PortalTest(kind)
{
    [Fact]
    public async Task A_setup_link_sets_the_password_and_signs_in_but_every_page_waits_for_a_second_factor()
    {
        var alice = await NewUserAsync("alice");

        (await alice.Browser.GetPageAsync("/account")).ShouldRedirectTo("/account/security");
        (await alice.Browser.GetPageAsync("/roles")).ShouldRedirectTo("/account/security");
        (await alice.Browser.GetPageAsync("/")).ShouldRedirectTo("/account/security");
        var security = (await alice.Browser.GetPageAsync("/account/security?enrol=required")).ShouldBe(200);
        Assert.Contains("Set up a second factor to continue", security.Html, StringComparison.Ordinal);
        Assert.Single(await AuditAsync("setup_secret.redeemed", alice.Id));
        Assert.Single(await AuditAsync("password.set", alice.Id));
        Assert.Equal("setup_secret", Details(Assert.Single(await AuditAsync("signin.succeeded", alice.Id))).GetProperty("methods").GetString());
    }

    [Fact]
    public async Task Confirming_an_authenticator_app_shows_ten_recovery_codes_once_and_opens_the_portal()
    {
        var alice = await UserWithTotpAsync("alice");

        Assert.Equal(10, alice.RecoveryCodes.Count);
        Assert.Equal(10, alice.RecoveryCodes.Distinct(StringComparer.Ordinal).Count());
        Assert.All(alice.RecoveryCodes, code => Assert.Matches(new Regex("^[a-z2-9]{4}-[a-z2-9]{4}-[a-z2-9]{4}$"), code));
        (await alice.Browser.GetPageAsync("/account")).ShouldBe(200);
        var security = (await alice.Browser.GetPageAsync("/account/security")).ShouldBe(200);
        Assert.Empty(security.CodesIn("recovery-codes"));
        Assert.Null(security.TextOf("totp-secret"));
        Assert.Contains("10 unused recovery codes left", security.Html, StringComparison.Ordinal);
        Assert.Single(await AuditAsync("mfa.totp_enrolment_started", alice.Id));
        Assert.Single(await AuditAsync("mfa.totp_enrolled", alice.Id));
        Assert.Single(await AuditAsync("mfa.recovery_codes_generated", alice.Id));
    }

    [Fact]
    public async Task An_authenticator_code_that_does_not_match_does_not_confirm_the_app()
    {
        var alice = await NewUserAsync("alice");
        var started = await alice.Browser.PostFormAsync("/account/security?handler=StartTotp");
        var secret = started.TextOf("totp-secret")!;

        (await alice.Browser.PostFormAsync("/account/security?handler=ConfirmTotp", new { Code = WrongCode(secret) }, started)).ShouldShowError("That code does not match");

        Assert.Empty(await AuditAsync("mfa.totp_enrolled", alice.Id));
        (await alice.Browser.GetPageAsync("/account")).ShouldRedirectTo("/account/security");
    }

    [Fact]
    public async Task The_authenticator_secret_is_shown_once_and_a_reload_asks_only_for_the_code()
    {
        var alice = await NewUserAsync("alice");
        var started = await alice.Browser.PostFormAsync("/account/security?handler=StartTotp");
        var secret = started.TextOf("totp-secret")!;

        var reloaded = (await alice.Browser.GetPageAsync("/account/security")).ShouldBe(200);
        Assert.Null(reloaded.TextOf("totp-secret"));
        Assert.DoesNotContain(secret, reloaded.Html, StringComparison.Ordinal);

        var confirmed = (await alice.Browser.PostFormAsync("/account/security?handler=ConfirmTotp", new { Code = CodeNow(secret) }, reloaded)).ShouldBe(200);
        Assert.Empty(confirmed.Errors);
        Assert.Single(await AuditAsync("mfa.totp_enrolled", alice.Id));
    }

    [Fact]
    public async Task Password_then_a_current_code_signs_in_and_the_session_opens_the_portal()
    {
        var alice = await UserWithTotpAsync("alice");
        (await SignOutAsync(alice.Browser)).ShouldRedirectTo("/signin");
        Assert.False(await IsSignedInAsync(alice.Browser));
        var browser = Browser();

        (await EnterPasswordAsync(browser, "alice", Password)).ShouldRedirectTo("/signin/factor");
        Assert.NotNull(browser.Cookie(PortalClient.PendingCookie));
        Assert.Null(browser.Cookie(PortalClient.SessionCookie));
        Assert.False(await IsSignedInAsync(browser));
        (await EnterCodeAsync(browser, NextCode(alice.TotpSecret!))).ShouldRedirectTo("/");

        var account = (await browser.GetPageAsync("/account")).ShouldBe(200);
        Assert.Equal("alice", account.TextOf("user-name"));
        Assert.Null(browser.Cookie(PortalClient.PendingCookie));
        var signIn = (await AuditAsync("signin.succeeded", alice.Id))[^1];
        Assert.Equal("password+totp", Details(signIn).GetProperty("methods").GetString());
    }

    [Fact]
    public async Task A_wrong_code_keeps_the_user_on_the_factor_page_without_a_session()
    {
        var alice = await UserWithTotpAsync("alice");
        var browser = Browser();
        (await EnterPasswordAsync(browser, "alice", Password)).ShouldRedirectTo("/signin/factor");
        var code = NextCode(alice.TotpSecret!);

        (await EnterCodeAsync(browser, WrongCode(alice.TotpSecret!))).ShouldShowError("The code is wrong or was already used");

        Assert.Null(browser.Cookie(PortalClient.SessionCookie));
        Assert.False(await IsSignedInAsync(browser));
        Assert.Equal("wrong_second_factor", Details(Assert.Single(await AuditAsync("signin.failed", alice.Id))).GetProperty("reason").GetString());
        Assert.Single(await AuditAsync("mfa.failed", alice.Id));
        (await EnterCodeAsync(browser, code)).ShouldRedirectTo("/");
    }

    [Fact]
    public async Task A_code_signs_in_once_even_within_its_30_second_step()
    {
        var alice = await UserWithTotpAsync("alice");
        var code = NextCode(alice.TotpSecret!);
        var first = Browser();
        var second = Browser();
        (await EnterPasswordAsync(first, "alice", Password)).ShouldRedirectTo("/signin/factor");
        (await EnterPasswordAsync(second, "alice", Password)).ShouldRedirectTo("/signin/factor");

        (await EnterCodeAsync(first, code)).ShouldRedirectTo("/");
        (await EnterCodeAsync(second, code)).ShouldShowError("The code is wrong or was already used");

        Assert.True(await IsSignedInAsync(first));
        Assert.False(await IsSignedInAsync(second));
    }

    [Fact]
    public async Task The_code_that_confirmed_the_app_does_not_sign_in()
    {
        var alice = await NewUserAsync("alice");
        var started = await alice.Browser.PostFormAsync("/account/security?handler=StartTotp");
        var secret = started.TextOf("totp-secret")!;
        var code = CodeNow(secret);
        await alice.Browser.PostFormAsync("/account/security?handler=ConfirmTotp", new { Code = code }, started);
        var browser = Browser();
        (await EnterPasswordAsync(browser, "alice", Password)).ShouldRedirectTo("/signin/factor");

        (await EnterCodeAsync(browser, code)).ShouldShowError("The code is wrong or was already used");
    }

    [Fact]
    public async Task A_recovery_code_signs_in_once_and_is_refused_the_second_time()
    {
        var alice = await UserWithTotpAsync("alice");
        var first = Browser();
        var second = Browser();
        (await EnterPasswordAsync(first, "alice", Password)).ShouldRedirectTo("/signin/factor");
        (await EnterPasswordAsync(second, "alice", Password)).ShouldRedirectTo("/signin/factor");

        (await EnterRecoveryCodeAsync(first, alice.RecoveryCodes[0])).ShouldRedirectTo("/");
        (await EnterRecoveryCodeAsync(second, alice.RecoveryCodes[0])).ShouldShowError("That recovery code is wrong or was already used.");
        Assert.False(await IsSignedInAsync(second));

        // Typed as people do from paper: capitals, no dashes. Another unused code still works.
        (await EnterRecoveryCodeAsync(second, alice.RecoveryCodes[1].Replace("-", " ", StringComparison.Ordinal).ToUpperInvariant())).ShouldRedirectTo("/");
        var used = await AuditAsync("mfa.recovery_code_used", alice.Id);
        Assert.Equal([9, 8], used.Select(e => Details(e).GetProperty("left").GetInt32()));
        Assert.Contains("8 unused recovery codes left", (await second.GetPageAsync("/account/security")).Html, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_factor_page_needs_a_password_first_and_takes_a_code_only_within_five_minutes_of_it()
    {
        var alice = await UserWithTotpAsync("alice");
        var browser = Browser();

        (await browser.GetPageAsync("/signin/factor")).ShouldRedirectTo("/signin");
        (await browser.PostFormAsync("/signin/factor", new { Code = NextCode(alice.TotpSecret!) }, await browser.GetPageAsync("/signin"))).ShouldRedirectTo("/signin");

        (await EnterPasswordAsync(browser, "alice", Password)).ShouldRedirectTo("/signin/factor");
        var factorPage = (await browser.GetPageAsync("/signin/factor")).ShouldBe(200);
        App.Time.Advance(TimeSpan.FromMinutes(5));
        (await browser.PostFormAsync("/signin/factor", new { Code = NextCode(alice.TotpSecret!) }, factorPage)).ShouldRedirectTo("/signin");

        Assert.False(await IsSignedInAsync(browser));
    }

    [Fact]
    public async Task The_same_code_sent_from_several_browsers_at_once_signs_in_only_one()
    {
        var alice = await UserWithTotpAsync("alice");
        var browsers = Enumerable.Range(0, 5).Select(_ => Browser()).ToList();
        var pages = new List<PortalPage>();
        foreach (var browser in browsers)
        {
            (await EnterPasswordAsync(browser, "alice", Password)).ShouldRedirectTo("/signin/factor");
            pages.Add(await browser.GetPageAsync("/signin/factor"));
        }

        var code = NextCode(alice.TotpSecret!);
        var answers = await Task.WhenAll(browsers.Select((b, i) => b.PostFormAsync("/signin/factor", new { Code = code }, pages[i])));

        Assert.Equal(1, answers.Count(a => a.Status == 302 && a.RedirectPath == "/"));
        Assert.All(answers.Where(a => a.Status != 302), a => a.ShouldShowError("The code is wrong or was already used"));
    }

    [Fact]
    public async Task Sign_in_returns_to_the_local_page_asked_for_and_never_to_another_site()
    {
        var alice = await UserWithTotpAsync("alice");

        foreach (var (returnUrl, expected) in new[]
                 {
                     ("/roles", "/roles"), ("https://evil.example/", "/"), ("//evil.example/", "/"), ("/\\evil.example/", "/"),
                 })
        {
            var browser = Browser();
            (await browser.PostFormAsync("/signin", new { UserName = "alice", Password, ReturnUrl = returnUrl })).ShouldRedirectTo("/signin/factor");
            var signedIn = await EnterCodeAsync(browser, NextCode(alice.TotpSecret!));
            Assert.True(signedIn.Status == 302 && signedIn.Location == expected, $"returnUrl {returnUrl}: expected a redirect to {expected}, got {signedIn.Status} to {signedIn.Location}");
        }
    }

    [Fact]
    public async Task Changing_factors_or_making_a_token_needs_a_sign_in_at_most_15_minutes_old()
    {
        var alice = await UserWithTotpAsync("alice");
        App.Time.Advance(TimeSpan.FromMinutes(14));
        Assert.True(await IsSignedInAsync(alice.Browser));
        App.Time.Advance(TimeSpan.FromMinutes(2));

        (await alice.Browser.PostFormAsync("/account/security?handler=StartTotp")).ShouldShowError("needs a recent sign-in", 403);
        (await alice.Browser.PostFormAsync("/account/security?handler=RemoveTotp")).ShouldShowError("needs a recent sign-in", 403);
        (await alice.Browser.PostFormAsync("/account/security?handler=RecoveryCodes")).ShouldShowError("needs a recent sign-in", 403);
        (await alice.Browser.PostFormAsync("/account/tokens?handler=Create", new { Name = "cli", LifetimeDays = 30 })).ShouldShowError("needs a recent sign-in");

        Assert.Single(await AuditAsync("mfa.totp_enrolment_started", alice.Id));
        Assert.Single(await AuditAsync("mfa.recovery_codes_generated", alice.Id));
        Assert.Empty(await AuditAsync("mfa.totp_removed", alice.Id));
        Assert.Empty(await AuditAsync("token.created", alice.Id));
        var fresh = await SignInAsync(alice);
        (await fresh.PostFormAsync("/account/security?handler=RecoveryCodes")).ShouldBe(200);
    }

    private static Task<PortalPage> EnterRecoveryCodeAsync(PortalClient browser, string code) =>
        browser.PostFormAsync("/signin/factor?handler=Recovery", new { RecoveryCode = code });
}

public sealed class PasswordAndTotpSignInTestsOnSqlite() : PasswordAndTotpSignInTests(DatabaseKind.Sqlite);

public sealed class PasswordAndTotpSignInTestsOnPostgres() : PasswordAndTotpSignInTests(DatabaseKind.Postgres);
