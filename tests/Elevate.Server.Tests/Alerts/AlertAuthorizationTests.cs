using Elevate.Core.Roles;
using Elevate.Server.Tests.Infrastructure;
using static Elevate.Server.Tests.Alerts.AlertScenario;

namespace Elevate.Server.Tests.Alerts;

/// <summary>Who may read and act on alerts: administrators all of it, auditors read only, plain users nothing but the catalogue.</summary>
public abstract class AlertAuthorizationTests(DatabaseKind kind) : AppTest(kind)
{
    private static readonly Guid Auditor = BuiltInRoles.IdOf(BuiltInRole.Auditor);

    [Fact]
    public async Task A_plain_user_may_read_the_catalogue_but_no_alert_nor_act_on_one()
    {
        var alice = await UserAsync("alice");
        var role = await Admin.CreateRoleAsync("db-admin");
        var id = IdOf(await Admin.RaisedAsync("rolesWithoutMfa"));

        (await alice.Client.GetAsync($"{AlertsPath}/catalogue")).ShouldBe(200);
        (await alice.Client.GetAsync(AlertsPath)).ShouldFail(403, "forbidden");
        (await alice.Client.GetAsync($"{AlertsPath}/{id}")).ShouldFail(403, "forbidden");
        (await alice.Client.DismissAsync(id, "Not mine to worry about")).ShouldFail(403, "forbidden");
        (await alice.Client.FixAsync(id)).ShouldFail(403, "forbidden");
        (await alice.Client.PostAsync($"{AlertsPath}/evaluate")).ShouldFail(403, "forbidden");
        (await alice.Client.GetAsync(Settings)).ShouldFail(403, "forbidden");
        (await alice.Client.PutAsync(Settings, new { })).ShouldFail(403, "forbidden");

        Assert.Equal("open", StatusOf(await Admin.AlertAsync(id)));
        Assert.False((await Admin.GetAsync($"/api/v1/roles/{role}/settings")).ShouldBe(200)["settings"].GetProperty("activation").GetProperty("requireMfa").GetBoolean());
    }

    [Fact]
    public async Task An_auditor_reads_alerts_and_their_settings_but_may_not_dismiss_fix_evaluate_or_set_thresholds()
    {
        var auditor = await UserAsync("auditor");
        (await Admin.AssignAsync("active", auditor.Id, Auditor, "/", Scenario.Permanent, "Quarterly audit")).ShouldBe(201);
        var role = await Admin.CreateRoleAsync("db-admin");
        var id = IdOf(await Admin.RaisedAsync("rolesWithoutMfa"));

        Assert.Contains(await auditor.Client.AlertsAsync(), a => IdOf(a) == id);
        Assert.Equal("open", StatusOf(await auditor.Client.AlertAsync(id)));
        (await auditor.Client.GetAsync(Settings)).ShouldBe(200);

        (await auditor.Client.DismissAsync(id, "Looks fine to me")).ShouldFail(403, "forbidden");
        (await auditor.Client.PostAsync($"{AlertsPath}/evaluate")).ShouldFail(403, "forbidden");
        (await auditor.Client.PutAsync(Settings, new { })).ShouldFail(403, "forbidden");
        (await auditor.Client.FixAsync(id)).ShouldFail(403, "forbidden");

        Assert.Equal("open", StatusOf(await Admin.AlertAsync(id)));
        Assert.False((await Admin.GetAsync($"/api/v1/roles/{role}/settings")).ShouldBe(200)["settings"].GetProperty("activation").GetProperty("requireMfa").GetBoolean());
    }
}

public sealed class AlertAuthorizationTestsOnSqlite() : AlertAuthorizationTests(DatabaseKind.Sqlite);

public sealed class AlertAuthorizationTestsOnPostgres() : AlertAuthorizationTests(DatabaseKind.Postgres);
