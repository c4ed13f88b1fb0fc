using Elevate.Server.Tests.Infrastructure;

namespace Elevate.Server.Tests.SignIn;

/// <summary>
/// A portal session is checked on the server at every request: it ends after 30 idle minutes, 12 hours after sign-in
/// however busy, at sign-out (so a copied cookie dies with it), everywhere at once, and when its user is disabled.
/// </summary>
public abstract class SessionTests(DatabaseKind kind) : PortalTest(kind)
{
    [Fact]
    public async Task A_session_unused_for_30_minutes_ends_and_each_use_starts_the_30_minutes_again()
    {
        var alice = await UserWithTotpAsync("alice");
        var browser = await SignInAsync(alice);

        App.Time.Advance(TimeSpan.FromMinutes(29));
        Assert.True(await IsSignedInAsync(browser));
        App.Time.Advance(TimeSpan.FromMinutes(29));
        Assert.True(await IsSignedInAsync(browser));
        App.Time.Advance(TimeSpan.FromMinutes(30));

        (await browser.GetPageAsync("/account")).ShouldRedirectTo("/signin");
    }

    [Fact]
    public async Task A_session_ends_12_hours_after_sign_in_however_busy()
    {
        var alice = await UserWithTotpAsync("alice");
        var browser = await SignInAsync(alice);
        var signedInAt = App.Time.GetUtcNow();

        while (App.Time.GetUtcNow() + TimeSpan.FromMinutes(20) < signedInAt + TimeSpan.FromHours(12))
        {
            App.Time.Advance(TimeSpan.FromMinutes(20));
            Assert.True(await IsSignedInAsync(browser), $"Signed out at {App.Time.GetUtcNow() - signedInAt} after sign-in, before the 12 hours were up.");
        }

        App.Time.Advance(signedInAt + TimeSpan.FromHours(12) - App.Time.GetUtcNow());
        (await browser.GetPageAsync("/account")).ShouldRedirectTo("/signin");
    }

    [Fact]
    public async Task Signing_out_ends_the_session_on_the_server_so_a_copy_of_the_cookie_stops_working()
    {
        var alice = await UserWithTotpAsync("alice");
        var browser = await SignInAsync(alice);
        var copy = Copy(browser);
        Assert.True(await IsSignedInAsync(copy));

        (await SignOutAsync(browser)).ShouldRedirectTo("/signin");

        Assert.Null(browser.Cookie(PortalClient.SessionCookie));
        Assert.False(await IsSignedInAsync(copy));
        Assert.True(await IsSignedInAsync(alice.Browser));
        Assert.Single(await AuditAsync("signout", alice.Id));
    }

    [Fact]
    public async Task Signing_out_everywhere_ends_every_session_of_the_user_and_no_one_elses()
    {
        var alice = await UserWithTotpAsync("alice");
        var bob = await UserWithTotpAsync("bob");
        var laptop = await SignInAsync(alice);

        (await SignOutAsync(laptop, everywhere: true)).ShouldRedirectTo("/signin");

        Assert.False(await IsSignedInAsync(laptop));
        Assert.False(await IsSignedInAsync(alice.Browser));
        Assert.True(await IsSignedInAsync(bob.Browser));
        var signedOut = Assert.Single(await AuditAsync("signout.everywhere", alice.Id));
        Assert.Equal(2, Details(signedOut).GetProperty("sessions").GetInt32());
    }

    [Fact]
    public async Task An_administrator_signs_a_user_out_of_every_browser_at_once()
    {
        var alice = await UserWithTotpAsync("alice");
        var bob = await UserWithTotpAsync("bob");
        var laptop = await SignInAsync(alice);

        var ended = (await Admin.DeleteAsync($"/api/v1/users/{alice.Id}/sessions")).ShouldBe(200);

        Assert.Equal(2, ended["sessionsEnded"].GetInt32());
        Assert.False(await IsSignedInAsync(laptop));
        Assert.False(await IsSignedInAsync(alice.Browser));
        Assert.True(await IsSignedInAsync(bob.Browser));
        Assert.Single(await AuditAsync("signout.everywhere", alice.Id));
        Assert.True(await IsSignedInAsync(await SignInAsync(alice)), "Ending sessions is not a lockout: the user signs in again as usual.");
    }

    [Fact]
    public async Task The_account_page_lists_the_users_active_sessions()
    {
        var alice = await UserWithTotpAsync("alice");
        var laptop = await SignInAsync(alice, "198.51.100.7");

        var sessions = (await laptop.GetPageAsync("/account")).ShouldBe(200).SectionText("sessions") ?? "";

        Assert.Contains("password+totp", sessions, StringComparison.Ordinal);
        Assert.Contains("198.51.100.7", sessions, StringComparison.Ordinal);
        Assert.Contains("(this browser)", sessions, StringComparison.Ordinal);
        Assert.Contains("setup_secret", sessions, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Disabling_a_user_ends_their_session_at_the_next_request_and_refuses_their_sign_in()
    {
        var alice = await UserWithTotpAsync("alice");
        var browser = await SignInAsync(alice);

        (await Admin.PatchAsync($"/api/v1/principals/{alice.Id}", new { enabled = false })).ShouldBe(200);

        Assert.False(await IsSignedInAsync(browser));
        Assert.False(await IsSignedInAsync(alice.Browser));
        (await EnterPasswordAsync(Browser(), "alice", Password)).ShouldShowError("The user name or password is not right.");
        Assert.Equal("disabled", Details((await AuditAsync("signin.failed", alice.Id))[^1]).GetProperty("reason").GetString());
    }

    [Fact]
    public async Task A_session_stopped_by_disabling_the_user_stays_ended_when_the_user_is_enabled_again()
    {
        var alice = await UserWithTotpAsync("alice");
        var browser = await SignInAsync(alice);
        (await Admin.PatchAsync($"/api/v1/principals/{alice.Id}", new { enabled = false })).ShouldBe(200);
        Assert.False(await IsSignedInAsync(Copy(browser)));

        App.Time.Advance(TimeSpan.FromMinutes(5));
        (await Admin.PatchAsync($"/api/v1/principals/{alice.Id}", new { enabled = true })).ShouldBe(200);

        Assert.False(await IsSignedInAsync(browser), "A session from before the user was disabled works again now that they are enabled.");
    }

    /// <summary>Another browser holding a copy of this browser's session cookie.</summary>
    private PortalClient Copy(PortalClient browser)
    {
        var copy = Browser();
        copy.SetCookie(PortalClient.SessionCookie, browser.Cookie(PortalClient.SessionCookie)!);
        return copy;
    }
}

public sealed class SessionTestsOnSqlite() : SessionTests(DatabaseKind.Sqlite);

public sealed class SessionTestsOnPostgres() : SessionTests(DatabaseKind.Postgres);
