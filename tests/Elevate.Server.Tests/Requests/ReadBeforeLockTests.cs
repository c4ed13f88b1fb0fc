using Elevate.Core.Audit;
using Elevate.Core.Persistence;
using Elevate.Core.Requests;
using Elevate.Server.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;

namespace Elevate.Server.Tests.Requests;

/// <summary>
/// Requests are read before the write lock is taken; under the lock, anything the facts came from that changed since
/// sends the request back to read again. These tests prove that a change in between is never decided on stale facts.
/// </summary>
public abstract class ReadBeforeLockTests(DatabaseKind kind) : AppTest(kind)
{
    [Fact]
    public async Task Facts_stay_current_through_unrelated_changes_and_go_stale_on_related_ones()
    {
        var alice = await UserAsync("alice");
        var bob = await UserAsync("bob");
        var role = await Admin.CreateRoleAsync("db-admin");
        var other = await Admin.CreateRoleAsync("web-admin");
        var eligibility = await Admin.MakeEligibleAsync(alice.Id, role, "/prod");
        var oncall = await Admin.CreateGroupAsync("oncall", bob.Id);

        async Task<bool> StillCurrentAfterAsync(Func<Task> change)
        {
            var freshness = await FreshnessAsync(alice.Id, "alice", role);
            await change();
            await using var scope = App.Services.CreateAsyncScope();
            return await RequestLoader.IsCurrentAsync(scope.ServiceProvider.GetRequiredService<ElevateDbContext>(), freshness, CancellationToken.None);
        }

        Assert.True(await StillCurrentAfterAsync(() => UserAsync("carol")));
        Assert.True(await StillCurrentAfterAsync(async () => await Admin.MakeEligibleAsync(bob.Id, role)));
        Assert.True(await StillCurrentAfterAsync(async () => await Admin.MakeEligibleAsync(alice.Id, other)));
        Assert.False(await StillCurrentAfterAsync(async () => (await Admin.PutAsync($"/api/v1/roles/{role}/settings?scope=/prod", new { activation = new { maxDuration = "PT1H" } })).ShouldBe(201)));
        Assert.False(await StillCurrentAfterAsync(async () => (await Admin.PutAsync($"/api/v1/groups/{oncall}/members/{alice.Id}")).ShouldBe(204)));
        Assert.False(await StillCurrentAfterAsync(async () => await Admin.MakeEligibleAsync(oncall, role, "/prod/payments")));
        Assert.False(await StillCurrentAfterAsync(async () => (await Admin.PatchAsync($"/api/v1/principals/{oncall}", new { enabled = false })).ShouldBe(200)));
        Assert.False(await StillCurrentAfterAsync(async () => (await Admin.PatchAsync($"/api/v1/roles/{role}", new { description = "changed" })).ShouldBe(200)));
        Assert.False(await StillCurrentAfterAsync(async () => (await Admin.RemoveAsync(eligibility)).ShouldBe(201)));
    }

    [Fact]
    public async Task An_activation_racing_the_removal_of_its_eligibility_never_outlives_it()
    {
        var role = await Admin.CreateRoleAsync("db-admin");
        var users = new List<(TestUser User, Guid Eligibility)>();
        for (var i = 0; i < 8; i++)
        {
            var user = await UserAsync($"user{i}");
            users.Add((user, await Admin.MakeEligibleAsync(user.Id, role, "/prod")));
        }

        // Each user activates twice while the administrator removes their eligibility at the same time.
        var racing = users.SelectMany(u => new[]
        {
            u.User.Client.ActivateAsync(role, "/prod/a", Scenario.For("PT1H")),
            Admin.RemoveAsync(u.Eligibility),
            u.User.Client.ActivateAsync(role, "/prod/b", Scenario.For("PT1H")),
        });
        var outcomes = await Task.WhenAll(racing);

        Assert.All(outcomes, o => Assert.True(o.Status is 201 or 403, $"Unexpected {o.Status}: {o.Body}"));
        foreach (var (user, _) in users)
        {
            Assert.False(await Admin.IsAllowedAsync(user.Name, role, "/prod/a"));
            Assert.False(await Admin.IsAllowedAsync(user.Name, role, "/prod/b"));
        }

        var open = (await Admin.GetAsync($"/api/v1/assignments?kind=active&roleId={role}&state=open")).ShouldBe(200);
        Assert.Empty(open["items"].EnumerateArray());
    }

    private async Task<RequestLoader.Freshness> FreshnessAsync(Guid principalId, string name, Guid roleId)
    {
        await using var scope = App.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<ElevateDbContext>();
        var loader = new RequestLoader(scope.ServiceProvider.GetRequiredService<Elevate.Core.Access.AccessIndex>());
        var input = new SubmitRequest
        {
            Action = RequestAction.SelfActivate,
            RoleId = roleId,
            Scope = "/prod/payments",
            Schedule = new ScheduleInput(null, ExpirationType.AfterDuration, null, TimeSpan.FromHours(1)),
            Justification = "test",
        };
        var loaded = await loader.LoadAsync(db, input, new Actor(principalId, name), App.Time.GetUtcNow(), CancellationToken.None);
        return loaded.Value.Freshness!;
    }
}

public sealed class ReadBeforeLockTestsOnSqlite() : ReadBeforeLockTests(DatabaseKind.Sqlite);

public sealed class ReadBeforeLockTestsOnPostgres() : ReadBeforeLockTests(DatabaseKind.Postgres);
