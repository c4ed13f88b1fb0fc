using System.Text.Json;
using Elevate.Core.Roles;
using Elevate.Server.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace Elevate.Server.Tests.SignIn;

/// <summary>
/// Roles whose settings require MFA are activated only with a fresh second factor sent with the request itself,
/// through the API (with a personal token) and through the portal; a code works once, and a role that asks for
/// phishing resistance accepts passkeys only.
/// </summary>
public abstract class StepUpTests(DatabaseKind kind) : PortalTest(kind)
{
    private const string Requests = "/api/v1/requests";

    [Fact]
    public async Task Activating_a_role_that_requires_mfa_without_a_factor_is_refused_naming_the_factors_the_user_can_give()
    {
        var (_, api, role) = await EligibleWithTokenAsync(new { requireMfa = true });

        var refused = (await api.ActivateAsync(role, "/", Scenario.For("PT1H"))).ShouldFail(403, "mfa_required");

        Assert.Equal("mfa", refused.Field);
        Assert.Equal(["totp"], Factors(refused.Body));
        Assert.False(await Admin.IsAllowedAsync("alice", role, "/"));
    }

    [Fact]
    public async Task A_dry_run_names_the_acceptable_factors_and_the_missing_one()
    {
        var (_, api, role) = await EligibleWithTokenAsync(new { requireMfa = true });

        var dryRun = (await api.PostAsync(Requests, Activation(role) with { ValidateOnly = true })).ShouldBe(200);

        Assert.False(dryRun["wouldSucceed"].GetBoolean());
        Assert.Equal(["totp"], dryRun["acceptableFactors"].EnumerateArray().Select(f => f.GetString()));
        Assert.Contains(dryRun["problems"].EnumerateArray(), p => p.GetProperty("code").GetString() == "mfa_required");
        Assert.True(dryRun["requirements"].GetProperty("mfa").GetBoolean());
    }

    [Fact]
    public async Task A_current_code_activates_the_role_and_the_request_records_the_factor()
    {
        var (alice, api, role) = await EligibleWithTokenAsync(new { requireMfa = true });

        var activated = (await ActivateWithCodeAsync(api, role, NextCode(alice.TotpSecret!))).ShouldBe(201);

        Assert.True(await Admin.IsAllowedAsync("alice", role, "/"));
        Assert.True((await Admin.RequestAsync(activated.Id))["requiresMfa"].GetBoolean());
        var used = Details(Assert.Single(await AuditAsync("mfa.used", alice.Id)));
        Assert.Equal("stepUp", used.GetProperty("purpose").GetString());
        Assert.Equal("totp", used.GetProperty("method").GetString());
        await using var db = App.Database.OpenContext();
        Assert.Equal("totp", (await db.Requests.AsNoTracking().SingleAsync(r => r.Id == activated.Id)).MfaMethod);
    }

    [Fact]
    public async Task A_wrong_or_already_used_code_is_refused_audited_and_grants_nothing()
    {
        var (alice, api, role) = await EligibleWithTokenAsync(new { requireMfa = true });
        var code = NextCode(alice.TotpSecret!);
        var first = (await ActivateWithCodeAsync(api, role, code)).ShouldBe(201);
        (await api.DeactivateAsync(first["resultAssignmentId"].GetGuid())).ShouldBe(201);

        var replayed = (await ActivateWithCodeAsync(api, role, code)).ShouldFail(403, "mfa_invalid");
        var wrong = (await ActivateWithCodeAsync(api, role, WrongCode(alice.TotpSecret!))).ShouldFail(403, "mfa_invalid");

        Assert.Contains("totp", Factors(replayed.Body));
        Assert.Contains("totp", Factors(wrong.Body));
        Assert.False(await Admin.IsAllowedAsync("alice", role, "/"));
        var failed = await AuditAsync("mfa.failed", alice.Id);
        Assert.Equal(2, failed.Count);
        Assert.All(failed, f => Assert.Equal("stepUp", Details(f).GetProperty("purpose").GetString()));
        (await ActivateWithCodeAsync(api, role, NextCode(alice.TotpSecret!))).ShouldBe(201);
    }

    [Fact]
    public async Task Wrong_step_up_codes_are_slowed_down_like_wrong_sign_in_codes()
    {
        var (alice, api, role) = await EligibleWithTokenAsync(new { requireMfa = true });
        var code = NextCode(alice.TotpSecret!);
        for (var i = 0; i < 6; i++)
        {
            (await ActivateWithCodeAsync(api, role, WrongCode(alice.TotpSecret!))).ShouldFail(403, "mfa_invalid");
        }

        var throttled = await ActivateWithCodeAsync(api, role, code);

        Assert.True(throttled.Status == 429, $"After six wrong codes a seventh guess was judged at once (HTTP {throttled.Status}): a stolen token could try every code.");
        Assert.False(await Admin.IsAllowedAsync("alice", role, "/"));
        App.Time.Advance(TimeSpan.FromSeconds(2));
        (await ActivateWithCodeAsync(api, role, code)).ShouldBe(201);
    }

    [Fact]
    public async Task A_role_that_requires_phishing_resistant_mfa_refuses_an_authenticator_code()
    {
        var (alice, api, role) = await EligibleWithTokenAsync(new { requireMfa = true, requirePhishingResistantMfa = true });

        var refused = (await ActivateWithCodeAsync(api, role, NextCode(alice.TotpSecret!))).ShouldFail(403, "mfa_factor_not_accepted");
        var missing = (await api.ActivateAsync(role, "/", Scenario.For("PT1H"))).ShouldFail(403, "mfa_required");
        var dryRun = (await api.PostAsync(Requests, Activation(role) with { ValidateOnly = true })).ShouldBe(200);

        // `factors` is always what the requester could present now (none here); the detail names what the role takes.
        Assert.Empty(Factors(refused.Body));
        Assert.Contains("webAuthn", refused["detail"].GetString(), StringComparison.Ordinal);
        Assert.Empty(Factors(missing.Body));
        Assert.Contains("security page", missing["detail"].GetString(), StringComparison.Ordinal);
        Assert.Empty(dryRun["acceptableFactors"].EnumerateArray());
        Assert.False(await Admin.IsAllowedAsync("alice", role, "/"));
    }

    [Fact]
    public async Task The_built_in_administrative_roles_require_a_fresh_second_factor_by_default()
    {
        foreach (var (builtIn, requireMfa) in new[]
                 {
                     (BuiltInRole.ElevateAdministrator, true), (BuiltInRole.PrivilegedRoleAdministrator, true),
                     (BuiltInRole.Auditor, true), (BuiltInRole.AccessChecker, false),
                 })
        {
            var settings = (await Admin.GetAsync($"/api/v1/roles/{BuiltInRoles.IdOf(builtIn)}/settings")).ShouldBe(200);
            Assert.True(requireMfa == settings["settings"].GetProperty("activation").GetProperty("requireMfa").GetBoolean(), $"{builtIn}: requireMfa is not {requireMfa}");
        }

        var dave = await UserAsync("dave");
        var administrator = BuiltInRoles.IdOf(BuiltInRole.ElevateAdministrator);
        await Admin.MakeEligibleAsync(dave.Id, administrator);

        var refused = (await dave.Client.ActivateAsync(administrator, "/", Scenario.For("PT1H"))).ShouldFail(403, "mfa_required");

        Assert.Empty(Factors(refused.Body));
        Assert.False(await Admin.IsAllowedAsync("dave", administrator, "/"));
    }

    [Fact]
    public async Task Activating_in_the_portal_without_a_code_shows_why_and_grants_nothing()
    {
        var (alice, role) = await EligibleAsync(new { requireMfa = true });
        var roles = (await alice.Browser.GetPageAsync("/roles")).ShouldBe(200);
        Assert.Contains("Fresh second factor required", roles.Html, StringComparison.Ordinal);

        (await ActivateInPortalAsync(alice, role, code: null)).ShouldShowError("requires a fresh second factor");

        Assert.False(await Admin.IsAllowedAsync("alice", role, "/"));
        Assert.DoesNotContain("data-role=\"db-admin\"", (await alice.Browser.GetPageAsync("/roles")).Section("active") ?? "", StringComparison.Ordinal);
    }

    [Fact]
    public async Task Activating_in_the_portal_with_a_current_code_grants_the_role()
    {
        var (alice, role) = await EligibleAsync(new { requireMfa = true });

        (await ActivateInPortalAsync(alice, role, NextCode(alice.TotpSecret!))).ShouldRedirectTo("/roles");

        Assert.True(await Admin.IsAllowedAsync("alice", role, "/"));
        Assert.Contains("data-role=\"db-admin\"", (await alice.Browser.GetPageAsync("/roles")).Section("active") ?? "", StringComparison.Ordinal);
        Assert.Equal("stepUp", Details(Assert.Single(await AuditAsync("mfa.used", alice.Id))).GetProperty("purpose").GetString());
    }

    [Fact]
    public async Task A_code_used_to_sign_in_does_not_also_activate_a_role()
    {
        var (alice, role) = await EligibleAsync(new { requireMfa = true });
        var browser = Browser();
        (await EnterPasswordAsync(browser, "alice", Password)).ShouldRedirectTo("/signin/factor");
        var code = NextCode(alice.TotpSecret!);
        (await EnterCodeAsync(browser, code)).ShouldRedirectTo("/");

        (await ActivateInPortalAsync(alice with { Browser = browser }, role, code)).ShouldShowError("The code is wrong or was already used");

        Assert.False(await Admin.IsAllowedAsync("alice", role, "/"));
    }

    /// <summary>The activation body, with <c>mfa</c> and <c>validateOnly</c> to be set per test.</summary>
    private sealed record ActivationBody(Guid RoleId)
    {
        public string Action { get; init; } = "selfActivate";

        public string Scope { get; init; } = "/";

        public object Schedule { get; init; } = Scenario.For("PT1H");

        public string Justification { get; init; } = "Investigating INC-4411";

        public object? Mfa { get; init; }

        public bool? ValidateOnly { get; init; }
    }

    private static ActivationBody Activation(Guid role) => new(role);

    [Fact]
    public async Task One_code_sent_to_two_instances_at_once_grants_one_activation()
    {
        var (alice, api, role) = await EligibleWithTokenAsync(new { requireMfa = true });
        var other = await Admin.CreateRoleAsync("web-admin");
        (await Admin.PutAsync($"/api/v1/roles/{other}/settings", new { activation = new { requireMfa = true } })).ShouldBe(200);
        await Admin.MakeEligibleAsync(alice.Id, other);
        await using var second = new ElevateApp(App.Database, App.Time, runScheduler: false);
        var token = api.Token!;
        var code = NextCode(alice.TotpSecret!);

        // Two instances on one database, one code, two different roles (so no other rule can refuse either request).
        var answers = await Task.WhenAll(ActivateWithCodeAsync(api, role, code), ActivateWithCodeAsync(second.Client(token), other, code));

        Assert.Single(answers, a => a.Status == 201);
        var refused = Assert.Single(answers, a => a.Status != 201);
        refused.ShouldFail(403, "mfa_invalid");
    }

    private static Task<ApiResponse> ActivateWithCodeAsync(ApiClient api, Guid role, string code) =>
        api.PostAsync(Requests, Activation(role) with { Mfa = new { totp = code } });

    /// <summary>Alice (with an authenticator app) eligible for db-admin, whose activation settings are <paramref name="activation"/>.</summary>
    private async Task<(PortalUser Alice, Guid Role)> EligibleAsync(object activation)
    {
        var alice = await UserWithTotpAsync("alice");
        var role = await Admin.CreateRoleAsync("db-admin");
        (await Admin.PutAsync($"/api/v1/roles/{role}/settings", new { activation })).ShouldBe(200);
        await Admin.MakeEligibleAsync(alice.Id, role);
        return (alice, role);
    }

    /// <summary>As <see cref="EligibleAsync"/>, plus an API client with a personal token alice made on the tokens page.</summary>
    private async Task<(PortalUser Alice, ApiClient Api, Guid Role)> EligibleWithTokenAsync(object activation)
    {
        var (alice, role) = await EligibleAsync(activation);
        var created = (await alice.Browser.PostFormAsync("/account/tokens?handler=Create", new { Name = "cli", LifetimeDays = 30 })).ShouldBe(200);
        var token = created.TextOf("token-secret");
        Assert.False(string.IsNullOrEmpty(token), "The tokens page shows no new token.");
        return (alice, App.Client(token), role);
    }

    private static Task<PortalPage> ActivateInPortalAsync(PortalUser user, Guid role, string? code) =>
        user.Browser.PostFormAsync("/roles?handler=Activate", new
        {
            RoleId = role,
            Scope = "/",
            DurationMinutes = 60,
            Justification = "Investigating INC-4411",
            TicketNumber = "",
            Code = code ?? "",
        });

    private static IReadOnlyList<string?> Factors(JsonElement problem) => [.. problem.GetProperty("factors").EnumerateArray().Select(f => f.GetString())];
}

public sealed class StepUpTestsOnSqlite() : StepUpTests(DatabaseKind.Sqlite);

public sealed class StepUpTestsOnPostgres() : StepUpTests(DatabaseKind.Postgres);
