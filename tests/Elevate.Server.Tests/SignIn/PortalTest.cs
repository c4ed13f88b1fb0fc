using System.Text.Json;
using Elevate.Core.Mfa;
using Elevate.Server.Tests.Infrastructure;

namespace Elevate.Server.Tests.SignIn;

/// <summary>A portal user: their password, their authenticator app's secret once enrolled, and a signed-in browser.</summary>
public sealed record PortalUser(Guid Id, string Name, string Password, PortalClient Browser)
{
    public string? TotpSecret { get; init; }

    /// <summary>The recovery codes shown when the authenticator app was confirmed.</summary>
    public IReadOnlyList<string> RecoveryCodes { get; init; } = [];
}

/// <summary>
/// Tests that go through the portal as a person would: users are created by the administrator through the API, set
/// their password with the setup link at /setup (which signs them in), enrol an authenticator app on the security
/// page, and sign in with password and code. Codes come from the app's secret at the fake clock's time.
/// </summary>
public abstract class PortalTest(DatabaseKind kind) : AppTest(kind)
{
    /// <summary>A password every rule accepts (long, not common, not the user's name).</summary>
    public const string Password = "violet tractor umbrella";

    protected override bool RunScheduler => false;

    /// <summary>A new browser (optionally at another client address, or over HTTPS) with no cookies.</summary>
    protected PortalClient Browser(string? address = null, bool https = false) => new(App, address, https);

    /// <summary>Creates a user (with an e-mail address at example.com) through the API, without a password yet.</summary>
    protected async Task<Guid> CreateUserAsync(string name) =>
        (await Admin.PostAsync("/api/v1/users", new { name, displayName = name, email = $"{name}@example.com" })).ShouldBe(201).Id;

    /// <summary>Creates a user through the API; they set their password at /setup, which signs this browser in.</summary>
    protected async Task<PortalUser> NewUserAsync(string name)
    {
        var id = await CreateUserAsync(name);
        var browser = Browser();
        (await SetPasswordAsync(browser, await SetupSecretAsync(id), Password)).ShouldRedirectTo("/account/security");
        return new PortalUser(id, name, Password, browser);
    }

    /// <summary>A user who has set their password and enrolled an authenticator app (signed in in <see cref="PortalUser.Browser"/>).</summary>
    protected async Task<PortalUser> UserWithTotpAsync(string name) => await EnrolTotpAsync(await NewUserAsync(name));

    /// <summary>Enrols an authenticator app on the security page: start, read the secret, confirm with a code.</summary>
    protected async Task<PortalUser> EnrolTotpAsync(PortalUser user)
    {
        var started = (await user.Browser.PostFormAsync("/account/security?handler=StartTotp")).ShouldBe(200);
        var secret = started.TextOf("totp-secret");
        Assert.False(string.IsNullOrEmpty(secret), "The security page shows no pending authenticator secret.");
        var confirmed = await user.Browser.PostFormAsync("/account/security?handler=ConfirmTotp", new { Code = CodeNow(secret) }, started);
        confirmed.ShouldBe(200);
        Assert.Empty(confirmed.Errors);
        return user with { TotpSecret = secret, RecoveryCodes = confirmed.CodesIn("recovery-codes") };
    }

    protected async Task<string> SetupSecretAsync(Guid userId) =>
        (await Admin.PostAsync($"/api/v1/users/{userId}/setup-secret")).ShouldBe(201)["secret"].GetString()!;

    protected static Task<PortalPage> SetPasswordAsync(PortalClient browser, string secret, string password, string? confirm = null) =>
        browser.PostFormAsync("/setup", new { Secret = secret, NewPassword = password, ConfirmPassword = confirm ?? password });

    protected static Task<PortalPage> EnterPasswordAsync(PortalClient browser, string name, string password) =>
        browser.PostFormAsync("/signin", new { UserName = name, Password = password });

    protected static Task<PortalPage> EnterCodeAsync(PortalClient browser, string code) =>
        browser.PostFormAsync("/signin/factor", new { Code = code });

    /// <summary>The code the authenticator app shows now (or <paramref name="steps"/> 30-second steps from now).</summary>
    protected string CodeNow(string secret, int steps = 0) => Totp.Code(Base32.Decode(secret)!, Totp.StepAt(App.Time.GetUtcNow()) + steps);

    /// <summary>A well-formed code the app shows in none of the steps the server accepts now (previous, current, next).</summary>
    protected string WrongCode(string secret)
    {
        var valid = new[] { -1, 0, 1 }.Select(steps => CodeNow(secret, steps)).ToHashSet(StringComparer.Ordinal);
        return Enumerable.Range(0, 10).Select(digit => new string((char)('0' + digit), 6)).First(code => !valid.Contains(code));
    }

    /// <summary>Waits (on the fake clock) for the app's next code: each code is accepted once.</summary>
    protected string NextCode(string secret)
    {
        App.Time.Advance(Totp.Period);
        return CodeNow(secret);
    }

    /// <summary>Signs in with password and the next code in a new browser (at <paramref name="address"/>).</summary>
    protected async Task<PortalClient> SignInAsync(PortalUser user, string? address = null) => (await SignInStepsAsync(user, Browser(address))).Browser;

    /// <summary>Signs in with password and the next code in <paramref name="browser"/>; returns both answers.</summary>
    protected async Task<(PortalClient Browser, PortalPage Password, PortalPage Code)> SignInStepsAsync(PortalUser user, PortalClient browser)
    {
        var password = (await EnterPasswordAsync(browser, user.Name, user.Password)).ShouldRedirectTo("/signin/factor");
        var code = (await EnterCodeAsync(browser, NextCode(user.TotpSecret!))).ShouldRedirectTo("/");
        return (browser, password, code);
    }

    protected static Task<PortalPage> SignOutAsync(PortalClient browser, bool everywhere = false) =>
        browser.PostFormAsync(everywhere ? "/signout?handler=Everywhere" : "/signout");

    /// <summary>Whether the browser's session still opens the portal (a page, not a trip to the sign-in page).</summary>
    protected static async Task<bool> IsSignedInAsync(PortalClient browser)
    {
        var page = await browser.GetPageAsync("/account");
        Assert.True(page.Status is 200 or 302, $"Expected the account page or a redirect, got HTTP {page.Status}");
        return page.Status == 200 || !string.Equals(page.RedirectPath, "/signin", StringComparison.OrdinalIgnoreCase);
    }

    /// <summary>The audit events with this action (about this principal), oldest first.</summary>
    protected Task<IReadOnlyList<JsonElement>> AuditAsync(string action, Guid? principalId = null) =>
        Admin.AuditTrailAsync($"&action={action}{(principalId is { } id ? $"&principalId={id}" : "")}");

    /// <summary>An audit event's details object.</summary>
    protected static JsonElement Details(JsonElement auditEvent) =>
        JsonDocument.Parse(auditEvent.GetProperty("details").GetString() ?? "{}").RootElement.Clone();
}
