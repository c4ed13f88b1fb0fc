using Elevate.Server.Tests.Infrastructure;

namespace Elevate.Server.Tests.SignIn;

/// <summary>
/// A user who lost their phone and their recovery codes: an administrator removes all their second factors, recovery
/// codes and sessions through the API, and the user enrols anew. Nobody resets their own factors this way.
/// </summary>
public abstract class FactorResetTests(DatabaseKind kind) : PortalTest(kind)
{
    [Fact]
    public async Task An_administrators_reset_removes_the_users_factors_codes_and_sessions_and_the_user_enrols_anew()
    {
        var alice = await UserWithTotpAsync("alice");
        var laptop = await SignInAsync(alice);

        var reset = (await Admin.DeleteAsync($"/api/v1/users/{alice.Id}/factors")).ShouldBe(200);

        Assert.Equal(1, reset["factorsRemoved"].GetInt32());
        Assert.False(await IsSignedInAsync(laptop));
        Assert.False(await IsSignedInAsync(alice.Browser));
        var browser = Browser();
        (await EnterPasswordAsync(browser, "alice", Password)).ShouldRedirectTo("/account/security");
        (await browser.GetPageAsync("/roles")).ShouldRedirectTo("/account/security");
        Assert.Contains("0 unused recovery codes left", (await browser.GetPageAsync("/account/security")).Html, StringComparison.Ordinal);
        var audited = Details(Assert.Single(await AuditAsync("mfa.reset", alice.Id)));
        Assert.Equal(10, audited.GetProperty("recoveryCodesRemoved").GetInt32());
        Assert.Equal(2, audited.GetProperty("sessionsEnded").GetInt32());
    }

    [Fact]
    public async Task An_administrator_cannot_reset_their_own_factors()
    {
        var me = (await Admin.GetAsync("/api/v1/me")).ShouldBe(200)["principal"].GetProperty("id").GetGuid();

        (await Admin.DeleteAsync($"/api/v1/users/{me}/factors")).ShouldFail(403, "forbidden");

        Assert.Empty(await AuditAsync("mfa.reset"));
    }
}

public sealed class FactorResetTestsOnSqlite() : FactorResetTests(DatabaseKind.Sqlite);

public sealed class FactorResetTestsOnPostgres() : FactorResetTests(DatabaseKind.Postgres);
