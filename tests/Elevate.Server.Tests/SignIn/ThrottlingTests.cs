using Elevate.Server.Tests.Infrastructure;

namespace Elevate.Server.Tests.SignIn;

/// <summary>
/// Failed sign-ins slow the next attempt, counted per account and address, per account and per address, so guessing
/// gets expensive while a stranger can cost the real user at most a minute. Client addresses other than loopback are
/// given through X-Forwarded-For, which the server trusts from loopback (where the test server's requests come from).
/// </summary>
public abstract class ThrottlingTests(DatabaseKind kind) : PortalTest(kind)
{
    private const string WrongPassword = "not the password at all";
    private const string NotRight = "The user name or password is not right.";
    private const string Owner = "198.51.100.7";

    [Fact]
    public async Task After_six_wrong_passwords_from_one_address_even_the_right_password_waits_and_each_failure_doubles_the_wait()
    {
        var alice = await UserWithTotpAsync("alice");
        var browser = Browser();
        for (var i = 0; i < 6; i++)
        {
            (await EnterPasswordAsync(browser, "alice", WrongPassword)).ShouldShowError(NotRight);
        }

        (await EnterPasswordAsync(browser, "alice", Password)).ShouldShowError("Too many failed attempts; try again in 2 seconds.", 429);
        App.Time.Advance(TimeSpan.FromSeconds(2));
        (await EnterPasswordAsync(browser, "alice", WrongPassword)).ShouldShowError(NotRight);
        (await EnterPasswordAsync(browser, "alice", Password)).ShouldShowError("Too many failed attempts; try again in 4 seconds.", 429);
        App.Time.Advance(TimeSpan.FromSeconds(4));
        (await EnterPasswordAsync(browser, "alice", Password)).ShouldRedirectTo("/signin/factor");

        var failures = await AuditAsync("signin.failed", alice.Id);
        Assert.Equal(7, failures.Count);
        Assert.All(failures, f => Assert.Equal("wrong_password", Details(f).GetProperty("reason").GetString()));
        var throttled = await AuditAsync("signin.throttled", alice.Id);
        Assert.Equal(2, throttled.Count);
        Assert.All(throttled, t => Assert.Equal("Rejected", t.GetProperty("outcome").GetString(), ignoreCase: true));
    }

    [Fact]
    public async Task A_completed_sign_in_clears_the_accounts_failures()
    {
        var alice = await UserWithTotpAsync("alice");
        var browser = Browser();
        for (var i = 0; i < 6; i++)
        {
            await EnterPasswordAsync(browser, "alice", WrongPassword);
        }

        App.Time.Advance(TimeSpan.FromSeconds(2));
        (await EnterPasswordAsync(browser, "alice", Password)).ShouldRedirectTo("/signin/factor");
        (await EnterCodeAsync(browser, NextCode(alice.TotpSecret!))).ShouldRedirectTo("/");

        var again = Browser();
        (await EnterPasswordAsync(again, "alice", WrongPassword)).ShouldShowError(NotRight);
        (await EnterPasswordAsync(again, "alice", Password)).ShouldRedirectTo("/signin/factor");
    }

    [Fact]
    public async Task Wrong_second_factor_codes_count_towards_the_same_wait()
    {
        var alice = await UserWithTotpAsync("alice");
        var browser = Browser();
        (await EnterPasswordAsync(browser, "alice", Password)).ShouldRedirectTo("/signin/factor");
        var code = NextCode(alice.TotpSecret!);
        for (var i = 0; i < 6; i++)
        {
            (await EnterCodeAsync(browser, WrongCode(alice.TotpSecret!))).ShouldShowError("The code is wrong or was already used");
        }

        (await EnterCodeAsync(browser, code)).ShouldShowError("Too many failed attempts; try again in 2 seconds.", 429);
        App.Time.Advance(TimeSpan.FromSeconds(2));
        (await EnterCodeAsync(browser, code)).ShouldRedirectTo("/");
    }

    [Fact]
    public async Task Failures_from_one_address_do_not_slow_the_owner_at_another()
    {
        var alice = await UserWithTotpAsync("alice");
        var attacker = Browser("203.0.113.9");
        for (var i = 0; i < 7; i++)
        {
            await EnterPasswordAsync(attacker, "alice", WrongPassword);
        }

        (await EnterPasswordAsync(attacker, "alice", Password)).ShouldBe(429);
        (await EnterPasswordAsync(Browser(Owner), "alice", Password)).ShouldRedirectTo("/signin/factor");
        Assert.All(await AuditAsync("signin.failed", alice.Id), f => Assert.Equal("203.0.113.9", f.GetProperty("clientAddress").GetString()));
    }

    [Fact]
    public async Task Failures_spread_over_many_addresses_slow_the_account_after_twenty_and_for_at_most_a_minute()
    {
        await UserWithTotpAsync("alice");
        for (var i = 1; i <= 20; i++)
        {
            await FailFromAsync($"203.0.113.{i}", "alice");
        }

        (await EnterPasswordAsync(Browser(Owner), "alice", Password)).ShouldRedirectTo("/signin/factor");
        await FailFromAsync("203.0.113.21", "alice");
        (await EnterPasswordAsync(Browser(Owner), "alice", Password)).ShouldShowError("try again in 2 seconds", 429);

        var wait = TimeSpan.FromSeconds(2);
        for (var i = 22; i <= 26; i++)
        {
            App.Time.Advance(wait);
            await FailFromAsync($"203.0.113.{i}", "alice");
            wait *= 2;
        }

        (await EnterPasswordAsync(Browser(Owner), "alice", Password)).ShouldShowError("try again in 60 seconds", 429);
        App.Time.Advance(TimeSpan.FromSeconds(60));
        (await EnterPasswordAsync(Browser(Owner), "alice", Password)).ShouldRedirectTo("/signin/factor");
    }

    [Fact]
    public async Task One_address_trying_many_user_names_is_slowed_after_fifty_failures_unknown_names_included()
    {
        await UserWithTotpAsync("alice");
        const string sprayer = "203.0.113.50";
        for (var i = 1; i <= 51; i++)
        {
            await FailFromAsync(sprayer, $"user{i:00}");
        }

        (await EnterPasswordAsync(Browser(sprayer), "alice", Password)).ShouldShowError("try again in 2 seconds", 429);
        (await EnterPasswordAsync(Browser(Owner), "alice", Password)).ShouldRedirectTo("/signin/factor");
        var unknown = (await AuditAsync("signin.failed"))[^1];
        Assert.Equal("unknown_user", Details(unknown).GetProperty("reason").GetString());
        // Not the text typed (sometimes a password), but a short hash that still shows one name tried again and again.
        var expected = Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData("user51"u8))[..16];
        Assert.Equal(expected, Details(unknown).GetProperty("userNameHash").GetString());
        Assert.DoesNotContain("user51", unknown.GetRawText(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Guesses_sent_all_at_once_are_throttled_like_guesses_sent_one_by_one()
    {
        var alice = await UserWithTotpAsync("alice");
        var browser = Browser();
        var token = (await browser.GetPageAsync("/signin")).AntiforgeryToken!;

        var answers = await Task.WhenAll(Enumerable.Range(0, 30).Select(_ => browser.PostAsync("/signin",
        [
            new("UserName", "alice"), new("Password", WrongPassword), new("__RequestVerificationToken", token),
        ])));

        Assert.All(answers, a => Assert.True(a.Status is 200 or 429, $"Unexpected HTTP {a.Status}"));
        var judged = (await AuditAsync("signin.failed", alice.Id)).Count;
        Assert.True(judged <= 6, $"{judged} of 30 guesses sent at once were checked against the password; one by one, the 7th would have had to wait.");
    }

    /// <summary>One wrong password for <paramref name="userName"/> from <paramref name="address"/>, answered as such (not throttled).</summary>
    private async Task FailFromAsync(string address, string userName) =>
        (await EnterPasswordAsync(Browser(address), userName, WrongPassword)).ShouldShowError(NotRight);
}

public sealed class ThrottlingTestsOnSqlite() : ThrottlingTests(DatabaseKind.Sqlite);

public sealed class ThrottlingTestsOnPostgres() : ThrottlingTests(DatabaseKind.Postgres);
