using Elevate.Server.Tests.Infrastructure;
using static Elevate.Server.Tests.Reviews.ReviewScenario;
using static Elevate.Server.Tests.Reviews.ReviewScenarioMore;

namespace Elevate.Server.Tests.Reviews;

/// <summary>
/// What an instance reviews: the items it snapshots when it starts (roles, assignment types, scope path, inactivity,
/// groups as a whole or per member), and how access that changes during the review shows.
/// </summary>
public abstract class ReviewSnapshotTests(DatabaseKind kind) : AppTest(kind)
{
    [Fact]
    public async Task An_assignment_made_after_the_instance_started_is_not_in_it()
    {
        var role = await Admin.CreateRoleAsync("db-admin");
        var alice = await UserAsync("alice");
        var dave = await UserAsync("dave");
        var carol = await UserAsync("carol");
        await Admin.MakeEligibleAsync(alice.Id, role);
        var reviewId = (await Admin.CreateReviewAsync("db-admin review", Definition([role], [Named(carol.Id)], App.Time.GetUtcNow()))).ShouldBe(201).Id;
        var instanceId = await Admin.OnlyInstanceAsync(App, reviewId);

        await App.AdvanceAsync(TimeSpan.FromHours(1));
        await Admin.MakeEligibleAsync(dave.Id, role);
        await App.SettleAsync();

        var item = Assert.Single(await Admin.ItemsAsync(instanceId));
        Assert.Equal(alice.Id, item.GetProperty("principal").GetProperty("id").GetGuid());
        Assert.Equal(1, (await Admin.ProgressAsync(instanceId)).GetProperty("items").GetInt32());
        Assert.Equal(1, Assert.Single(await Admin.InstancesOfAsync(reviewId)).GetProperty("itemCount").GetInt32());
        Assert.Single(await carol.Client.MyItemsAsync(instanceId));
    }

    [Fact]
    public async Task An_assignment_removed_during_the_review_shows_as_ended_and_closes_as_already_gone()
    {
        var role = await Admin.CreateRoleAsync("db-admin");
        var alice = await UserAsync("alice");
        var bob = await UserAsync("bob");
        var dave = await UserAsync("dave");
        var carol = await UserAsync("carol");
        var aliceEligibility = await Admin.MakeEligibleAsync(alice.Id, role);
        await Admin.MakeEligibleAsync(bob.Id, role);
        var daveEligibility = await Admin.MakeEligibleAsync(dave.Id, role);
        var reviewId = (await Admin.CreateReviewAsync("db-admin review", Definition([role], [Named(carol.Id)], App.Time.GetUtcNow(), defaultDecision: "remove", autoApply: true))).ShouldBe(201).Id;
        var instanceId = await Admin.OnlyInstanceAsync(App, reviewId);
        var items = await Admin.ItemsAsync(instanceId);
        Assert.All(items, i => Assert.False(i.GetProperty("accessEnded").GetBoolean()));
        (await carol.Client.DecideAsync(instanceId, Decision(ItemIdOf(items, dave.Id), "deny", "Left the team"))).ShouldBe(200);

        (await Admin.RemoveAsync(aliceEligibility, "Moved to another team")).ShouldBe(201);
        (await Admin.RemoveAsync(daveEligibility, "Left the company")).ShouldBe(201);

        var during = await Admin.ItemsAsync(instanceId);
        Assert.True(ItemOf(during, alice.Id).GetProperty("accessEnded").GetBoolean());
        Assert.True(ItemOf(during, dave.Id).GetProperty("accessEnded").GetBoolean());
        Assert.False(ItemOf(during, bob.Id).GetProperty("accessEnded").GetBoolean());
        Assert.Equal(3, during.Count);

        await App.AdvanceAsync(TimeSpan.FromDays(14));
        var after = await Admin.ItemsAsync(instanceId);
        foreach (var user in new[] { alice, dave })
        {
            var gone = ItemOf(after, user.Id);
            Assert.Equal("alreadyGone", gone.Text("outcome"));
            Assert.True(gone.GetProperty("accessEnded").GetBoolean());
            Assert.Equal("denied", gone.Text("result"));
            Assert.True(gone.IsNull("removalRequestId"));
        }

        Assert.Equal("removed", ItemOf(after, bob.Id).Text("outcome"));
        Assert.False(ItemOf(after, bob.Id).GetProperty("accessEnded").GetBoolean());
        var results = (await Admin.ProgressAsync(instanceId)).GetProperty("results");
        Assert.Equal(2, results.GetProperty("alreadyGone").GetInt32());
    }

    [Fact]
    public async Task Expanding_a_group_gives_one_item_per_member_through_the_group()
    {
        var role = await Admin.CreateRoleAsync("db-admin");
        var alice = await UserAsync("alice");
        var bob = await UserAsync("bob");
        var dave = await UserAsync("dave");
        var carol = await UserAsync("carol");
        var group = await Admin.CreateGroupAsync("db-team", alice.Id, bob.Id);
        var groupEligibility = await Admin.MakeEligibleAsync(group, role);
        var daveEligibility = await Admin.MakeEligibleAsync(dave.Id, role);
        var now = App.Time.GetUtcNow();
        var expandedId = (await Admin.CreateReviewAsync("expanded", Definition([role], [Named(carol.Id)], now, groups: "expandMembers"))).ShouldBe(201).Id;
        var wholeId = (await Admin.CreateReviewAsync("as a whole", Definition([role], [Named(carol.Id)], now))).ShouldBe(201).Id;
        await App.SettleAsync();

        var expanded = await Admin.ItemsAsync(Assert.Single(await Admin.InstancesOfAsync(expandedId)).GetProperty("id").GetGuid());
        Assert.Equal(3, expanded.Count);
        foreach (var member in new[] { alice, bob })
        {
            var item = ItemOf(expanded, member.Id);
            Assert.Equal(group, item.GetProperty("viaGroup").GetProperty("id").GetGuid());
            Assert.Equal("db-team", item.GetProperty("viaGroup").Text("name"));
            Assert.Equal("user", item.Text("principalKind"));
            Assert.Equal(groupEligibility, item.GetProperty("assignmentId").GetGuid());
        }

        Assert.True(ItemOf(expanded, dave.Id).IsNull("viaGroup"));
        Assert.Equal(daveEligibility, ItemOf(expanded, dave.Id).GetProperty("assignmentId").GetGuid());
        Assert.DoesNotContain(expanded, i => i.GetProperty("principal").GetProperty("id").GetGuid() == group);

        var whole = await Admin.ItemsAsync(Assert.Single(await Admin.InstancesOfAsync(wholeId)).GetProperty("id").GetGuid());
        Assert.Equal(2, whole.Count);
        var groupItem = ItemOf(whole, group);
        Assert.Equal("group", groupItem.Text("principalKind"));
        Assert.True(groupItem.IsNull("viaGroup"));
        Assert.Equal(groupEligibility, groupItem.GetProperty("assignmentId").GetGuid());
    }

    [Fact]
    public async Task A_member_who_leaves_an_expanded_group_during_the_review_shows_as_ended_and_closes_as_already_gone()
    {
        var role = await Admin.CreateRoleAsync("db-admin");
        var alice = await UserAsync("alice");
        var bob = await UserAsync("bob");
        var carol = await UserAsync("carol");
        var group = await Admin.CreateGroupAsync("db-team", alice.Id, bob.Id);
        var groupEligibility = await Admin.MakeEligibleAsync(group, role);
        var reviewId = (await Admin.CreateReviewAsync("db-team review", Definition([role], [Named(carol.Id)], App.Time.GetUtcNow(), groups: "expandMembers",
            defaultDecision: "remove", autoApply: true))).ShouldBe(201).Id;
        var instanceId = await Admin.OnlyInstanceAsync(App, reviewId);

        (await Admin.DeleteAsync($"/api/v1/groups/{group}/members/{alice.Id}")).ShouldBe(204);
        var during = await Admin.ItemsAsync(instanceId);
        Assert.True(ItemOf(during, alice.Id).GetProperty("accessEnded").GetBoolean());
        Assert.False(ItemOf(during, bob.Id).GetProperty("accessEnded").GetBoolean());

        await App.AdvanceAsync(TimeSpan.FromDays(14));
        var after = await Admin.ItemsAsync(instanceId);
        Assert.Equal("alreadyGone", ItemOf(after, alice.Id).Text("outcome"));
        Assert.Equal("removed", ItemOf(after, bob.Id).Text("outcome"));
        Assert.Empty((await Admin.GetAsync($"/api/v1/groups/{group}/members")).ShouldBe(200)["items"].EnumerateArray());
        Assert.Equal("active", (await Admin.AssignmentAsync(groupEligibility))["status"].GetString());
    }

    [Fact]
    public async Task An_inactivity_filter_leaves_out_principals_who_activated_recently()
    {
        var role = await Admin.CreateRoleAsync("db-admin");
        var alice = await UserAsync("alice");
        var bob = await UserAsync("bob");
        var carol = await UserAsync("carol");
        var reviewer = await UserAsync("rita");
        foreach (var user in new[] { alice, bob, carol })
        {
            await Admin.MakeEligibleAsync(user.Id, role);
        }

        var carolActivatedAt = App.Time.GetUtcNow();
        (await carol.Client.ActivateAsync(role, "/", Scenario.For("PT1H"))).ShouldBe(201);
        await App.AdvanceAsync(TimeSpan.FromDays(40));
        (await alice.Client.ActivateAsync(role, "/", Scenario.For("PT1H"))).ShouldBe(201);
        await App.AdvanceAsync(TimeSpan.FromDays(2));

        var now = App.Time.GetUtcNow();
        var filteredId = (await Admin.CreateReviewAsync("inactive only", Definition([role], [Named(reviewer.Id)], now, inactiveDays: 30))).ShouldBe(201).Id;
        var allId = (await Admin.CreateReviewAsync("everyone", Definition([role], [Named(reviewer.Id)], now))).ShouldBe(201).Id;
        await App.SettleAsync();

        var filtered = await Admin.ItemsAsync(Assert.Single(await Admin.InstancesOfAsync(filteredId)).GetProperty("id").GetGuid());
        Assert.Equal(new[] { bob.Id, carol.Id }.Order(), filtered.Select(i => i.GetProperty("principal").GetProperty("id").GetGuid()).Order());
        Assert.Equal(carolActivatedAt, ItemOf(filtered, carol.Id).GetProperty("lastActivityAt").GetDateTimeOffset());
        Assert.True(ItemOf(filtered, bob.Id).IsNull("lastActivityAt"));
        Assert.All(filtered, i => Assert.Equal("deny", i.Text("recommendation")));
        Assert.Equal(2, Assert.Single(await Admin.InstancesOfAsync(filteredId)).GetProperty("itemCount").GetInt32());

        var all = await Admin.ItemsAsync(Assert.Single(await Admin.InstancesOfAsync(allId)).GetProperty("id").GetGuid());
        Assert.Equal(3, all.Count);
        Assert.Equal("approve", ItemOf(all, alice.Id).Text("recommendation"));
    }

    [Fact]
    public async Task A_scope_path_limits_the_items_to_that_scope_and_below()
    {
        var role = await Admin.CreateRoleAsync("db-admin");
        var reviewer = await UserAsync("rita");
        var at = new Dictionary<string, TestUser>();
        foreach (var (name, scope) in new[] { ("alice", "/"), ("bob", "/prod"), ("carol", "/prod/db"), ("dave", "/production"), ("erin", "/dev") })
        {
            at[scope] = await UserAsync(name);
            await Admin.MakeEligibleAsync(at[scope].Id, role, scope);
        }

        var reviewId = (await Admin.CreateReviewAsync("prod review", Definition([role], [Named(reviewer.Id)], App.Time.GetUtcNow(), scopePath: "/prod"))).ShouldBe(201).Id;
        var items = await Admin.ItemsAsync(await Admin.OnlyInstanceAsync(App, reviewId));

        Assert.Equal(new[] { "/prod", "/prod/db" }, items.Select(i => i.Text("scope")!).Order(StringComparer.Ordinal));
        Assert.Equal(at["/prod"].Id, items.Single(i => i.Text("scope") == "/prod").GetProperty("principal").GetProperty("id").GetGuid());
        Assert.Equal(at["/prod/db"].Id, items.Single(i => i.Text("scope") == "/prod/db").GetProperty("principal").GetProperty("id").GetGuid());
    }

    [Fact]
    public async Task Assignment_types_choose_eligible_active_or_both_and_never_activations()
    {
        var role = await Admin.CreateRoleAsync("db-admin");
        var alice = await UserAsync("alice");
        var bob = await UserAsync("bob");
        var reviewer = await UserAsync("rita");
        var eligibility = await Admin.MakeEligibleAsync(alice.Id, role);
        var active = (await Admin.AssignAsync("active", bob.Id, role, "/", Scenario.Permanent)).ShouldBe(201)["resultAssignmentId"].GetGuid();
        (await alice.Client.ActivateAsync(role, "/", Scenario.For("PT8H"))).ShouldBe(201);

        var now = App.Time.GetUtcNow();
        var ids = new Dictionary<string, Guid>();
        foreach (var types in new[] { "eligible", "active", "both" })
        {
            ids[types] = (await Admin.CreateReviewAsync($"{types} review", Definition([role], [Named(reviewer.Id)], now, assignmentTypes: types))).ShouldBe(201).Id;
        }

        await App.SettleAsync();
        async Task<IReadOnlyList<Guid>> AssignmentsOf(string types) =>
            [.. (await Admin.ItemsAsync(Assert.Single(await Admin.InstancesOfAsync(ids[types])).GetProperty("id").GetGuid())).Select(i => i.GetProperty("assignmentId").GetGuid()).Order()];

        Assert.Equal(new[] { eligibility }, await AssignmentsOf("eligible"));
        Assert.Equal(new[] { active }, await AssignmentsOf("active"));
        Assert.Equal(new[] { eligibility, active }.Order(), await AssignmentsOf("both"));

        var both = await Admin.ItemsAsync(Assert.Single(await Admin.InstancesOfAsync(ids["both"])).GetProperty("id").GetGuid());
        Assert.Equal("eligible", ItemOf(both, alice.Id).Text("kind"));
        Assert.Equal("active", ItemOf(both, bob.Id).Text("kind"));
    }
}

public sealed class ReviewSnapshotTestsOnSqlite() : ReviewSnapshotTests(DatabaseKind.Sqlite);

public sealed class ReviewSnapshotTestsOnPostgres() : ReviewSnapshotTests(DatabaseKind.Postgres);
