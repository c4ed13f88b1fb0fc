using Elevate.Server.Tests.Infrastructure;
using static Elevate.Server.Tests.Reviews.ReviewScenario;
using static Elevate.Server.Tests.Reviews.ReviewScenarioMore;

namespace Elevate.Server.Tests.Reviews;

/// <summary>
/// Reviewers' decisions through the API: who may decide what (named users and groups, self-review, managers with
/// their fallback), reasons, all-or-nothing bulk decisions, changing a decision, accepting recommendations, and
/// items moving through several stages.
/// </summary>
public abstract class ReviewDecisionTests(DatabaseKind kind) : AppTest(kind)
{
    [Fact]
    public async Task A_reviewer_approves_denies_and_says_dont_know_each_with_its_reason()
    {
        var role = await Admin.CreateRoleAsync("db-admin");
        var alice = await UserAsync("alice");
        var bob = await UserAsync("bob");
        var dave = await UserAsync("dave");
        var carol = await UserAsync("carol");
        foreach (var user in new[] { alice, bob, dave })
        {
            await Admin.MakeEligibleAsync(user.Id, role);
        }

        var reviewId = (await Admin.CreateReviewAsync("db-admin review", Definition([role], [Named(carol.Id)], App.Time.GetUtcNow()))).ShouldBe(201).Id;
        var instanceId = await Admin.OnlyInstanceAsync(App, reviewId);
        var pending = await carol.Client.MyItemsAsync(instanceId);
        Assert.Equal(3, pending.Count);
        Assert.All(pending, i => Assert.True(i.GetProperty("canDecide").GetBoolean()));

        var decided = (await carol.Client.DecideAsync(instanceId,
            Decision(ItemIdOf(pending, alice.Id), "approve", "Still on call"),
            Decision(ItemIdOf(pending, bob.Id), "deny", "Left the team"),
            Decision(ItemIdOf(pending, dave.Id), "dontKnow", "Not sure what this is for"))).ShouldBe(200);
        Assert.Equal(3, decided["decided"].GetInt32());
        Assert.Equal(pending.Select(i => i.GetProperty("id").GetGuid()).Order(), decided["itemIds"].EnumerateArray().Select(i => i.GetGuid()).Order());

        var items = await Admin.ItemsAsync(instanceId);
        foreach (var (user, verdict, reason) in new[] { (alice, "approve", "Still on call"), (bob, "deny", "Left the team"), (dave, "dontKnow", "Not sure what this is for") })
        {
            var item = ItemOf(items, user.Id);
            Assert.Equal(verdict, item.Text("decision"));
            Assert.Equal(reason, item.Text("reason"));
            Assert.Equal(carol.Id, item.GetProperty("decidedBy").GetProperty("id").GetGuid());
            Assert.Equal(1, item.GetProperty("stage").GetInt32());
            var decision = Assert.Single(item.GetProperty("decisions").EnumerateArray());
            Assert.Equal(1, decision.GetProperty("stage").GetInt32());
            Assert.Equal(verdict, decision.Text("decision"));
            Assert.Equal(reason, decision.Text("reason"));
            Assert.Equal(carol.Id, decision.GetProperty("reviewer").GetProperty("id").GetGuid());
            Assert.False(decision.GetProperty("acceptedRecommendation").GetBoolean());
        }

        Assert.Equal(bob.Id, Assert.Single(await Admin.ItemsAsync(instanceId, "deny")).GetProperty("principal").GetProperty("id").GetGuid());
        var progress = await Admin.ProgressAsync(instanceId);
        Assert.Equal(3, progress.GetProperty("decided").GetInt32());
        Assert.Equal(1, progress.GetProperty("approved").GetInt32());
        Assert.Equal(1, progress.GetProperty("denied").GetInt32());
        Assert.Equal(1, progress.GetProperty("dontKnow").GetInt32());
        Assert.Equal(0, progress.GetProperty("undecided").GetInt32());
        var byReviewer = Assert.Single(progress.GetProperty("byReviewer").EnumerateArray());
        Assert.Equal(carol.Id, byReviewer.GetProperty("reviewerId").GetGuid());
        Assert.Equal(3, byReviewer.GetProperty("decisions").GetInt32());
        Assert.Empty(await carol.Client.MyItemsAsync(instanceId));
    }

    [Fact]
    public async Task A_review_that_requires_reasons_refuses_a_decision_without_one_and_records_nothing()
    {
        var role = await Admin.CreateRoleAsync("db-admin");
        var alice = await UserAsync("alice");
        var bob = await UserAsync("bob");
        var carol = await UserAsync("carol");
        await Admin.MakeEligibleAsync(alice.Id, role);
        await Admin.MakeEligibleAsync(bob.Id, role);
        var reviewId = (await Admin.CreateReviewAsync("db-admin review", Definition([role], [Named(carol.Id)], App.Time.GetUtcNow(), requireReason: true))).ShouldBe(201).Id;
        var instanceId = await Admin.OnlyInstanceAsync(App, reviewId);
        var pending = await carol.Client.MyItemsAsync(instanceId);

        var missing = (await carol.Client.DecideAsync(instanceId, Decision(ItemIdOf(pending, alice.Id), "approve"))).ShouldFail(422, "reason_required");
        Assert.Equal("items[0].reason", missing.Field);

        // A blank reason is no reason (blank text is refused everywhere, with the general "required" code).
        var blank = await carol.Client.DecideAsync(instanceId, Decision(ItemIdOf(pending, alice.Id), "approve", "   "));
        Assert.True(blank.Status is 400 or 422 && blank.Code is "required" or "reason_required", $"Expected a refused blank reason, got {blank.Status}: {blank.Body}");
        Assert.Equal("items[0].reason", blank.Field);

        // In a bulk, the one without a reason fails the whole call: the first, with its reason, is not recorded either.
        var bulk = (await carol.Client.DecideAsync(instanceId,
            Decision(ItemIdOf(pending, bob.Id), "deny", "Left the team"), Decision(ItemIdOf(pending, alice.Id), "approve"))).ShouldFail(422, "reason_required");
        Assert.Equal("items[1].reason", bulk.Field);

        var items = await Admin.ItemsAsync(instanceId);
        Assert.Equal(2, items.Count);
        Assert.All(items, i =>
        {
            Assert.True(i.IsNull("decision"));
            Assert.Empty(i.GetProperty("decisions").EnumerateArray());
        });
        Assert.Empty(await Admin.AuditTrailAsync("&action=review.decided"));

        (await carol.Client.DecideAsync(instanceId, Decision(ItemIdOf(pending, alice.Id), "approve", "Still on call"))).ShouldBe(200);
        Assert.Equal("approve", ItemOf(await Admin.ItemsAsync(instanceId), alice.Id).Text("decision"));
    }

    [Fact]
    public async Task Someone_who_reviews_nothing_in_the_instance_is_told_it_does_not_exist()
    {
        var role = await Admin.CreateRoleAsync("db-admin");
        var alice = await UserAsync("alice");
        var carol = await UserAsync("carol");
        var mallory = await UserAsync("mallory");
        await Admin.MakeEligibleAsync(alice.Id, role);
        var reviewId = (await Admin.CreateReviewAsync("db-admin review", Definition([role], [Named(carol.Id)], App.Time.GetUtcNow()))).ShouldBe(201).Id;
        var instanceId = await Admin.OnlyInstanceAsync(App, reviewId);
        var itemId = ItemIdOf(await Admin.ItemsAsync(instanceId), alice.Id);

        // Someone who reviews nothing in the instance and may not read the review: to them it does not exist.
        var refused = (await mallory.Client.DecideAsync(instanceId, Decision(itemId, "approve", "Looks fine"))).ShouldFail(404, "review_not_found");
        Assert.Equal("id", refused.Field);
        (await alice.Client.DecideAsync(instanceId, Decision(itemId, "approve", "Mine"))).ShouldFail(404, "review_not_found");

        var item = Assert.Single(await Admin.ItemsAsync(instanceId));
        Assert.True(item.IsNull("decision"));
        Assert.Empty(item.GetProperty("decisions").EnumerateArray());
    }

    [Fact]
    public async Task A_bulk_decision_with_one_item_the_caller_does_not_review_records_nothing()
    {
        var role = await Admin.CreateRoleAsync("db-admin");
        var alice = await UserAsync("alice");
        var bob = await UserAsync("bob");
        var erin = await UserAsync("erin");
        var carol = await UserAsync("carol");
        var dave = await UserAsync("dave");
        var fallback = await UserAsync("frank");
        await Admin.SetManagerAsync(alice.Id, carol.Id);
        await Admin.SetManagerAsync(bob.Id, carol.Id);
        await Admin.SetManagerAsync(erin.Id, dave.Id);
        foreach (var user in new[] { alice, bob, erin })
        {
            await Admin.MakeEligibleAsync(user.Id, role);
        }

        var reviewId = (await Admin.CreateReviewAsync("db-admin review", Definition([role], [Manager(fallback.Id)], App.Time.GetUtcNow()))).ShouldBe(201).Id;
        var instanceId = await Admin.OnlyInstanceAsync(App, reviewId);
        var items = await Admin.ItemsAsync(instanceId);

        var refused = (await carol.Client.DecideAsync(instanceId,
            Decision(ItemIdOf(items, alice.Id), "approve", "Still on call"),
            Decision(ItemIdOf(items, bob.Id), "deny", "Left the team"),
            Decision(ItemIdOf(items, erin.Id), "deny", "Not my report"))).ShouldFail(403, "not_a_reviewer");
        Assert.Equal("items[2].itemId", refused.Field);

        Assert.All(await Admin.ItemsAsync(instanceId), i =>
        {
            Assert.True(i.IsNull("decision"));
            Assert.Empty(i.GetProperty("decisions").EnumerateArray());
        });
        Assert.Empty(await Admin.AuditTrailAsync("&action=review.decided"));
        Assert.Equal(2, (await carol.Client.MyItemsAsync(instanceId)).Count);

        (await carol.Client.DecideAsync(instanceId, Decision(ItemIdOf(items, alice.Id), "approve", "Still on call"), Decision(ItemIdOf(items, bob.Id), "deny", "Left the team")))
            .ShouldBe(200);
        Assert.Equal(2, (await Admin.AuditTrailAsync("&action=review.decided")).Count);
    }

    [Fact]
    public async Task A_decision_can_be_changed_until_close_and_each_change_is_audited()
    {
        var role = await Admin.CreateRoleAsync("db-admin");
        var alice = await UserAsync("alice");
        var carol = await UserAsync("carol");
        await Admin.MakeEligibleAsync(alice.Id, role);
        var reviewId = (await Admin.CreateReviewAsync("db-admin review", Definition([role], [Named(carol.Id)], App.Time.GetUtcNow()))).ShouldBe(201).Id;
        var instanceId = await Admin.OnlyInstanceAsync(App, reviewId);
        var itemId = ItemIdOf(await carol.Client.MyItemsAsync(instanceId), alice.Id);

        (await carol.Client.DecideAsync(instanceId, Decision(itemId, "approve", "Still on call"))).ShouldBe(200);
        await App.AdvanceAsync(TimeSpan.FromDays(1));
        (await carol.Client.DecideAsync(instanceId, Decision(itemId, "deny", "Moved to another team yesterday"))).ShouldBe(200);

        var item = Assert.Single(await Admin.ItemsAsync(instanceId));
        Assert.Equal("deny", item.Text("decision"));
        Assert.Equal("Moved to another team yesterday", item.Text("reason"));
        var decision = Assert.Single(item.GetProperty("decisions").EnumerateArray());
        Assert.Equal("deny", decision.Text("decision"));
        Assert.Equal(1, decision.GetProperty("stage").GetInt32());

        var events = await Admin.AuditTrailAsync($"&action=review.decided&principalId={alice.Id}");
        Assert.Equal(2, events.Count);
        var (first, second) = (DetailsOf(events[0]), DetailsOf(events[1]));
        Assert.Equal(itemId, first.GetProperty("itemId").GetGuid());
        Assert.Equal(itemId, second.GetProperty("itemId").GetGuid());
        Assert.Equal("approve", first.Text("decision"));
        Assert.Equal("deny", second.Text("decision"));
        Assert.Equal("approve", second.Text("previous"));
        Assert.Equal("Moved to another team yesterday", events[1].Text("justification"));
        Assert.All(events, e => Assert.Equal(carol.Id, e.GetProperty("actorId").GetGuid()));
    }

    [Fact]
    public async Task After_close_decisions_are_final()
    {
        var role = await Admin.CreateRoleAsync("db-admin");
        var alice = await UserAsync("alice");
        var bob = await UserAsync("bob");
        var carol = await UserAsync("carol");
        await Admin.MakeEligibleAsync(alice.Id, role);
        await Admin.MakeEligibleAsync(bob.Id, role);
        var reviewId = (await Admin.CreateReviewAsync("db-admin review", Definition([role], [Named(carol.Id)], App.Time.GetUtcNow()))).ShouldBe(201).Id;
        var instanceId = await Admin.OnlyInstanceAsync(App, reviewId);
        var items = await carol.Client.MyItemsAsync(instanceId);
        (await carol.Client.DecideAsync(instanceId, Decision(ItemIdOf(items, alice.Id), "approve", "Still on call"))).ShouldBe(200);

        (await Admin.CloseInstanceAsync(instanceId)).ShouldBe(200);

        (await carol.Client.DecideAsync(instanceId, Decision(ItemIdOf(items, alice.Id), "deny", "Changed my mind"))).ShouldFail(409, "review_not_in_progress");
        (await carol.Client.DecideAsync(instanceId, Decision(ItemIdOf(items, bob.Id), "deny", "Late"))).ShouldFail(409, "review_not_in_progress");
        var after = await Admin.ItemsAsync(instanceId);
        Assert.Equal("approve", ItemOf(after, alice.Id).Text("decision"));
        Assert.True(ItemOf(after, bob.Id).IsNull("decision"));
        Assert.Single(await Admin.AuditTrailAsync("&action=review.decided"));
    }

    [Fact]
    public async Task Accepting_recommendations_decides_exactly_the_callers_pending_items()
    {
        var role = await Admin.CreateRoleAsync("db-admin");
        var alice = await UserAsync("alice");
        var bob = await UserAsync("bob");
        var frank = await UserAsync("frank");
        var erin = await UserAsync("erin");
        var carol = await UserAsync("carol");
        var dave = await UserAsync("dave");
        var fallback = await UserAsync("grace");
        foreach (var user in new[] { alice, bob, frank })
        {
            await Admin.SetManagerAsync(user.Id, carol.Id);
        }

        await Admin.SetManagerAsync(erin.Id, dave.Id);
        foreach (var user in new[] { alice, bob, frank, erin })
        {
            await Admin.MakeEligibleAsync(user.Id, role);
        }

        (await bob.Client.ActivateAsync(role, "/", Scenario.For("PT1H"))).ShouldBe(201);
        var reviewId = (await Admin.CreateReviewAsync("db-admin review", Definition([role], [Manager(fallback.Id)], App.Time.GetUtcNow()))).ShouldBe(201).Id;
        var instanceId = await Admin.OnlyInstanceAsync(App, reviewId);
        var items = await Admin.ItemsAsync(instanceId);
        Assert.Equal("deny", ItemOf(items, alice.Id).Text("recommendation"));
        Assert.Equal("approve", ItemOf(items, bob.Id).Text("recommendation"));
        (await carol.Client.DecideAsync(instanceId, Decision(ItemIdOf(items, frank.Id), "approve", "Needed for the migration"))).ShouldBe(200);

        var accepted = (await carol.Client.AcceptRecommendationsAsync(instanceId)).ShouldBe(200);
        Assert.Equal(2, accepted["decided"].GetInt32());
        Assert.Equal(new[] { ItemIdOf(items, alice.Id), ItemIdOf(items, bob.Id) }.Order(), accepted["itemIds"].EnumerateArray().Select(i => i.GetGuid()).Order());

        var after = await Admin.ItemsAsync(instanceId);
        foreach (var (user, verdict) in new[] { (alice, "deny"), (bob, "approve") })
        {
            var item = ItemOf(after, user.Id);
            Assert.Equal(verdict, item.Text("decision"));
            Assert.Equal(carol.Id, item.GetProperty("decidedBy").GetProperty("id").GetGuid());
            var decision = Assert.Single(item.GetProperty("decisions").EnumerateArray());
            Assert.True(decision.GetProperty("acceptedRecommendation").GetBoolean());
            Assert.StartsWith("Recommendation:", decision.Text("reason"), StringComparison.Ordinal);
        }

        var manual = ItemOf(after, frank.Id);
        Assert.Equal("approve", manual.Text("decision"));
        Assert.Equal("Needed for the migration", manual.Text("reason"));
        Assert.False(Assert.Single(manual.GetProperty("decisions").EnumerateArray()).GetProperty("acceptedRecommendation").GetBoolean());
        Assert.True(ItemOf(after, erin.Id).IsNull("decision"));

        var again = (await carol.Client.AcceptRecommendationsAsync(instanceId)).ShouldBe(200);
        Assert.Equal(0, again["decided"].GetInt32());
        Assert.Equal(3, (await Admin.AuditTrailAsync("&action=review.decided")).Count);
    }

    [Fact]
    public async Task A_group_named_as_reviewer_lets_its_current_members_decide()
    {
        var role = await Admin.CreateRoleAsync("db-admin");
        var alice = await UserAsync("alice");
        var bob = await UserAsync("bob");
        var carol = await UserAsync("carol");
        var dave = await UserAsync("dave");
        var erin = await UserAsync("erin");
        var reviewers = await Admin.CreateGroupAsync("db-reviewers", carol.Id, dave.Id);
        await Admin.MakeEligibleAsync(alice.Id, role);
        await Admin.MakeEligibleAsync(bob.Id, role);
        var reviewId = (await Admin.CreateReviewAsync("db-admin review", Definition([role], [Named(reviewers)], App.Time.GetUtcNow()))).ShouldBe(201).Id;
        var instanceId = await Admin.OnlyInstanceAsync(App, reviewId);

        var mine = (await carol.Client.GetAsync("/api/v1/me/access-reviews")).ShouldBe(200).Body.EnumerateArray().ToList();
        Assert.Equal(2, Assert.Single(mine).GetProperty("pending").GetInt32());
        var items = await carol.Client.MyItemsAsync(instanceId);
        (await carol.Client.DecideAsync(instanceId, Decision(ItemIdOf(items, alice.Id), "approve", "Still on call"))).ShouldBe(200);

        // Membership counts as it is when deciding: a member who joined may decide, one who left may not.
        (await erin.Client.DecideAsync(instanceId, Decision(ItemIdOf(items, bob.Id), "deny", "Left the team"))).ShouldFail(404, "review_not_found");
        (await Admin.PutAsync($"/api/v1/groups/{reviewers}/members/{erin.Id}")).ShouldBe(204);
        (await Admin.DeleteAsync($"/api/v1/groups/{reviewers}/members/{dave.Id}")).ShouldBe(204);
        (await erin.Client.DecideAsync(instanceId, Decision(ItemIdOf(items, bob.Id), "deny", "Left the team"))).ShouldBe(200);
        (await dave.Client.DecideAsync(instanceId, Decision(ItemIdOf(items, alice.Id), "deny", "Gone"))).ShouldFail(404, "review_not_found");

        var after = await Admin.ItemsAsync(instanceId);
        Assert.Equal("approve", ItemOf(after, alice.Id).Text("decision"));
        Assert.Equal(carol.Id, ItemOf(after, alice.Id).GetProperty("decidedBy").GetProperty("id").GetGuid());
        Assert.Equal("deny", ItemOf(after, bob.Id).Text("decision"));
        Assert.Equal(erin.Id, ItemOf(after, bob.Id).GetProperty("decidedBy").GetProperty("id").GetGuid());
    }

    [Fact]
    public async Task A_member_of_the_reviewer_group_cannot_decide_their_own_item()
    {
        var role = await Admin.CreateRoleAsync("db-admin");
        var alice = await UserAsync("alice");
        var bob = await UserAsync("bob");
        var carol = await UserAsync("carol");
        var reviewers = await Admin.CreateGroupAsync("db-reviewers", carol.Id, alice.Id);
        await Admin.MakeEligibleAsync(alice.Id, role);
        await Admin.MakeEligibleAsync(bob.Id, role);
        var reviewId = (await Admin.CreateReviewAsync("db-admin review", Definition([role], [Named(reviewers)], App.Time.GetUtcNow()))).ShouldBe(201).Id;
        var instanceId = await Admin.OnlyInstanceAsync(App, reviewId);
        var items = await Admin.ItemsAsync(instanceId);

        var own = (await alice.Client.DecideAsync(instanceId, Decision(ItemIdOf(items, alice.Id), "approve", "I still need it"))).ShouldFail(403, "self_approval_forbidden");
        Assert.Equal("items[0].itemId", own.Field);
        (await alice.Client.DecideAsync(instanceId, Decision(ItemIdOf(items, bob.Id), "approve", "Still on call"), Decision(ItemIdOf(items, alice.Id), "approve", "Me too")))
            .ShouldFail(403, "self_approval_forbidden");
        Assert.All(await Admin.ItemsAsync(instanceId), i => Assert.True(i.IsNull("decision")));

        (await alice.Client.DecideAsync(instanceId, Decision(ItemIdOf(items, bob.Id), "approve", "Still on call"))).ShouldBe(200);
        (await carol.Client.DecideAsync(instanceId, Decision(ItemIdOf(items, alice.Id), "approve", "Still on call"))).ShouldBe(200);
        var after = await Admin.ItemsAsync(instanceId);
        Assert.Equal(alice.Id, ItemOf(after, bob.Id).GetProperty("decidedBy").GetProperty("id").GetGuid());
        Assert.Equal(carol.Id, ItemOf(after, alice.Id).GetProperty("decidedBy").GetProperty("id").GetGuid());
    }

    [Fact]
    public async Task A_member_of_the_reviewer_group_accepting_recommendations_decides_the_others_items_and_not_their_own()
    {
        var role = await Admin.CreateRoleAsync("db-admin");
        var alice = await UserAsync("alice");
        var bob = await UserAsync("bob");
        var carol = await UserAsync("carol");
        var reviewers = await Admin.CreateGroupAsync("db-reviewers", carol.Id, alice.Id);
        await Admin.MakeEligibleAsync(alice.Id, role);
        await Admin.MakeEligibleAsync(bob.Id, role);
        var reviewId = (await Admin.CreateReviewAsync("db-admin review", Definition([role], [Named(reviewers)], App.Time.GetUtcNow()))).ShouldBe(201).Id;
        var instanceId = await Admin.OnlyInstanceAsync(App, reviewId);
        var items = await Admin.ItemsAsync(instanceId);

        // Alice may decide only Bob's item: accepting the recommendations decides that one, and leaves her own to Carol.
        var accepted = (await alice.Client.AcceptRecommendationsAsync(instanceId)).ShouldBe(200);
        Assert.Equal([ItemIdOf(items, bob.Id)], accepted["itemIds"].EnumerateArray().Select(i => i.GetGuid()).ToList());
        var after = await Admin.ItemsAsync(instanceId);
        Assert.Equal("deny", ItemOf(after, bob.Id).Text("decision"));
        Assert.Equal(alice.Id, ItemOf(after, bob.Id).GetProperty("decidedBy").GetProperty("id").GetGuid());
        Assert.True(ItemOf(after, alice.Id).IsNull("decision"));
    }

    [Fact]
    public async Task In_a_self_review_each_principal_decides_their_own_access_with_a_reason()
    {
        var role = await Admin.CreateRoleAsync("db-admin");
        var alice = await UserAsync("alice");
        var bob = await UserAsync("bob");
        await Admin.MakeEligibleAsync(alice.Id, role);
        await Admin.MakeEligibleAsync(bob.Id, role);
        var reviewId = (await Admin.CreateReviewAsync("db-admin self-review", Definition([role], [Self()], App.Time.GetUtcNow()))).ShouldBe(201).Id;
        var instanceId = await Admin.OnlyInstanceAsync(App, reviewId);
        var mine = await alice.Client.MyItemsAsync(instanceId);
        var itemId = ItemIdOf(mine, alice.Id);
        Assert.Single(mine);

        var missing = (await alice.Client.DecideAsync(instanceId, Decision(itemId, "approve"))).ShouldFail(422, "reason_required");
        Assert.Equal("items[0].reason", missing.Field);
        Assert.True(ItemOf(await Admin.ItemsAsync(instanceId), alice.Id).IsNull("decision"));

        (await alice.Client.DecideAsync(instanceId, Decision(itemId, "approve", "I am on the database on-call rota"))).ShouldBe(200);
        (await alice.Client.DecideAsync(instanceId, Decision(ItemIdOf(await Admin.ItemsAsync(instanceId), bob.Id), "deny", "Not mine to say")))
            .ShouldFail(403, "not_a_reviewer");

        var items = await Admin.ItemsAsync(instanceId);
        var item = ItemOf(items, alice.Id);
        Assert.Equal("approve", item.Text("decision"));
        Assert.Equal("I am on the database on-call rota", item.Text("reason"));
        Assert.Equal(alice.Id, item.GetProperty("decidedBy").GetProperty("id").GetGuid());
        Assert.True(ItemOf(items, bob.Id).IsNull("decision"));
    }

    [Fact]
    public async Task A_manager_reviews_their_reports_and_the_fallback_reviewer_those_without_a_manager()
    {
        var role = await Admin.CreateRoleAsync("db-admin");
        var alice = await UserAsync("alice");
        var bob = await UserAsync("bob");
        var manager = await UserAsync("margaret");
        var fallback = await UserAsync("fiona");
        await Admin.SetManagerAsync(alice.Id, manager.Id);
        Assert.Equal(manager.Id, (await Admin.GetAsync($"/api/v1/principals/{alice.Id}")).ShouldBe(200)["managerId"].GetGuid());
        await Admin.MakeEligibleAsync(alice.Id, role);
        await Admin.MakeEligibleAsync(bob.Id, role);
        var reviewId = (await Admin.CreateReviewAsync("db-admin review", Definition([role], [Manager(fallback.Id)], App.Time.GetUtcNow()))).ShouldBe(201).Id;
        var instanceId = await Admin.OnlyInstanceAsync(App, reviewId);

        var managers = await manager.Client.MyItemsAsync(instanceId);
        var fallbacks = await fallback.Client.MyItemsAsync(instanceId);
        Assert.Equal(alice.Id, Assert.Single(managers).GetProperty("principal").GetProperty("id").GetGuid());
        Assert.Equal(bob.Id, Assert.Single(fallbacks).GetProperty("principal").GetProperty("id").GetGuid());
        var (aliceItem, bobItem) = (ItemIdOf(managers, alice.Id), ItemIdOf(fallbacks, bob.Id));

        (await manager.Client.DecideAsync(instanceId, Decision(bobItem, "deny", "Not my report"))).ShouldFail(403, "not_a_reviewer");
        (await fallback.Client.DecideAsync(instanceId, Decision(aliceItem, "deny", "Has a manager"))).ShouldFail(403, "not_a_reviewer");
        (await manager.Client.DecideAsync(instanceId, Decision(aliceItem, "approve", "On my team's rota"))).ShouldBe(200);
        (await fallback.Client.DecideAsync(instanceId, Decision(bobItem, "deny", "Nobody vouches for it"))).ShouldBe(200);

        var items = await Admin.ItemsAsync(instanceId);
        Assert.Equal(manager.Id, ItemOf(items, alice.Id).GetProperty("decidedBy").GetProperty("id").GetGuid());
        Assert.Equal("approve", ItemOf(items, alice.Id).Text("decision"));
        Assert.Equal(fallback.Id, ItemOf(items, bob.Id).GetProperty("decidedBy").GetProperty("id").GetGuid());
        Assert.Equal("deny", ItemOf(items, bob.Id).Text("decision"));
    }

    [Fact]
    public async Task In_two_stages_approval_moves_an_item_on_and_denial_is_final()
    {
        var role = await Admin.CreateRoleAsync("db-admin");
        var alice = await UserAsync("alice");
        var bob = await UserAsync("bob");
        var erin = await UserAsync("erin");
        var manager = await UserAsync("margaret");
        var fallback = await UserAsync("fiona");
        var carol = await UserAsync("carol");
        await Admin.SetManagerAsync(alice.Id, manager.Id);
        await Admin.SetManagerAsync(erin.Id, manager.Id);
        foreach (var user in new[] { alice, bob, erin })
        {
            await Admin.MakeEligibleAsync(user.Id, role);
        }

        var reviewId = (await Admin.CreateReviewAsync("db-admin review", Definition([role], [Manager(fallback.Id), Named(carol.Id)], App.Time.GetUtcNow()))).ShouldBe(201).Id;
        var instanceId = await Admin.OnlyInstanceAsync(App, reviewId);
        var items = await Admin.ItemsAsync(instanceId);
        var (aliceItem, bobItem, erinItem) = (ItemIdOf(items, alice.Id), ItemIdOf(items, bob.Id), ItemIdOf(items, erin.Id));
        Assert.Empty(await carol.Client.MyItemsAsync(instanceId));
        (await carol.Client.DecideAsync(instanceId, Decision(aliceItem, "approve", "Too early"))).ShouldFail(403, "not_a_reviewer");

        (await manager.Client.DecideAsync(instanceId, Decision(aliceItem, "approve", "On my team's rota"), Decision(erinItem, "dontKnow", "New to the team"))).ShouldBe(200);
        (await fallback.Client.DecideAsync(instanceId, Decision(bobItem, "deny", "Nobody vouches for it"))).ShouldBe(200);

        var after = await Admin.ItemsAsync(instanceId);
        foreach (var (item, verdict) in new[] { (ItemOf(after, alice.Id), "approve"), (ItemOf(after, erin.Id), "dontKnow") })
        {
            Assert.Equal(2, item.GetProperty("stage").GetInt32());
            Assert.True(item.IsNull("decision"));
            Assert.True(item.IsNull("decidedBy"));
            var first = Assert.Single(item.GetProperty("decisions").EnumerateArray());
            Assert.Equal(1, first.GetProperty("stage").GetInt32());
            Assert.Equal(verdict, first.Text("decision"));
        }

        var denied = ItemOf(after, bob.Id);
        Assert.Equal(1, denied.GetProperty("stage").GetInt32());
        Assert.Equal("deny", denied.Text("decision"));
        Assert.Equal(fallback.Id, denied.GetProperty("decidedBy").GetProperty("id").GetGuid());

        var carols = await carol.Client.MyItemsAsync(instanceId);
        Assert.Equal(new[] { aliceItem, erinItem }.Order(), carols.Select(i => i.GetProperty("id").GetGuid()).Order());
        (await carol.Client.DecideAsync(instanceId, Decision(bobItem, "approve", "Overrule"))).ShouldFail(403, "not_a_reviewer");
        (await carol.Client.DecideAsync(instanceId, Decision(aliceItem, "approve", "Confirmed"))).ShouldBe(200);
        var final = ItemOf(await Admin.ItemsAsync(instanceId), alice.Id);
        Assert.Equal("approve", final.Text("decision"));
        Assert.Equal(carol.Id, final.GetProperty("decidedBy").GetProperty("id").GetGuid());
        Assert.Equal(2, final.GetProperty("decisions").GetArrayLength());

        // The second stage's decision stands: the first stage can no longer take it back, and nothing changes.
        var refused = (await manager.Client.DecideAsync(instanceId, Decision(aliceItem, "deny", "Leaving the team"))).ShouldFail(409, "stage_decided");
        Assert.Equal("items[0].itemId", refused.Field);
        var unchanged = ItemOf(await Admin.ItemsAsync(instanceId), alice.Id);
        Assert.Equal("approve", unchanged.Text("decision"));
        Assert.Equal(carol.Id, unchanged.GetProperty("decidedBy").GetProperty("id").GetGuid());
        Assert.Equal(2, unchanged.GetProperty("decisions").GetArrayLength());

        // Before the second stage decides, the first may still change its mind: a denial then ends erin's item at stage 1.
        (await manager.Client.DecideAsync(instanceId, Decision(erinItem, "deny", "Left the team after all"))).ShouldBe(200);
        var changed = ItemOf(await Admin.ItemsAsync(instanceId), erin.Id);
        Assert.Equal("deny", changed.Text("decision"));
        Assert.Equal(1, changed.GetProperty("stage").GetInt32());
        Assert.Equal(manager.Id, changed.GetProperty("decidedBy").GetProperty("id").GetGuid());
        var only = Assert.Single(changed.GetProperty("decisions").EnumerateArray());
        Assert.Equal("deny", only.Text("decision"));
        Assert.Empty(await carol.Client.MyItemsAsync(instanceId));
    }

    [Fact]
    public async Task In_a_self_review_followed_by_a_second_stage_the_principal_cannot_undo_a_denial_of_their_own_access()
    {
        var role = await Admin.CreateRoleAsync("db-admin");
        var alice = await UserAsync("alice");
        var carol = await UserAsync("carol");
        await Admin.MakeEligibleAsync(alice.Id, role);
        var reviewId = (await Admin.CreateReviewAsync("db-admin review", Definition([role], [Self(carol.Id), Named(carol.Id)], App.Time.GetUtcNow()))).ShouldBe(201).Id;
        var instanceId = await Admin.OnlyInstanceAsync(App, reviewId);
        var itemId = ItemIdOf(await Admin.ItemsAsync(instanceId), alice.Id);

        (await alice.Client.DecideAsync(instanceId, Decision(itemId, "approve", "I am on call"))).ShouldBe(200);
        (await carol.Client.DecideAsync(instanceId, Decision(itemId, "deny", "Not on the rota"))).ShouldBe(200);
        (await alice.Client.DecideAsync(instanceId, Decision(itemId, "approve", "Really, I am on call"))).ShouldFail(409, "stage_decided");

        var item = ItemOf(await Admin.ItemsAsync(instanceId), alice.Id);
        Assert.Equal("deny", item.Text("decision"));
        Assert.Equal(carol.Id, item.GetProperty("decidedBy").GetProperty("id").GetGuid());
    }
}

public sealed class ReviewDecisionTestsOnSqlite() : ReviewDecisionTests(DatabaseKind.Sqlite);

public sealed class ReviewDecisionTestsOnPostgres() : ReviewDecisionTests(DatabaseKind.Postgres);
