using Elevate.Server.Tests.Approvals;
using Elevate.Server.Tests.Infrastructure;
using static Elevate.Server.Tests.Alerts.AlertScenario;

namespace Elevate.Server.Tests.Alerts;

/// <summary>Dismissing an alert: a reason is required, only an open alert is dismissed, it is audited, and it holds until something new appears.</summary>
public abstract class AlertDismissTests(DatabaseKind kind) : AppTest(kind)
{
    [Fact]
    public async Task A_dismissal_needs_a_reason_is_audited_holds_for_the_same_items_and_a_new_item_reopens_it()
    {
        await Admin.CreateRoleAsync("lab-admin");
        var alert = await Admin.RaisedAsync("rolesWithoutMfa");
        var id = IdOf(alert);

        (await Admin.DismissAsync(id, null)).ShouldFail(400, "required");
        Assert.Equal("reason", (await Admin.DismissAsync(id, "   ")).ShouldFail(400, "required").Field);
        Assert.Equal("open", StatusOf(await Admin.AlertAsync(id)));

        var dismissed = (await Admin.DismissAsync(id, "Lab roles; nothing real behind them")).ShouldBe(200);
        Assert.Equal("dismissed", dismissed["status"].GetString());
        Assert.Equal("Lab roles; nothing real behind them", dismissed["dismissReason"].GetString());
        Assert.Equal(await Admin.MyIdAsync(), dismissed["dismissedById"].GetGuid());
        var audited = Assert.Single(await Admin.AuditTrailAsync("&action=alert.dismissed"));
        Assert.Equal("Lab roles; nothing real behind them", audited.GetProperty("justification").GetString());
        Assert.Equal(id, ApprovalScenario.Details(audited).GetProperty("alertId").GetGuid());

        (await Admin.DismissAsync(id, "Again")).ShouldFail(409, "alert_not_open");

        // Listed by default (open and dismissed) and under status=dismissed, not under open.
        Assert.Contains(await Admin.AlertsAsync(), a => IdOf(a) == id);
        Assert.Contains(await Admin.AlertsAsync("dismissed"), a => IdOf(a) == id);
        Assert.DoesNotContain(await Admin.AlertsAsync("open"), a => IdOf(a) == id);

        // The same items: it stays dismissed.
        await Admin.EvaluateAsync();
        Assert.Equal("dismissed", StatusOf(await Admin.AlertAsync(id)));
        Assert.Empty(await Admin.AuditTrailAsync("&action=alert.reopened"));

        // Something the dismissal did not accept: the same alert is open again.
        var second = await Admin.CreateRoleAsync("prod-admin");
        await Admin.EvaluateAsync();
        var reopened = await Admin.AlertAsync(id);
        Assert.Equal("open", StatusOf(reopened));
        Assert.Contains(ItemsOf(reopened), i => RoleOf(i) == second);
        Assert.Single(await Admin.AuditTrailAsync("&action=alert.reopened"), e => ApprovalScenario.Details(e).GetProperty("alertId").GetGuid() == id);
        Assert.Single(await Admin.AlertsAsync(), a => a.GetProperty("type").GetString() == "rolesWithoutMfa");
    }

    [Fact]
    public async Task A_dismissed_alert_whose_items_shrink_stays_dismissed_and_resolves_when_none_remain()
    {
        var first = await Admin.CreateRoleAsync("lab-admin");
        var second = await Admin.CreateRoleAsync("lab-operator");
        var alert = await Admin.RaisedAsync("rolesWithoutMfa");
        Assert.Equal(2, ItemsOf(alert).Count);
        (await Admin.DismissAsync(IdOf(alert), "Lab roles")).ShouldBe(200);

        (await Admin.PutAsync($"/api/v1/roles/{first}/settings", new { activation = new { requireMfa = true } })).ShouldBe(200);
        await Admin.EvaluateAsync();
        var fewer = await Admin.AlertAsync(IdOf(alert));
        Assert.Equal("dismissed", StatusOf(fewer));
        Assert.Equal(second, RoleOf(Assert.Single(ItemsOf(fewer))));

        (await Admin.PutAsync($"/api/v1/roles/{second}/settings", new { activation = new { requireMfa = true } })).ShouldBe(200);
        await Admin.EvaluateAsync();
        var resolved = await Admin.AlertAsync(IdOf(alert));
        Assert.Equal("resolved", StatusOf(resolved));
        Assert.Contains(await Admin.AlertsAsync("resolved"), a => IdOf(a) == IdOf(alert));
        Assert.DoesNotContain(await Admin.AlertsAsync(), a => IdOf(a) == IdOf(alert));

        // The condition returns: a new alert, the resolved one stays history.
        await Admin.CreateRoleAsync("lab-viewer");
        var again = await Admin.RaisedAsync("rolesWithoutMfa");
        Assert.NotEqual(IdOf(alert), IdOf(again));
        Assert.Equal("open", StatusOf(again));
        Assert.Equal("resolved", StatusOf(await Admin.AlertAsync(IdOf(alert))));
    }

    [Fact]
    public async Task A_fix_naming_an_item_the_alert_does_not_have_is_refused_and_changes_nothing()
    {
        var role = await Admin.CreateRoleAsync("lab-admin");
        var alert = await Admin.RaisedAsync("rolesWithoutMfa");

        var refused = (await Admin.FixAsync(IdOf(alert), "settings:nothing:/")).ShouldFail(400, "invalid_value");
        Assert.Equal("items", refused.Field);
        Assert.False((await Admin.GetAsync($"/api/v1/roles/{role}/settings")).ShouldBe(200)["settings"].GetProperty("activation").GetProperty("requireMfa").GetBoolean());
        Assert.Equal("open", StatusOf(await Admin.AlertAsync(IdOf(alert))));
    }

    [Fact]
    public async Task A_fix_of_named_items_touches_only_those()
    {
        var first = await Admin.CreateRoleAsync("lab-admin");
        var second = await Admin.CreateRoleAsync("prod-admin");
        var alert = await Admin.RaisedAsync("rolesWithoutMfa");
        var key = ItemsOf(alert).Single(i => RoleOf(i) == second).GetProperty("key").GetString()!;

        var result = Assert.Single((await Admin.FixAsync(IdOf(alert), key)).ShouldBe(200)["results"].EnumerateArray());
        Assert.Equal(key, result.GetProperty("key").GetString());
        Assert.True(result.GetProperty("fixed").GetBoolean());

        var after = await Admin.AlertAsync(IdOf(alert));
        Assert.Equal("open", StatusOf(after));
        Assert.Equal(first, RoleOf(Assert.Single(ItemsOf(after))));
        Assert.True((await Admin.GetAsync($"/api/v1/roles/{second}/settings")).ShouldBe(200)["settings"].GetProperty("activation").GetProperty("requireMfa").GetBoolean());
    }

    [Fact]
    public async Task Alert_settings_round_trip_with_an_etag_and_a_stale_if_match_is_refused()
    {
        var read = (await Admin.GetAsync(Settings)).ShouldBe(200);
        Assert.Equal(2, read["maxPermanentAdministrators"].GetInt32());
        var etag = read.Header("ETag")!;

        var written = (await Admin.PutAsync(Settings, new { staleAccountAfter = "P30D" }, new Dictionary<string, string> { ["If-Match"] = etag })).ShouldBe(200);
        Assert.Equal("P30D", written["staleAccountAfter"].GetString());
        Assert.NotEqual(etag, written.Header("ETag"));

        (await Admin.PutAsync(Settings, new { staleAccountAfter = "P60D" }, new Dictionary<string, string> { ["If-Match"] = etag })).ShouldFail(412, "precondition_failed");
        Assert.Equal("P30D", (await Admin.GetAsync(Settings)).ShouldBe(200)["staleAccountAfter"].GetString());
        Assert.Single(await Admin.AuditTrailAsync("&action=alert_settings.updated"));
    }
}

public sealed class AlertDismissTestsOnSqlite() : AlertDismissTests(DatabaseKind.Sqlite);

public sealed class AlertDismissTestsOnPostgres() : AlertDismissTests(DatabaseKind.Postgres);
