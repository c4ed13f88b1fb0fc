using System.Text.Json;
using Elevate.Server.Tests.Infrastructure;
using static Elevate.Server.Tests.Reviews.ReviewScenario;
using static Elevate.Server.Tests.Reviews.ReviewScenarioMore;

namespace Elevate.Server.Tests.Reviews;

/// <summary>
/// Recurring reviews run by the scheduler: instances start on schedule and close at their end, a count ends the
/// schedule, stopping closes the running instance, and an edit changes only the instances that start after it.
/// </summary>
public abstract class ReviewScheduleTests(DatabaseKind kind) : AppTest(kind)
{
    [Fact]
    public async Task A_weekly_review_starts_an_instance_every_seven_days_and_closes_each_at_its_end()
    {
        var role = await Admin.CreateRoleAsync("db-admin");
        var alice = await UserAsync("alice");
        var carol = await UserAsync("carol");
        await Admin.MakeEligibleAsync(alice.Id, role);
        var start = App.Time.GetUtcNow().AddDays(1);
        var reviewId = (await Admin.CreateReviewAsync("weekly", Definition([role], [Named(carol.Id)], start, recurrence: "weekly", durationDays: 3, reminders: ["P1D"])))
            .ShouldBe(201).Id;
        await App.SettleAsync();
        Assert.Empty(await Admin.InstancesOfAsync(reviewId));

        await App.AdvanceAsync(TimeSpan.FromDays(1));
        var first = Assert.Single(await Admin.InstancesOfAsync(reviewId));
        AssertInstance(first, 1, "inProgress", start, start.AddDays(3));
        Assert.Equal(start.AddDays(7), (await Admin.GetAsync($"{ReviewScenario.Reviews}/{reviewId}")).ShouldBe(200)["nextStartAt"].GetDateTimeOffset());

        await App.AdvanceAsync(TimeSpan.FromDays(3));
        first = Assert.Single(await Admin.InstancesOfAsync(reviewId));

        // Nothing to remove (nobody denied, the default changes nothing): closed and applied as it stands.
        Assert.Equal("applied", first.Text("status"));
        Assert.Equal(start.AddDays(3), first.GetProperty("closedAt").GetDateTimeOffset());
        Assert.True(first.IsNull("closedById"));

        await App.AdvanceAsync(TimeSpan.FromDays(4));
        var instances = await Admin.InstancesOfAsync(reviewId);
        Assert.Equal(2, instances.Count);
        var second = instances[0];
        AssertInstance(second, 2, "inProgress", start.AddDays(7), start.AddDays(10));
        Assert.Equal(1, second.GetProperty("itemCount").GetInt32());
        Assert.Single(await carol.Client.MyItemsAsync(second.GetProperty("id").GetGuid()));

        await App.AdvanceAsync(TimeSpan.FromDays(3));
        second = (await Admin.InstancesOfAsync(reviewId))[0];
        Assert.Equal(2, second.GetProperty("number").GetInt32());
        Assert.Equal("applied", second.Text("status"));
        Assert.Equal(start.AddDays(10), second.GetProperty("closedAt").GetDateTimeOffset());
        Assert.Equal("active", (await Admin.GetAsync($"{ReviewScenario.Reviews}/{reviewId}")).ShouldBe(200).Body.Text("status"));
    }

    [Fact]
    public async Task A_review_that_ends_after_two_instances_starts_no_third_and_completes()
    {
        var role = await Admin.CreateRoleAsync("db-admin");
        var alice = await UserAsync("alice");
        var carol = await UserAsync("carol");
        await Admin.MakeEligibleAsync(alice.Id, role);
        var start = App.Time.GetUtcNow();
        var reviewId = (await Admin.CreateReviewAsync("twice", Definition([role], [Named(carol.Id)], start, recurrence: "weekly", durationDays: 3, reminders: ["P1D"],
            end: "afterCount", instances: 2))).ShouldBe(201).Id;
        await App.SettleAsync();
        Assert.Single(await Admin.InstancesOfAsync(reviewId));

        await App.AdvanceAsync(TimeSpan.FromDays(7));
        Assert.Equal(2, (await Admin.InstancesOfAsync(reviewId)).Count);
        var review = (await Admin.GetAsync($"{ReviewScenario.Reviews}/{reviewId}")).ShouldBe(200);
        Assert.Equal("active", review.Body.Text("status"));
        Assert.True(review.Body.IsNull("nextStartAt"));

        await App.AdvanceAsync(TimeSpan.FromDays(3));
        review = (await Admin.GetAsync($"{ReviewScenario.Reviews}/{reviewId}")).ShouldBe(200);
        Assert.Equal("completed", review.Body.Text("status"));
        Assert.Equal(2, review["instancesStarted"].GetInt32());

        await App.AdvanceAsync(TimeSpan.FromDays(7));
        await App.AdvanceAsync(TimeSpan.FromDays(7));
        var instances = await Admin.InstancesOfAsync(reviewId);
        Assert.Equal(2, instances.Count);
        Assert.All(instances, i => Assert.NotEqual("inProgress", i.Text("status")));
        Assert.Equal("completed", (await Admin.GetAsync($"{ReviewScenario.Reviews}/{reviewId}")).ShouldBe(200).Body.Text("status"));
    }

    [Fact]
    public async Task Stopping_a_review_closes_its_running_instance_early_and_starts_no_other()
    {
        var role = await Admin.CreateRoleAsync("db-admin");
        var alice = await UserAsync("alice");
        var carol = await UserAsync("carol");
        await Admin.MakeEligibleAsync(alice.Id, role);
        var start = App.Time.GetUtcNow();
        var reviewId = (await Admin.CreateReviewAsync("weekly", Definition([role], [Named(carol.Id)], start, recurrence: "weekly", durationDays: 5))).ShouldBe(201).Id;
        var instanceId = await Admin.OnlyInstanceAsync(App, reviewId);
        var itemId = Assert.Single(await carol.Client.MyItemsAsync(instanceId)).GetProperty("id").GetGuid();
        await App.AdvanceAsync(TimeSpan.FromDays(1));

        var stopped = (await Admin.PostAsync($"{ReviewScenario.Reviews}/{reviewId}/stop", new { reason = "Replaced by the quarterly review" })).ShouldBe(200);
        Assert.Equal("stopped", stopped.Body.Text("status"));
        Assert.True(stopped.Body.IsNull("nextStartAt"));
        Assert.Equal(start.AddDays(1), stopped["stoppedAt"].GetDateTimeOffset());

        var instance = Assert.Single(await Admin.InstancesOfAsync(reviewId));
        Assert.NotEqual("inProgress", instance.Text("status"));
        Assert.Equal(start.AddDays(1), instance.GetProperty("closedAt").GetDateTimeOffset());
        Assert.True(instance.GetProperty("closedAt").GetDateTimeOffset() < instance.GetProperty("endsAt").GetDateTimeOffset());
        Assert.False(instance.IsNull("closedById"));
        (await carol.Client.DecideAsync(instanceId, Decision(itemId, "approve", "Too late"))).ShouldFail(409, "review_not_in_progress");
        Assert.Single(await Admin.AuditTrailAsync("&action=review.stopped"));

        await App.AdvanceAsync(TimeSpan.FromDays(7));
        await App.AdvanceAsync(TimeSpan.FromDays(7));
        Assert.Single(await Admin.InstancesOfAsync(reviewId));
        Assert.Equal("stopped", (await Admin.GetAsync($"{ReviewScenario.Reviews}/{reviewId}")).ShouldBe(200).Body.Text("status"));
        (await Admin.PostAsync($"{ReviewScenario.Reviews}/{reviewId}/stop", new { reason = "Again" })).ShouldFail(409, "review_stopped");
    }

    [Fact]
    public async Task An_edit_changes_the_next_instances_only_and_needs_the_current_version()
    {
        var first = await Admin.CreateRoleAsync("db-admin");
        var second = await Admin.CreateRoleAsync("dns-admin");
        var alice = await UserAsync("alice");
        var bob = await UserAsync("bob");
        var carol = await UserAsync("carol");
        var dave = await UserAsync("dave");
        await Admin.MakeEligibleAsync(alice.Id, first);
        await Admin.MakeEligibleAsync(bob.Id, second);
        var start = App.Time.GetUtcNow();
        var reviewId = (await Admin.CreateReviewAsync("weekly", Definition([first], [Named(carol.Id)], start, recurrence: "weekly", durationDays: 5))).ShouldBe(201).Id;
        var runningId = await Admin.OnlyInstanceAsync(App, reviewId);

        var read = (await Admin.GetAsync($"{ReviewScenario.Reviews}/{reviewId}")).ShouldBe(200);
        var etag = read.Header("ETag");
        Assert.NotNull(etag);
        var edit = new
        {
            name = "weekly",
            description = "db and dns",
            definition = Definition([first, second], [Named(dave.Id)], start, recurrence: "weekly", durationDays: 5),
        };
        var edited = (await Admin.PutAsync($"{ReviewScenario.Reviews}/{reviewId}", edit, new Dictionary<string, string> { ["If-Match"] = etag })).ShouldBe(200);
        Assert.NotEqual(etag, edited.Header("ETag"));
        Assert.Equal(2, edited["definition"].GetProperty("scope").GetProperty("roleIds").GetArrayLength());

        // A second edit from the same (now stale) read is refused, and changes nothing.
        var stale = new { name = "weekly", description = "stale", definition = Definition([first], [Named(carol.Id)], start, recurrence: "weekly", durationDays: 5) };
        (await Admin.PutAsync($"{ReviewScenario.Reviews}/{reviewId}", stale, new Dictionary<string, string> { ["If-Match"] = etag })).ShouldFail(412, "precondition_failed");
        var now = (await Admin.GetAsync($"{ReviewScenario.Reviews}/{reviewId}")).ShouldBe(200);
        Assert.Equal("db and dns", now.Body.Text("description"));
        Assert.Equal(edited.Header("ETag"), now.Header("ETag"));

        // The running instance keeps its snapshot and its reviewers.
        var running = Assert.Single(await Admin.ItemsAsync(runningId));
        Assert.Equal(alice.Id, running.GetProperty("principal").GetProperty("id").GetGuid());
        (await dave.Client.DecideAsync(runningId, Decision(running.GetProperty("id").GetGuid(), "approve", "New reviewer"))).ShouldFail(404, "review_not_found");
        (await carol.Client.DecideAsync(runningId, Decision(running.GetProperty("id").GetGuid(), "approve", "Still on call"))).ShouldBe(200);

        await App.AdvanceAsync(TimeSpan.FromDays(7));
        var instances = await Admin.InstancesOfAsync(reviewId);
        Assert.Equal(2, instances.Count);
        Assert.Equal(1, instances[1].GetProperty("itemCount").GetInt32());
        var nextId = instances[0].GetProperty("id").GetGuid();
        var next = await Admin.ItemsAsync(nextId);
        Assert.Equal(new[] { alice.Id, bob.Id }.Order(), next.Select(i => i.GetProperty("principal").GetProperty("id").GetGuid()).Order());
        (await carol.Client.DecideAsync(nextId, Decision(ItemIdOf(next, alice.Id), "approve", "Old reviewer"))).ShouldFail(404, "review_not_found");
        Assert.Equal(2, (await dave.Client.MyItemsAsync(nextId)).Count);
        (await dave.Client.DecideAsync(nextId, Decision(ItemIdOf(next, alice.Id), "approve", "On call"), Decision(ItemIdOf(next, bob.Id), "deny", "Left"))).ShouldBe(200);
    }

    private static void AssertInstance(JsonElement instance, int number, string status, DateTimeOffset startsAt, DateTimeOffset endsAt)
    {
        Assert.Equal(number, instance.GetProperty("number").GetInt32());
        Assert.Equal(status, instance.Text("status"));
        Assert.Equal(startsAt, instance.GetProperty("startsAt").GetDateTimeOffset());
        Assert.Equal(endsAt, instance.GetProperty("endsAt").GetDateTimeOffset());
    }
}

public sealed class ReviewScheduleTestsOnSqlite() : ReviewScheduleTests(DatabaseKind.Sqlite);

public sealed class ReviewScheduleTestsOnPostgres() : ReviewScheduleTests(DatabaseKind.Postgres);
