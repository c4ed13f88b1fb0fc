using Elevate.Core.Roles;
using Elevate.Server.Tests.Infrastructure;
using static Elevate.Server.Tests.Reviews.ReviewScenario;
using static Elevate.Server.Tests.Reviews.ReviewScenarioMore;

namespace Elevate.Server.Tests.Reviews;

/// <summary>Ways a review could be turned into more power or more knowledge than its author or reader has.</summary>
public abstract class ReviewSecurityTests(DatabaseKind kind) : AppTest(kind)
{
    [Fact]
    public async Task Naming_a_more_powerful_owner_lends_the_automatic_apply_none_of_the_owners_rights()
    {
        // mallory administers /prod only; taking someone out of a group is beyond her (it needs manageDirectory).
        var role = await Admin.CreateRoleAsync("db-admin");
        var mallory = await UserAsync("mallory");
        var bob = await UserAsync("bob");
        var carol = await UserAsync("carol");
        (await Admin.AssignAsync("active", mallory.Id, BuiltInRoles.IdOf(BuiltInRole.PrivilegedRoleAdministrator), "/prod", Scenario.Permanent)).ShouldBe(201);
        var ops = await Admin.CreateGroupAsync("ops", bob.Id);
        await Admin.MakeEligibleAsync(ops, role, "/prod");
        (await mallory.Client.DeleteAsync($"/api/v1/groups/{ops}/members/{bob.Id}")).ShouldBe(403);

        // She names the administrator as owner of a review that removes every expanded member by default.
        var admin = (await Admin.GetAsync("/api/v1/me")).ShouldBe(200)["principal"].GetProperty("id").GetGuid();
        var reviewId = (await mallory.Client.CreateReviewAsync("prod review", Definition([role], [Named(carol.Id)], App.Time.GetUtcNow(),
            defaultDecision: "remove", autoApply: true, scopePath: "/prod", groups: "expandMembers"), ownerId: admin)).ShouldBe(201).Id;
        var instanceId = await Admin.OnlyInstanceAsync(App, reviewId);
        (await mallory.Client.CloseInstanceAsync(instanceId)).ShouldBe(200);
        await App.SettleAsync();

        // The apply acted as mallory, who wrote the rules, and could not do what she could not do herself.
        var item = Assert.Single(await Admin.ItemsAsync(instanceId));
        Assert.Equal("failed", item.Text("outcome"));
        var members = (await Admin.GetAsync($"/api/v1/groups/{ops}/members")).ShouldBe(200)["items"].EnumerateArray().Select(m => m.GetProperty("id").GetGuid());
        Assert.Contains(bob.Id, members);
        var started = Assert.Single(await Admin.AuditTrailAsync("&action=review.apply_started"));
        Assert.Equal(mallory.Id, DetailsOf(started).GetProperty("appliesAs").GetGuid());
    }

    [Fact]
    public async Task A_named_reviewer_in_the_group_under_review_is_passed_over_for_the_fallback()
    {
        var role = await Admin.CreateRoleAsync("db-admin");
        var carol = await UserAsync("carol");
        var dave = await UserAsync("dave");
        var dba = await Admin.CreateGroupAsync("dba", carol.Id);
        await Admin.MakeEligibleAsync(dba, role);
        var reviewId = (await Admin.CreateReviewAsync("dba review", Definition([role], [new { reviewers = "named", reviewerIds = new[] { carol.Id }, fallbackReviewerIds = new[] { dave.Id } }],
            App.Time.GetUtcNow()))).ShouldBe(201).Id;
        var instanceId = await Admin.OnlyInstanceAsync(App, reviewId);

        Assert.Empty((await carol.Client.GetAsync("/api/v1/me/access-reviews")).ShouldBe(200).Body.EnumerateArray());
        var item = Assert.Single(await dave.Client.MyItemsAsync(instanceId));
        (await dave.Client.DecideAsync(instanceId, Decision(item.GetProperty("id").GetGuid(), "approve", "The team still runs the databases"))).ShouldBe(200);
    }

    [Fact]
    public async Task A_cursor_does_not_open_an_instance_to_a_stranger()
    {
        var role = await Admin.CreateRoleAsync("db-admin");
        var alice = await UserAsync("alice");
        var carol = await UserAsync("carol");
        var eve = await UserAsync("eve");
        await Admin.MakeEligibleAsync(alice.Id, role);
        var reviewId = (await Admin.CreateReviewAsync("Top secret merger review", Definition([role], [Named(carol.Id)], App.Time.GetUtcNow()))).ShouldBe(201).Id;
        var instanceId = await Admin.OnlyInstanceAsync(App, reviewId);

        (await eve.Client.GetAsync($"/api/v1/me/access-reviews/{instanceId}/items")).ShouldFail(404, "review_not_found");
        (await eve.Client.GetAsync($"/api/v1/me/access-reviews/{instanceId}/items?cursor=YQ")).ShouldFail(404, "review_not_found");
        (await eve.Client.PostAsync($"{Instances}/{instanceId}/accept-recommendations")).ShouldFail(404, "review_not_found");
    }

    [Theory]
    [InlineData("a stage that is null", "definition.stages[0]")]
    [InlineData("a start in the year 9999", "definition.schedule.startsAt")]
    public async Task A_definition_that_would_break_the_server_is_refused_with_its_field(string what, string field)
    {
        var role = await Admin.CreateRoleAsync("db-admin");
        var carol = await UserAsync("carol");
        object definition = what.Contains("null", StringComparison.Ordinal)
            ? Definition([role], [null!], App.Time.GetUtcNow())
            : Definition([role], [Named(carol.Id)], new DateTimeOffset(9999, 12, 25, 0, 0, 0, TimeSpan.Zero));

        var refused = (await Admin.CreateReviewAsync("broken review", definition)).ShouldFail(400, "invalid_value");
        Assert.Equal(field, refused.Field);
        Assert.Empty((await Admin.GetAsync(ReviewScenario.Reviews)).ShouldBe(200).Body.EnumerateArray());
    }
}

public sealed class ReviewSecurityTestsOnSqlite() : ReviewSecurityTests(DatabaseKind.Sqlite);

public sealed class ReviewSecurityTestsOnPostgres() : ReviewSecurityTests(DatabaseKind.Postgres);
