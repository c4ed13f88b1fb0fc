using System.Text.Json;
using Elevate.Server.Tests.Infrastructure;
using static Elevate.Server.Tests.Reviews.ReviewScenario;
using static Elevate.Server.Tests.Reviews.ReviewScenarioMore;

namespace Elevate.Server.Tests.Reviews;

/// <summary>Races: reviewers deciding the same item at once, and administrators applying the same results at once.</summary>
public abstract class ReviewConcurrencyTests(DatabaseKind kind) : AppTest(kind)
{
    [Fact]
    public async Task Two_reviewers_deciding_the_same_item_at_once_leave_exactly_one_decision()
    {
        var role = await Admin.CreateRoleAsync("db-admin");
        var carol = await UserAsync("carol");
        var dave = await UserAsync("dave");
        var holders = new List<TestUser>();
        for (var n = 0; n < 6; n++)
        {
            holders.Add(await UserAsync($"holder{n}"));
            await Admin.MakeEligibleAsync(holders[^1].Id, role);
        }

        var reviewId = (await Admin.CreateReviewAsync("db-admin review", Definition([role], [Named(carol.Id, dave.Id)], App.Time.GetUtcNow()))).ShouldBe(201).Id;
        var instanceId = await Admin.OnlyInstanceAsync(App, reviewId);
        var items = await Admin.ItemsAsync(instanceId);

        var races = items.Select(i => i.GetProperty("id").GetGuid()).SelectMany(id => new[]
        {
            carol.Client.DecideAsync(instanceId, Decision(id, "approve", "Still on call")),
            dave.Client.DecideAsync(instanceId, Decision(id, "deny", "Left the team")),
        }).ToList();
        var responses = await Task.WhenAll(races);

        Assert.All(responses, r => Assert.True(r.Status is 200 or 409, $"Expected 200 or 409, got {r.Status}: {r.Body}"));
        for (var n = 0; n < responses.Length; n += 2)
        {
            Assert.Contains(responses[n..(n + 2)], r => r.Status == 200);
        }

        foreach (var item in await Admin.ItemsAsync(instanceId))
        {
            var decision = Assert.Single(item.GetProperty("decisions").EnumerateArray());
            Assert.Equal(1, decision.GetProperty("stage").GetInt32());
            Assert.Equal(decision.Text("decision"), item.Text("decision"));
            var reviewer = decision.GetProperty("reviewer").GetProperty("id").GetGuid();
            Assert.Equal(reviewer, item.GetProperty("decidedBy").GetProperty("id").GetGuid());
            Assert.Equal(reviewer == carol.Id ? "approve" : "deny", decision.Text("decision"));
        }

        var progress = await Admin.ProgressAsync(instanceId);
        Assert.Equal(6, progress.GetProperty("decided").GetInt32());
        Assert.Equal(6, progress.GetProperty("approved").GetInt32() + progress.GetProperty("denied").GetInt32());
    }

    [Fact]
    public async Task Two_applies_at_once_remove_each_denied_assignment_once()
    {
        var role = await Admin.CreateRoleAsync("db-admin");
        var carol = await UserAsync("carol");
        var holders = new List<(TestUser User, Guid Eligibility)>();
        for (var n = 0; n < 12; n++)
        {
            var user = await UserAsync($"holder{n}");
            holders.Add((user, await Admin.MakeEligibleAsync(user.Id, role)));
        }

        var reviewId = (await Admin.CreateReviewAsync("db-admin review", Definition([role], [Named(carol.Id)], App.Time.GetUtcNow(), autoApply: false))).ShouldBe(201).Id;
        var instanceId = await Admin.OnlyInstanceAsync(App, reviewId);
        var items = await carol.Client.MyItemsAsync(instanceId);
        (await carol.Client.DecideAsync(instanceId, [.. holders.Select(h => Decision(ItemIdOf(items, h.User.Id), "deny", "Left the team"))])).ShouldBe(200);
        (await Admin.CloseInstanceAsync(instanceId)).ShouldBe(200);
        var otherAdmin = App.Client(Admin.Token!);

        var responses = await Task.WhenAll(Admin.ApplyInstanceAsync(instanceId), otherAdmin.ApplyInstanceAsync(instanceId));

        Assert.All(responses, r => Assert.True(r.Status is 200 or 409, $"Expected 200 or 409, got {r.Status}: {r.Body}"));
        Assert.Contains(responses, r => r.Status == 200);
        Assert.All(responses.Where(r => r.Status == 409), r => Assert.Equal("review_not_closed", r.Code));
        Assert.Equal("applied", (await Admin.ProgressAsync(instanceId)).GetProperty("instance").Text("status"));

        var after = await Admin.ItemsAsync(instanceId);
        foreach (var (user, eligibility) in holders)
        {
            Assert.Equal("ended", (await Admin.AssignmentAsync(eligibility))["status"].GetString());
            var requests = (await Admin.GetAsync($"/api/v1/requests?principalId={user.Id}&limit=200")).ShouldBe(200)["items"].EnumerateArray()
                .Where(r => r.Text("action") == "adminRemove" && r.GetProperty("targetAssignmentId").ValueKind == JsonValueKind.String && r.GetProperty("targetAssignmentId").GetGuid() == eligibility)
                .ToList();
            var removal = Assert.Single(requests);
            var ended = (await Admin.AuditTrailAsync($"&action=assignment.ended&principalId={user.Id}")).Where(e => e.GetProperty("assignmentId").GetGuid() == eligibility).ToList();
            Assert.Equal(removal.GetProperty("id").GetGuid(), Assert.Single(ended).GetProperty("requestId").GetGuid());

            var item = ItemOf(after, user.Id);
            Assert.Equal("removed", item.Text("outcome"));
            Assert.Equal(removal.GetProperty("id").GetGuid(), item.GetProperty("removalRequestId").GetGuid());
        }
    }
}

public sealed class ReviewConcurrencyTestsOnSqlite() : ReviewConcurrencyTests(DatabaseKind.Sqlite);

public sealed class ReviewConcurrencyTestsOnPostgres() : ReviewConcurrencyTests(DatabaseKind.Postgres);
