using Elevate.Server.Tests.Infrastructure;

namespace Elevate.Server.Tests.Alerts;

/// <summary>The catalogue end to end through the API: a role without MFA is found, fixed in one click, and resolves.</summary>
public abstract class AlertSmokeTests(DatabaseKind kind) : AppTest(kind)
{
    [Fact]
    public async Task A_privileged_role_without_mfa_is_found_fixed_and_resolved()
    {
        var role = await Admin.CreateRoleAsync("db-admin");
        (await Admin.PostAsync("/api/v1/alerts/evaluate")).ShouldBe(200);

        var alerts = (await Admin.GetAsync("/api/v1/alerts")).ShouldBe(200).Body.EnumerateArray().ToList();
        var alert = Assert.Single(alerts, a => a.GetProperty("type").GetString() == "rolesWithoutMfa");
        var item = Assert.Single(alert.GetProperty("items").EnumerateArray());
        Assert.Equal(role, item.GetProperty("roleId").GetGuid());

        var fixedResult = (await Admin.PostAsync($"/api/v1/alerts/{alert.GetProperty("id").GetGuid()}/fix", new { })).ShouldBe(200);
        Assert.True(Assert.Single(fixedResult["results"].EnumerateArray()).GetProperty("fixed").GetBoolean());

        var settings = (await Admin.GetAsync($"/api/v1/roles/{role}/settings")).ShouldBe(200);
        Assert.True(settings.Body.GetProperty("settings").GetProperty("activation").GetProperty("requireMfa").GetBoolean(), settings.Body.ToString());
        var after = (await Admin.GetAsync($"/api/v1/alerts/{alert.GetProperty("id").GetGuid()}")).ShouldBe(200);
        Assert.Equal("resolved", after["status"].GetString());
        Assert.Single(await Admin.AuditTrailAsync("&action=alert.resolved"));
    }
}

public sealed class AlertSmokeTestsOnSqlite() : AlertSmokeTests(DatabaseKind.Sqlite);

public sealed class AlertSmokeTestsOnPostgres() : AlertSmokeTests(DatabaseKind.Postgres);
