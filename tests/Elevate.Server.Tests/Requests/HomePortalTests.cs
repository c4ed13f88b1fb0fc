using System.Text.RegularExpressions;
using Elevate.Core.Roles;
using Elevate.Server.Tests.Approvals;
using Elevate.Server.Tests.Infrastructure;
using Elevate.Server.Tests.SignIn;

namespace Elevate.Server.Tests.Requests;

/// <summary>
/// The home page: the roles active now with a live countdown, what waits for the caller's approval, the caller's open
/// requests, and the chart of activations over the last 30 days (the organisation's for an administrator, one's own
/// otherwise).
/// </summary>
public abstract partial class HomePortalTests(DatabaseKind kind) : PortalTest(kind)
{
    [Fact]
    public async Task The_chart_counts_activations_of_the_last_30_days_per_role_own_for_a_user_all_for_an_administrator()
    {
        var alpha = await Admin.CreateRoleAsync("alpha");
        var beta = await Admin.CreateRoleAsync("beta");
        var gamma = await Admin.CreateRoleAsync("gamma");
        var alice = await UserWithTotpAsync("alice");
        var aliceApi = await ApiOfAsync(alice);
        var bob = await UserAsync("bob");
        await Admin.MakeEligibleAsync(alice.Id, alpha);
        await Admin.MakeEligibleAsync(alice.Id, beta);
        await Admin.MakeEligibleAsync(bob.Id, gamma);

        // 31 days before the page is read: outside the chart.
        await ActivateAndEndAsync(aliceApi, alpha);
        App.Time.Advance(TimeSpan.FromDays(31));

        await ActivateAndEndAsync(aliceApi, alpha);
        App.Time.Advance(TimeSpan.FromHours(1));
        await ActivateAndEndAsync(aliceApi, alpha);
        var betaActive = (await aliceApi.ActivateAsync(beta, "/", Scenario.For("PT2H"))).ShouldBe(201)["resultAssignmentId"].GetGuid();
        (await bob.Client.ActivateAsync(gamma, "/", Scenario.For("PT1H"))).ShouldBe(201);

        // Scheduled, then canceled before it began: its planned start passes, but it was never an activation.
        var scheduled = (await aliceApi.ActivateAsync(alpha, "/", Scenario.For("PT1H", App.Time.GetUtcNow().AddMinutes(10)))).ShouldBe(201)["id"].GetGuid();
        (await aliceApi.PostAsync($"/api/v1/requests/{scheduled}/cancel", new { })).ShouldBe(200);
        App.Time.Advance(TimeSpan.FromMinutes(20));

        var browser = await SignInAsync(alice);
        var home = (await browser.GetPageAsync("/")).ShouldBe(200);

        var active = home.Section("active-roles");
        Assert.NotNull(active);
        Assert.Contains($"data-assignment=\"{betaActive}\"", active);
        Assert.Matches("<time datetime=\"[0-9T:-]+Z\" data-countdown>", active);
        Assert.Contains("beta", active);

        var chart = home.Section("activity");
        Assert.NotNull(chart);
        Assert.Contains("role=\"img\"", chart);
        Assert.Contains("<title id=\"activity-chart-title\">", chart);
        Assert.Equal(new Dictionary<string, int> { ["alpha"] = 2, ["beta"] = 1 }, Legend(chart));
        Assert.Equal(3, Bars(chart).Sum(b => b.Count));
        Assert.Contains("3 activations", home.TextOf("activity-summary"));
        Assert.DoesNotContain("gamma", chart);

        var carol = await UserWithTotpAsync("carol");
        (await Admin.AssignAsync("active", carol.Id, BuiltInRoles.IdOf(BuiltInRole.ElevateAdministrator), "/", Scenario.Permanent)).ShouldBe(201);
        var all = (await carol.Browser.GetPageAsync("/")).ShouldBe(200).Section("activity");
        Assert.NotNull(all);
        Assert.Contains("Activations in the organisation", all);
        Assert.Equal(new Dictionary<string, int> { ["alpha"] = 2, ["beta"] = 1, ["gamma"] = 1 }, Legend(all));
        Assert.Equal(4, Bars(all).Sum(b => b.Count));
        Assert.DoesNotContain(Bars(all), b => string.CompareOrdinal(b.Day, "2026-11-29") < 0);
    }

    [Fact]
    public async Task An_approver_sees_what_waits_for_them_and_the_requester_sees_their_open_request()
    {
        var alice = await UserWithTotpAsync("alice");
        var aliceApi = await ApiOfAsync(alice);
        var bob = await UserWithTotpAsync("bob");
        var role = await Admin.RoleNeedingApprovalAsync(alice.Id, ApprovalScenario.Stage(bob.Id));
        var request = await aliceApi.ActivatePendingAsync(role);

        var bobs = (await bob.Browser.GetPageAsync("/")).ShouldBe(200);
        Assert.Equal("1", bobs.TextOf("awaiting-count"));
        var waiting = bobs.Section("awaiting-me");
        Assert.NotNull(waiting);
        Assert.Contains($"href=\"/approvals/{request}\"", waiting);
        Assert.Contains("alice", waiting);
        Assert.Contains("db-admin", waiting);
        Assert.Contains("href=\"/approvals\"", waiting);
        Assert.NotNull(bobs.TextOf("no-open-requests"));
        Assert.NotNull(bobs.TextOf("no-active"));

        var alices = (await alice.Browser.GetPageAsync("/")).ShouldBe(200);
        Assert.Equal("0", alices.TextOf("awaiting-count"));
        Assert.NotNull(alices.TextOf("no-awaiting"));
        var open = alices.Section("open-requests");
        Assert.NotNull(open);
        Assert.Contains($"data-open-request=\"{request}\"", open);
        Assert.Contains("Pending approval", open);
        Assert.Contains("href=\"/requests\"", open);
        Assert.NotNull(alices.TextOf("no-activity"));

        // Once decided it no longer waits, nor is it open.
        Assert.Equal("provisioned", ApprovalScenario.StatusAfter(await (await ApiOfAsync(bob)).ApproveAsync(request)));
        Assert.Equal("0", (await bob.Browser.GetPageAsync("/")).ShouldBe(200).TextOf("awaiting-count"));
        Assert.NotNull((await alice.Browser.GetPageAsync("/")).ShouldBe(200).TextOf("no-open-requests"));
    }

    /// <summary>An API client for a portal user, through a setup secret they redeem.</summary>
    private async Task<ApiClient> ApiOfAsync(PortalUser user)
    {
        var token = (await App.Anonymous().PostAsync("/api/v1/setup/redeem", new { secret = await SetupSecretAsync(user.Id) })).ShouldBe(201)["secret"].GetString()!;
        return App.Client(token);
    }

    private static async Task ActivateAndEndAsync(ApiClient user, Guid role)
    {
        var assignment = (await user.ActivateAsync(role, "/", Scenario.For("PT1H"))).ShouldBe(201)["resultAssignmentId"].GetGuid();
        (await user.DeactivateAsync(assignment)).ShouldBe(201);
    }

    private static Dictionary<string, int> Legend(string chart) =>
        LegendPattern().Matches(chart).ToDictionary(m => m.Groups["role"].Value, m => int.Parse(m.Groups["total"].Value, System.Globalization.CultureInfo.InvariantCulture));

    private static List<(string Role, string Day, int Count)> Bars(string chart) =>
        [.. BarPattern().Matches(chart).Select(m => (m.Groups["role"].Value, m.Groups["day"].Value, int.Parse(m.Groups["count"].Value, System.Globalization.CultureInfo.InvariantCulture)))];

    [GeneratedRegex("<li data-series=\"(?<role>[^\"]*)\" data-total=\"(?<total>[0-9]+)\"")]
    private static partial Regex LegendPattern();

    [GeneratedRegex("data-role=\"(?<role>[^\"]*)\" data-day=\"(?<day>[0-9-]+)\" data-count=\"(?<count>[0-9]+)\"")]
    private static partial Regex BarPattern();
}

public sealed class HomePortalTestsOnSqlite() : HomePortalTests(DatabaseKind.Sqlite);

public sealed class HomePortalTestsOnPostgres() : HomePortalTests(DatabaseKind.Postgres);
