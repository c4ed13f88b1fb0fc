using Elevate.Server.Tests.Infrastructure;
using static Elevate.Server.Tests.Reviews.ReviewScenario;

namespace Elevate.Server.Tests.Reviews;

/// <summary>A denial applied by a review is an ordinary adminRemove: it cascades like any removal.</summary>
public abstract class ReviewCascadeTests(DatabaseKind kind) : AppTest(kind)
{
    [Fact]
    public async Task Removing_a_denied_eligibility_also_ends_the_activation_made_from_it()
    {
        var role = await Admin.CreateRoleAsync("db-admin");
        var alice = await UserAsync("alice");
        var carol = await UserAsync("carol");
        var eligibility = await Admin.MakeEligibleAsync(alice.Id, role);
        var activation = (await alice.Client.ActivateAsync(role, "/", Scenario.For("PT8H"))).ShouldBe(201)["resultAssignmentId"].GetGuid();
        Assert.True(await Admin.IsAllowedAsync("alice", role, "/"));

        var reviewId = (await Admin.CreateReviewAsync("db-admin review", Definition([role], [Named(carol.Id)], App.Time.GetUtcNow(), durationDays: 1, autoApply: true))).ShouldBe(201).Id;
        await App.SettleAsync();
        var instanceId = Assert.Single(await Admin.InstancesOfAsync(reviewId)).GetProperty("id").GetGuid();
        var item = Assert.Single(await carol.Client.MyItemsAsync(instanceId));
        Assert.Equal("approve", item.GetProperty("recommendation").GetString());
        (await carol.Client.DecideAsync(instanceId, Decision(item.GetProperty("id").GetGuid(), "deny", "Moved to another team"))).ShouldBe(200);

        await App.AdvanceAsync(TimeSpan.FromHours(1));
        Assert.True(await Admin.IsAllowedAsync("alice", role, "/"));

        // Closed early while the activation still runs; the automatic apply follows at once.
        (await Admin.PostAsync($"{Instances}/{instanceId}/close")).ShouldBe(200);
        await App.SettleAsync();

        var applied = Assert.Single(await Admin.ItemsAsync(instanceId));
        Assert.Equal("removed", applied.GetProperty("outcome").GetString());
        var removalId = applied.GetProperty("removalRequestId").GetGuid();
        var removal = await Admin.RequestAsync(removalId);
        Assert.Equal("adminRemove", removal["action"].GetString());
        Assert.Equal(eligibility, removal["targetAssignmentId"].GetGuid());
        Assert.Contains("db-admin review", removal["justification"].GetString());

        Assert.Equal("ended", (await Admin.AssignmentAsync(eligibility))["status"].GetString());
        Assert.Equal("ended", (await Admin.AssignmentAsync(activation))["status"].GetString());
        Assert.False(await Admin.IsAllowedAsync("alice", role, "/"));
    }
}

public sealed class ReviewCascadeTestsOnSqlite() : ReviewCascadeTests(DatabaseKind.Sqlite);

public sealed class ReviewCascadeTestsOnPostgres() : ReviewCascadeTests(DatabaseKind.Postgres);
