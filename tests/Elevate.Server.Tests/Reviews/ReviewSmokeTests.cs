using Elevate.Server.Tests.Infrastructure;
using static Elevate.Server.Tests.Reviews.ReviewScenario;

namespace Elevate.Server.Tests.Reviews;

/// <summary>One review from definition to applied results through the API.</summary>
public abstract class ReviewSmokeTests(DatabaseKind kind) : AppTest(kind)
{
    [Fact]
    public async Task A_one_time_review_starts_is_decided_closes_and_removes_the_denied_access()
    {
        var role = await Admin.CreateRoleAsync("db-admin");
        var alice = await UserAsync("alice");
        var bob = await UserAsync("bob");
        var carol = await UserAsync("carol");
        var aliceEligibility = await Admin.MakeEligibleAsync(alice.Id, role);
        var bobEligibility = await Admin.MakeEligibleAsync(bob.Id, role);

        var created = (await Admin.CreateReviewAsync("db-admin review", Definition([role], [Named(carol.Id)], App.Time.GetUtcNow(), autoApply: true))).ShouldBe(201);
        var reviewId = created.Id;
        await App.SettleAsync();

        var instance = Assert.Single(await Admin.InstancesOfAsync(reviewId));
        var instanceId = instance.GetProperty("id").GetGuid();
        Assert.Equal(2, instance.GetProperty("itemCount").GetInt32());
        var pending = await carol.Client.MyItemsAsync(instanceId);
        Assert.Equal(2, pending.Count);
        Assert.All(pending, i => Assert.Equal("deny", i.GetProperty("recommendation").GetString()));

        (await carol.Client.DecideAsync(instanceId, Decision(ItemIdOf(pending, alice.Id), "approve", "Still on call"), Decision(ItemIdOf(pending, bob.Id), "deny", "Left the team"))).ShouldBe(200);
        (await alice.Client.DecideAsync(instanceId, Decision(ItemIdOf(pending, alice.Id), "approve", "Mine"))).ShouldFail(404, "review_not_found");

        await App.AdvanceAsync(TimeSpan.FromDays(14));
        var progress = await Admin.ProgressAsync(instanceId);
        Assert.Equal("applied", progress.GetProperty("instance").GetProperty("status").GetString());
        Assert.Equal("ended", (await Admin.AssignmentAsync(bobEligibility))["status"].GetString());
        Assert.Equal("active", (await Admin.AssignmentAsync(aliceEligibility))["status"].GetString());
    }
}

public sealed class ReviewSmokeTestsOnSqlite() : ReviewSmokeTests(DatabaseKind.Sqlite);

public sealed class ReviewSmokeTestsOnPostgres() : ReviewSmokeTests(DatabaseKind.Postgres);
