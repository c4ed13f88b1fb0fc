using Elevate.Server.Tests.Infrastructure;

namespace Elevate.Server.Tests.Alerts;

/// <summary>The background monitor evaluates shortly after a change, on the fake clock, without anyone calling evaluate.</summary>
public abstract class AlertMonitorTests(DatabaseKind kind) : AppTest(kind)
{
    protected override void Configure(Dictionary<string, string?> settings)
    {
        settings["Elevate:Alerts:Enabled"] = "true";

        // Far away, so only the change (not the schedule) can explain an evaluation within this test.
        settings["Elevate:Alerts:EvaluationInterval"] = "1.00:00:00";
        settings["Elevate:Alerts:MinimumGap"] = "00:00:30";
    }

    [Fact]
    public async Task A_change_raises_its_alert_once_the_gather_and_minimum_gap_have_passed()
    {
        var role = await Admin.CreateRoleAsync("db-admin");

        // The monitor waits on the fake clock: in real time, nothing is evaluated yet.
        await Task.Delay(TimeSpan.FromMilliseconds(500));
        Assert.Null(await Admin.AlertOfAsync("rolesWithoutMfa"));

        var advanced = TimeSpan.Zero;
        await AlertScenario.EventuallyAsync(async () =>
        {
            if (await Admin.AlertOfAsync("rolesWithoutMfa") is { } alert)
            {
                Assert.Equal(role, AlertScenario.RoleOf(Assert.Single(AlertScenario.ItemsOf(alert))));
                return true;
            }

            // Move the clock past the gather and the minimum gap (again, if the monitor was not yet waiting).
            App.Time.Advance(TimeSpan.FromSeconds(31));
            advanced += TimeSpan.FromSeconds(31);
            return false;
        }, "the monitor to raise the alert");

        Assert.True(advanced < TimeSpan.FromHours(1), $"The clock moved {advanced}; the schedule (a day) cannot explain the evaluation.");
        Assert.Single(await Admin.AuditTrailAsync("&action=alert.raised"));
    }
}

public sealed class AlertMonitorTestsOnSqlite() : AlertMonitorTests(DatabaseKind.Sqlite);

public sealed class AlertMonitorTestsOnPostgres() : AlertMonitorTests(DatabaseKind.Postgres);
