using Elevate.Core.Roles;
using Elevate.Server.Tests.Infrastructure;
using Elevate.Server.Tests.SignIn;

namespace Elevate.Server.Tests.Alerts;

/// <summary>The home page shows open alerts to those who may read them, and fixes and dismisses them for administrators.</summary>
public abstract class AlertPortalTests(DatabaseKind kind) : PortalTest(kind)
{
    [Fact]
    public async Task An_administrator_sees_an_alert_on_the_home_page_and_fixes_it_there()
    {
        var role = await Admin.CreateRoleAsync("db-admin");
        var carol = await UserWithTotpAsync("carol");
        (await Admin.AssignAsync("active", carol.Id, BuiltInRoles.IdOf(BuiltInRole.ElevateAdministrator), "/", Scenario.Permanent)).ShouldBe(201);
        (await Admin.PostAsync("/api/v1/alerts/evaluate")).ShouldBe(200);

        var home = (await carol.Browser.GetPageAsync("/")).ShouldBe(200);
        var alerts = home.SectionText("alerts");
        Assert.NotNull(alerts);
        Assert.Contains("Privileged roles that activate without MFA", alerts);
        Assert.Contains("db-admin", alerts);

        var alertId = (await Admin.GetAsync("/api/v1/alerts")).ShouldBe(200).Body.EnumerateArray()
            .Single(a => a.GetProperty("type").GetString() == "rolesWithoutMfa").GetProperty("id").GetGuid();
        (await carol.Browser.PostFormAsync("/?handler=Fix", new { AlertId = alertId }, home)).ShouldRedirectTo("/");

        Assert.True((await Admin.GetAsync($"/api/v1/roles/{role}/settings")).ShouldBe(200)["settings"].GetProperty("activation").GetProperty("requireMfa").GetBoolean());
        Assert.Equal("resolved", (await Admin.GetAsync($"/api/v1/alerts/{alertId}")).ShouldBe(200)["status"].GetString());
        Assert.Contains("No open alerts.", (await carol.Browser.GetPageAsync("/")).ShouldBe(200).SectionText("alerts"));
    }

    [Fact]
    public async Task An_administrator_dismisses_an_alert_with_a_reason_and_a_missing_reason_is_refused()
    {
        await Admin.CreateRoleAsync("db-admin");
        var carol = await UserWithTotpAsync("carol");
        (await Admin.AssignAsync("active", carol.Id, BuiltInRoles.IdOf(BuiltInRole.ElevateAdministrator), "/", Scenario.Permanent)).ShouldBe(201);
        (await Admin.PostAsync("/api/v1/alerts/evaluate")).ShouldBe(200);
        var alertId = (await Admin.GetAsync("/api/v1/alerts")).ShouldBe(200).Body.EnumerateArray().Single().GetProperty("id").GetGuid();
        var home = (await carol.Browser.GetPageAsync("/")).ShouldBe(200);

        (await carol.Browser.PostFormAsync("/?handler=Dismiss", new { AlertId = alertId, Reason = "" }, home)).ShouldShowError("reason");
        Assert.Equal("open", (await Admin.GetAsync($"/api/v1/alerts/{alertId}")).ShouldBe(200)["status"].GetString());

        (await carol.Browser.PostFormAsync("/?handler=Dismiss", new { AlertId = alertId, Reason = "Lab role, no production access" }, home)).ShouldRedirectTo("/");
        var dismissed = (await Admin.GetAsync($"/api/v1/alerts/{alertId}")).ShouldBe(200);
        Assert.Equal("dismissed", dismissed["status"].GetString());
        Assert.Equal("Lab role, no production access", dismissed["dismissReason"].GetString());
    }

    [Fact]
    public async Task Someone_without_an_administrative_role_sees_no_alerts_and_cannot_fix_them()
    {
        await Admin.CreateRoleAsync("db-admin");
        (await Admin.PostAsync("/api/v1/alerts/evaluate")).ShouldBe(200);
        var alertId = (await Admin.GetAsync("/api/v1/alerts")).ShouldBe(200).Body.EnumerateArray().Single().GetProperty("id").GetGuid();
        var dave = await UserWithTotpAsync("dave");

        var home = (await dave.Browser.GetPageAsync("/")).ShouldBe(200);
        Assert.Null(home.Section("alerts"));
        (await dave.Browser.PostFormAsync("/?handler=Fix", new { AlertId = alertId }, home)).ShouldBe(200);
        Assert.Equal("open", (await Admin.GetAsync($"/api/v1/alerts/{alertId}")).ShouldBe(200)["status"].GetString());
    }
}

public sealed class AlertPortalTestsOnSqlite() : AlertPortalTests(DatabaseKind.Sqlite);

public sealed class AlertPortalTestsOnPostgres() : AlertPortalTests(DatabaseKind.Postgres);
