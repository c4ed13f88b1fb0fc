using System.Text.Json;
using Elevate.Server.Tests.Infrastructure;
using static Elevate.Server.Tests.Reviews.ReviewScenario;
using static Elevate.Server.Tests.Reviews.ReviewScenarioMore;

namespace Elevate.Server.Tests.Reviews;

/// <summary>
/// Applying results: denials become adminRemove requests (or, for a member's access through a group, the member
/// leaves the group); undecided items get the review's default; applying is done once; the CSV export is the evidence.
/// </summary>
public abstract class ReviewApplyTests(DatabaseKind kind) : AppTest(kind)
{
    [Fact]
    public async Task Without_auto_apply_a_closed_instance_waits_for_an_administrator_to_apply_it()
    {
        var role = await Admin.CreateRoleAsync("db-admin");
        var alice = await UserAsync("alice");
        var bob = await UserAsync("bob");
        var carol = await UserAsync("carol");
        var aliceEligibility = await Admin.MakeEligibleAsync(alice.Id, role);
        var bobEligibility = await Admin.MakeEligibleAsync(bob.Id, role);
        var reviewId = (await Admin.CreateReviewAsync("db-admin review", Definition([role], [Named(carol.Id)], App.Time.GetUtcNow(), autoApply: false))).ShouldBe(201).Id;
        var instanceId = await Admin.OnlyInstanceAsync(App, reviewId);
        var items = await carol.Client.MyItemsAsync(instanceId);
        var bobItem = ItemIdOf(items, bob.Id);
        (await carol.Client.DecideAsync(instanceId, Decision(ItemIdOf(items, alice.Id), "approve", "Still on call"), Decision(bobItem, "deny", "Left the team"))).ShouldBe(200);

        await App.AdvanceAsync(TimeSpan.FromDays(14));
        var progress = await Admin.ProgressAsync(instanceId);
        Assert.Equal("closed", progress.GetProperty("instance").Text("status"));
        Assert.Equal(1, progress.GetProperty("results").GetProperty("toRemove").GetInt32());
        Assert.Equal("pending", ItemOf(await Admin.ItemsAsync(instanceId), bob.Id).Text("outcome"));
        Assert.Equal("active", (await Admin.AssignmentAsync(bobEligibility))["status"].GetString());
        await App.AdvanceAsync(TimeSpan.FromDays(1));
        Assert.Equal("closed", (await Admin.ProgressAsync(instanceId)).GetProperty("instance").Text("status"));

        var applied = (await Admin.ApplyInstanceAsync(instanceId)).ShouldBe(200);
        Assert.Equal(1, applied["removed"].GetInt32());
        Assert.Equal(0, applied["failed"].GetInt32());
        var instance = (await Admin.ProgressAsync(instanceId)).GetProperty("instance");
        Assert.Equal("applied", instance.Text("status"));
        Assert.False(instance.IsNull("appliedById"));

        Assert.Equal("ended", (await Admin.AssignmentAsync(bobEligibility))["status"].GetString());
        Assert.Equal("active", (await Admin.AssignmentAsync(aliceEligibility))["status"].GetString());
        var item = ItemOf(await Admin.ItemsAsync(instanceId), bob.Id);
        Assert.Equal("removed", item.Text("outcome"));
        var requestId = item.GetProperty("removalRequestId").GetGuid();
        var request = await Admin.RequestAsync(requestId);
        Assert.Equal("adminRemove", request["action"].GetString());
        Assert.Equal(bobEligibility, request["targetAssignmentId"].GetGuid());
        Assert.Equal("provisioned", request["status"].GetString());
        var justification = request["justification"].GetString()!;
        Assert.Contains("Access review 'db-admin review' #1", justification, StringComparison.Ordinal);
        Assert.Contains("denied by carol", justification, StringComparison.Ordinal);

        var ended = Assert.Single(await Admin.AuditTrailAsync($"&action=assignment.ended&principalId={bob.Id}"));
        Assert.Equal(bobEligibility, ended.GetProperty("assignmentId").GetGuid());
        Assert.Equal(requestId, ended.GetProperty("requestId").GetGuid());
        Assert.Equal(justification, ended.Text("justification"));
        Assert.Equal([requestId], await RemovalsOfAsync(bob.Id, bobEligibility));

        (await Admin.ApplyInstanceAsync(instanceId)).ShouldFail(409, "review_not_closed");
        Assert.Equal([requestId], await RemovalsOfAsync(bob.Id, bobEligibility));
        Assert.Empty(await RemovalsOfAsync(alice.Id, aliceEligibility));
    }

    [Fact]
    public async Task The_recommendation_as_default_removes_the_never_activated_and_keeps_the_active()
    {
        var role = await Admin.CreateRoleAsync("db-admin");
        var alice = await UserAsync("alice");
        var bob = await UserAsync("bob");
        var carol = await UserAsync("carol");
        var aliceEligibility = await Admin.MakeEligibleAsync(alice.Id, role);
        var bobEligibility = await Admin.MakeEligibleAsync(bob.Id, role);
        (await bob.Client.ActivateAsync(role, "/", Scenario.For("PT1H"))).ShouldBe(201);
        var reviewId = (await Admin.CreateReviewAsync("db-admin review", Definition([role], [Named(carol.Id)], App.Time.GetUtcNow(), defaultDecision: "recommendation", autoApply: true)))
            .ShouldBe(201).Id;
        var instanceId = await Admin.OnlyInstanceAsync(App, reviewId);

        await App.AdvanceAsync(TimeSpan.FromDays(14));
        Assert.Equal("applied", (await Admin.ProgressAsync(instanceId)).GetProperty("instance").Text("status"));
        Assert.Equal("ended", (await Admin.AssignmentAsync(aliceEligibility))["status"].GetString());
        Assert.Equal("active", (await Admin.AssignmentAsync(bobEligibility))["status"].GetString());

        var items = await Admin.ItemsAsync(instanceId);
        var removed = ItemOf(items, alice.Id);
        Assert.Equal("denied", removed.Text("result"));
        Assert.True(removed.GetProperty("resultIsDefault").GetBoolean());
        Assert.Equal("removed", removed.Text("outcome"));
        var request = await Admin.RequestAsync(removed.GetProperty("removalRequestId").GetGuid());
        Assert.Equal("adminRemove", request["action"].GetString());
        Assert.Contains("nobody decided", request["justification"].GetString(), StringComparison.Ordinal);
        var kept = ItemOf(items, bob.Id);
        Assert.Equal("approved", kept.Text("result"));
        Assert.True(kept.GetProperty("resultIsDefault").GetBoolean());
        Assert.Equal("kept", kept.Text("outcome"));
    }

    [Fact]
    public async Task No_change_as_default_keeps_undecided_access_as_not_reviewed()
    {
        var role = await Admin.CreateRoleAsync("db-admin");
        var alice = await UserAsync("alice");
        var bob = await UserAsync("bob");
        var carol = await UserAsync("carol");
        var aliceEligibility = await Admin.MakeEligibleAsync(alice.Id, role);
        var bobEligibility = await Admin.MakeEligibleAsync(bob.Id, role);
        var reviewId = (await Admin.CreateReviewAsync("db-admin review", Definition([role], [Named(carol.Id)], App.Time.GetUtcNow(), defaultDecision: "noChange", autoApply: true)))
            .ShouldBe(201).Id;
        var instanceId = await Admin.OnlyInstanceAsync(App, reviewId);
        var items = await carol.Client.MyItemsAsync(instanceId);
        (await carol.Client.DecideAsync(instanceId, Decision(ItemIdOf(items, bob.Id), "dontKnow", "Never heard of this role"))).ShouldBe(200);

        await App.AdvanceAsync(TimeSpan.FromDays(14));
        var progress = await Admin.ProgressAsync(instanceId);
        Assert.Equal("applied", progress.GetProperty("instance").Text("status"));
        Assert.Equal(2, progress.GetProperty("results").GetProperty("notReviewed").GetInt32());
        Assert.All(await Admin.ItemsAsync(instanceId), i =>
        {
            Assert.Equal("notReviewed", i.Text("result"));
            Assert.True(i.GetProperty("resultIsDefault").GetBoolean());
            Assert.Equal("kept", i.Text("outcome"));
            Assert.True(i.IsNull("removalRequestId"));
        });
        Assert.Equal("active", (await Admin.AssignmentAsync(aliceEligibility))["status"].GetString());
        Assert.Equal("active", (await Admin.AssignmentAsync(bobEligibility))["status"].GetString());
        Assert.Empty(await RemovalsOfAsync(alice.Id, aliceEligibility));
        Assert.Empty(await RemovalsOfAsync(bob.Id, bobEligibility));
    }

    [Fact]
    public async Task Denying_a_member_of_an_expanded_group_takes_them_out_of_the_group()
    {
        var role = await Admin.CreateRoleAsync("db-admin");
        var alice = await UserAsync("alice");
        var bob = await UserAsync("bob");
        var carol = await UserAsync("carol");
        var group = await Admin.CreateGroupAsync("db-team", alice.Id, bob.Id);
        var groupEligibility = await Admin.MakeEligibleAsync(group, role);
        var reviewId = (await Admin.CreateReviewAsync("db-team review", Definition([role], [Named(carol.Id)], App.Time.GetUtcNow(), groups: "expandMembers"))).ShouldBe(201).Id;
        var instanceId = await Admin.OnlyInstanceAsync(App, reviewId);
        var items = await carol.Client.MyItemsAsync(instanceId);
        (await carol.Client.DecideAsync(instanceId, Decision(ItemIdOf(items, alice.Id), "deny", "Moved to the web team"), Decision(ItemIdOf(items, bob.Id), "approve", "On call")))
            .ShouldBe(200);

        (await Admin.CloseInstanceAsync(instanceId)).ShouldBe(200);
        var applied = (await Admin.ApplyInstanceAsync(instanceId)).ShouldBe(200);
        Assert.Equal(1, applied["removed"].GetInt32());

        var members = (await Admin.GetAsync($"/api/v1/groups/{group}/members")).ShouldBe(200)["items"].EnumerateArray().Select(m => m.GetProperty("id").GetGuid()).ToList();
        Assert.Equal([bob.Id], members);
        Assert.Equal("active", (await Admin.AssignmentAsync(groupEligibility))["status"].GetString());
        Assert.Empty(await RemovalsOfAsync(group, groupEligibility));
        var item = ItemOf(await Admin.ItemsAsync(instanceId), alice.Id);
        Assert.Equal("removed", item.Text("outcome"));
        Assert.Equal(group, item.GetProperty("viaGroup").GetProperty("id").GetGuid());
        Assert.Equal("kept", ItemOf(await Admin.ItemsAsync(instanceId), bob.Id).Text("outcome"));
        Assert.Equal("applied", (await Admin.ProgressAsync(instanceId)).GetProperty("instance").Text("status"));
    }

    [Fact]
    public async Task The_csv_export_has_a_header_and_one_row_per_item_with_its_decision_and_result()
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
        var items = await carol.Client.MyItemsAsync(instanceId);
        (await carol.Client.DecideAsync(instanceId,
            Decision(ItemIdOf(items, alice.Id), "approve", "Still on call"),
            Decision(ItemIdOf(items, bob.Id), "deny", "Left the team, \"for good\""))).ShouldBe(200);
        (await Admin.CloseInstanceAsync(instanceId)).ShouldBe(200);
        (await Admin.ApplyInstanceAsync(instanceId)).ShouldBe(200);

        var (status, mediaType, text) = await Admin.ExportCsvAsync(instanceId);
        Assert.Equal(200, status);
        Assert.Equal("text/csv", mediaType);
        var records = CsvText.Parse(text);
        Assert.Equal(4, records.Count);
        var header = records[0];
        foreach (var column in new[] { "item_id", "principal", "decision", "decided_by", "reason", "result", "outcome" })
        {
            Assert.Contains(column, header);
        }

        Assert.All(records, r => Assert.Equal(header.Length, r.Length));
        var rows = records.Skip(1).ToDictionary(r => r[Array.IndexOf(header, "principal")]);
        string Cell(string principal, string column) => rows[principal][Array.IndexOf(header, column)];
        Assert.Equal(new[] { "alice", "bob", "dave" }, rows.Keys.Order(StringComparer.Ordinal));
        var allItems = await Admin.ItemsAsync(instanceId);
        foreach (var user in new[] { alice, bob, dave })
        {
            Assert.Equal(ItemIdOf(allItems, user.Id).ToString(), Cell(user.Name, "item_id"));
        }

        Assert.Equal(("approve", "carol", "approved", "kept"), (Cell("alice", "decision"), Cell("alice", "decided_by"), Cell("alice", "result"), Cell("alice", "outcome")));
        Assert.Equal(("deny", "carol", "denied", "removed"), (Cell("bob", "decision"), Cell("bob", "decided_by"), Cell("bob", "result"), Cell("bob", "outcome")));
        Assert.Equal("Left the team, \"for good\"", Cell("bob", "reason"));
        Assert.Equal(("", "", "notReviewed", "kept"), (Cell("dave", "decision"), Cell("dave", "decided_by"), Cell("dave", "result"), Cell("dave", "outcome")));
    }

    /// <summary>The adminRemove requests made against <paramref name="assignmentId"/>.</summary>
    private async Task<List<Guid>> RemovalsOfAsync(Guid principalId, Guid assignmentId)
    {
        var page = (await Admin.GetAsync($"/api/v1/requests?principalId={principalId}&limit=200")).ShouldBe(200);
        return [.. page["items"].EnumerateArray()
            .Where(r => r.Text("action") == "adminRemove" && r.TryGetProperty("targetAssignmentId", out var target) && target.ValueKind == JsonValueKind.String && target.GetGuid() == assignmentId)
            .Select(r => r.GetProperty("id").GetGuid())];
    }
}

public sealed class ReviewApplyTestsOnSqlite() : ReviewApplyTests(DatabaseKind.Sqlite);

public sealed class ReviewApplyTestsOnPostgres() : ReviewApplyTests(DatabaseKind.Postgres);
