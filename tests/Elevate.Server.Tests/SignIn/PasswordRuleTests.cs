using Elevate.Server.Tests.Infrastructure;

namespace Elevate.Server.Tests.SignIn;

/// <summary>
/// New passwords, at /setup and on the account page, are long, not common and not the user's own name; a refused
/// password changes nothing. Changing the password needs the current one and ends the user's other sessions.
/// </summary>
public abstract class PasswordRuleTests(DatabaseKind kind) : PortalTest(kind)
{
    private const string NewPassword = "quiet lantern meadow";

    /// <summary>Passwords alice may not choose, with (part of) the reason the page gives.</summary>
    private static readonly (string Password, string Error)[] Refused =
    [
        ("short words", "Use at least 12 characters"),
        ("password1234", "lists of common passwords"),
        ("alice in wonderland", "contains your user name"),
    ];

    [Fact]
    public async Task A_setup_password_that_breaks_a_rule_is_refused_and_the_link_still_works()
    {
        var alice = await CreateUserAsync("alice");
        var secret = await SetupSecretAsync(alice);
        var browser = Browser();

        foreach (var (password, error) in Refused)
        {
            (await SetPasswordAsync(browser, secret, password)).ShouldShowError(error);
        }

        (await SetPasswordAsync(browser, secret, Password, confirm: Password + "!")).ShouldShowError("The two passwords differ.");
        Assert.Null(browser.Cookie(PortalClient.SessionCookie));
        Assert.Empty(await AuditAsync("password.set", alice));
        Assert.Empty(await AuditAsync("setup_secret.redeemed", alice));
        (await SetPasswordAsync(browser, secret, Password)).ShouldRedirectTo("/account/security");
    }

    [Fact]
    public async Task A_new_password_on_the_account_page_needs_the_current_one_and_must_follow_the_rules()
    {
        var alice = await UserWithTotpAsync("alice");

        (await ChangePasswordAsync(alice.Browser, "not my password", NewPassword)).ShouldShowError("The current password is not right.");
        foreach (var (password, error) in Refused)
        {
            (await ChangePasswordAsync(alice.Browser, Password, password)).ShouldShowError(error);
        }

        (await ChangePasswordAsync(alice.Browser, Password, NewPassword, confirm: NewPassword + "!")).ShouldShowError("The two passwords differ.");
        Assert.Single(await AuditAsync("password.change_failed", alice.Id));
        Assert.Empty(await AuditAsync("password.changed", alice.Id));
        (await EnterPasswordAsync(Browser(), "alice", Password)).ShouldRedirectTo("/signin/factor");
    }

    [Fact]
    public async Task Changing_the_password_ends_the_users_other_sessions_and_keeps_this_one()
    {
        var alice = await UserWithTotpAsync("alice");
        var laptop = await SignInAsync(alice);

        (await ChangePasswordAsync(alice.Browser, Password, NewPassword)).ShouldRedirectTo("/account");

        Assert.Contains("Your password is changed", (await alice.Browser.GetPageAsync("/account")).ShouldBe(200).Html, StringComparison.Ordinal);
        Assert.False(await IsSignedInAsync(laptop));
        (await EnterPasswordAsync(Browser(), "alice", Password)).ShouldShowError("The user name or password is not right.");
        (await EnterPasswordAsync(Browser(), "alice", NewPassword)).ShouldRedirectTo("/signin/factor");
        var changed = Assert.Single(await AuditAsync("password.changed", alice.Id));
        Assert.Equal(1, Details(changed).GetProperty("otherSessionsEnded").GetInt32());
    }

    private static Task<PortalPage> ChangePasswordAsync(PortalClient browser, string current, string replacement, string? confirm = null) =>
        browser.PostFormAsync("/account?handler=Password", new { CurrentPassword = current, NewPassword = replacement, ConfirmPassword = confirm ?? replacement });
}

public sealed class PasswordRuleTestsOnSqlite() : PasswordRuleTests(DatabaseKind.Sqlite);

public sealed class PasswordRuleTestsOnPostgres() : PasswordRuleTests(DatabaseKind.Postgres);
