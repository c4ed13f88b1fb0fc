using Elevate.Server.Tests.Infrastructure;

namespace Elevate.Server.Tests.Scheduling;

/// <summary>The durable scheduler: grants are processed at their time, after restarts, and exactly once across instances.</summary>
public abstract class SchedulerTests(DatabaseKind kind) : AppTest(kind)
{
    [Fact]
    public async Task An_expiry_is_processed_at_its_time_with_its_audit_event()
    {
        var alice = await UserAsync("alice");
        var role = await Admin.CreateRoleAsync("db-admin");
        await Admin.MakeEligibleAsync(alice.Id, role);
        var assignmentId = (await alice.Client.ActivateAsync(role, "/", Scenario.For("PT2H"))).ShouldBe(201)["resultAssignmentId"].GetGuid();
        await App.SettleAsync();
        Assert.Equal(App.Time.GetUtcNow().AddHours(2), App.Scheduler.LastPass!.NextDue);

        await App.AdvanceAsync(TimeSpan.FromHours(2));

        var assignment = await Admin.AssignmentAsync(assignmentId);
        Assert.Equal("expired", assignment["status"].GetString());
        var expired = Assert.Single(await Admin.AuditTrailAsync($"&action=assignment.expired&principalId={alice.Id}"));
        Assert.Equal(App.Time.GetUtcNow(), expired.GetProperty("occurredAt").GetDateTimeOffset());
        Assert.Equal("system:scheduler", expired.GetProperty("actorName").GetString());
    }

    [Fact]
    public async Task The_scheduler_wakes_at_the_next_due_time_without_being_told()
    {
        var alice = await UserAsync("alice");
        var role = await Admin.CreateRoleAsync("db-admin");
        await Admin.MakeEligibleAsync(alice.Id, role);
        var assignmentId = (await alice.Client.ActivateAsync(role, "/", Scenario.For("PT10M"))).ShouldBe(201)["resultAssignmentId"].GetGuid();
        await App.SettleAsync();

        App.Time.Advance(TimeSpan.FromMinutes(10));
        await App.SettleAsync(poke: false);

        Assert.Equal("expired", (await Admin.AssignmentAsync(assignmentId))["status"].GetString());
        Assert.Equal(TimeSpan.Zero, App.Scheduler.LastPass!.MaxLag);
    }

    [Fact]
    public async Task Overdue_starts_and_expiries_are_caught_up_after_a_restart()
    {
        var alice = await UserAsync("alice");
        var role = await Admin.CreateRoleAsync("db-admin");
        await Admin.MakeEligibleAsync(alice.Id, role);
        var ending = (await alice.Client.ActivateAsync(role, "/a", Scenario.For("PT1H"))).ShouldBe(201)["resultAssignmentId"].GetGuid();
        var starting = (await alice.Client.ActivateAsync(role, "/b", Scenario.For("PT8H", App.Time.GetUtcNow().AddHours(2)))).ShouldBe(201);
        await App.DisposeAsync();

        // Elevate is down while both fall due.
        var clock = App.Time;
        clock.Advance(TimeSpan.FromHours(3));
        await using var restarted = new ElevateApp(App.Database, clock);
        var admin = restarted.Client(Admin.Token!);
        await restarted.SettleAsync();

        Assert.Equal("expired", (await admin.AssignmentAsync(ending))["status"].GetString());
        Assert.Equal("active", (await admin.AssignmentAsync(starting["resultAssignmentId"].GetGuid()))["status"].GetString());
        Assert.Equal("provisioned", (await admin.RequestAsync(starting.Id))["status"].GetString());
        Assert.True((await admin.PostAsync("/api/v1/audit/verify")).ShouldBe(200)["valid"].GetBoolean());
    }

    [Fact]
    public async Task Several_instances_on_one_database_process_each_due_grant_exactly_once()
    {
        var role = await Admin.CreateRoleAsync("db-admin");
        var users = new List<TestUser>();
        for (var i = 0; i < 12; i++)
        {
            var user = await UserAsync($"user{i}");
            await Admin.MakeEligibleAsync(user.Id, role);
            (await user.Client.ActivateAsync(role, "/", Scenario.For($"PT{10 + (i % 3)}M"))).ShouldBe(201);
            users.Add(user);
        }

        await using var second = new ElevateApp(App.Database, App.Time);
        await using var third = new ElevateApp(App.Database, App.Time);
        _ = second.Services;
        _ = third.Services;
        await second.SettleAsync();
        await third.SettleAsync();

        App.Time.Advance(TimeSpan.FromMinutes(15));
        await Task.WhenAll(App.SettleAsync(), second.SettleAsync(), third.SettleAsync());

        var expired = await Admin.AuditTrailAsync("&action=assignment.expired");
        Assert.Equal(users.Count, expired.Count);
        Assert.Equal(users.Count, expired.Select(e => e.GetProperty("assignmentId").GetGuid()).Distinct().Count());
        Assert.True((await Admin.PostAsync("/api/v1/audit/verify")).ShouldBe(200)["valid"].GetBoolean());
    }
}

public sealed class SchedulerTestsOnSqlite() : SchedulerTests(DatabaseKind.Sqlite);

public sealed class SchedulerTestsOnPostgres() : SchedulerTests(DatabaseKind.Postgres);
