using Elevate.Server.Tests.Infrastructure;

namespace Elevate.Server.Tests.SignIn;

/// <summary>
/// One-time setup links: the administrator issues one per user (for a first password, or as a reset); the secret
/// travels after '#' so no server log sees it; it works once and for 24 hours; as a reset it replaces the password and
/// ends the user's sessions, but a user with a second factor must still present it. The first administrator's secret,
/// printed at the first start, works in the portal too.
/// </summary>
public abstract class SetupSecretTests(DatabaseKind kind) : PortalTest(kind)
{
    [Fact]
    public async Task An_issued_setup_link_carries_the_secret_after_the_hash_and_works_once()
    {
        var alice = await CreateUserAsync("alice");

        var issued = (await Admin.PostAsync($"/api/v1/users/{alice}/setup-secret")).ShouldBe(201);

        var secret = issued["secret"].GetString()!;
        Assert.StartsWith("elvsetup_", secret, StringComparison.Ordinal);
        Assert.Equal($"http://localhost/setup#{secret}", issued["link"].GetString());
        Assert.Equal(App.Time.GetUtcNow().AddHours(24), issued["expiresAt"].GetDateTimeOffset());
        (await SetPasswordAsync(Browser(), secret, Password)).ShouldRedirectTo("/account/security");
        var again = Browser();
        (await SetPasswordAsync(again, secret, "another fine passphrase")).ShouldShowError("This link is wrong, used or expired");
        Assert.Null(again.Cookie(PortalClient.SessionCookie));
        Assert.Single(await AuditAsync("setup_secret.redeemed", alice));
    }

    [Fact]
    public async Task A_setup_link_stops_working_after_24_hours()
    {
        var alice = await CreateUserAsync("alice");
        var secret = await SetupSecretAsync(alice);

        App.Time.Advance(TimeSpan.FromHours(24));

        (await SetPasswordAsync(Browser(), secret, Password)).ShouldShowError("This link is wrong, used or expired");
        Assert.Empty(await AuditAsync("password.set", alice));
    }

    [Fact]
    public async Task A_setup_link_for_a_user_with_a_password_resets_it_ends_their_sessions_and_still_asks_for_their_factor()
    {
        var alice = await UserWithTotpAsync("alice");
        var laptop = await SignInAsync(alice);
        const string reset = "quiet lantern meadow";
        var browser = Browser();

        (await SetPasswordAsync(browser, await SetupSecretAsync(alice.Id), reset)).ShouldRedirectTo("/signin/factor");

        Assert.Null(browser.Cookie(PortalClient.SessionCookie));
        Assert.False(await IsSignedInAsync(alice.Browser));
        Assert.False(await IsSignedInAsync(laptop));
        (await EnterCodeAsync(browser, NextCode(alice.TotpSecret!))).ShouldRedirectTo("/");
        (await EnterPasswordAsync(Browser(), "alice", Password)).ShouldShowError("The user name or password is not right.");
        (await EnterPasswordAsync(Browser(), "alice", reset)).ShouldRedirectTo("/signin/factor");
        var resetEvent = Assert.Single(await AuditAsync("password.reset", alice.Id));
        Assert.Equal(2, Details(resetEvent).GetProperty("otherSessionsEnded").GetInt32());
    }

    [Fact]
    public async Task The_first_administrators_setup_secret_sets_their_password_in_the_portal_once()
    {
        await using var database = await TestDatabase.CreateAsync(Kind);
        await using (var first = new ElevateApp(database, ElevateApp.NewClock(), runScheduler: false))
        {
            using var browser = new PortalClient(first);
            (await browser.GetPageAsync("/setup")).ShouldBe(200);
            var secret = first.SetupSecret.Value!;

            (await SetPasswordAsync(browser, secret, Password)).ShouldRedirectTo("/account/security");

            (await first.Anonymous().PostAsync("/api/v1/setup/redeem", new { secret })).ShouldFail(403, "setup_secret_invalid");
            (await EnterPasswordAsync(new PortalClient(first), "admin", Password)).ShouldRedirectTo("/account/security");
        }

        // A restart issues no new secret: the administrator has a password now.
        await using var restarted = new ElevateApp(database, ElevateApp.NewClock(), runScheduler: false);
        (await restarted.Anonymous().GetAsync("/healthz")).ShouldBe(200);
        Assert.Null(restarted.SetupSecret.Value);
    }
}

public sealed class SetupSecretTestsOnSqlite() : SetupSecretTests(DatabaseKind.Sqlite);

public sealed class SetupSecretTestsOnPostgres() : SetupSecretTests(DatabaseKind.Postgres);
