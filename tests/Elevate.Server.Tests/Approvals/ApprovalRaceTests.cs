using Elevate.Server.Tests.Infrastructure;

namespace Elevate.Server.Tests.Approvals;

/// <summary>
/// Decisions that arrive at the same moment, at one instance or several, settle a request exactly once: one approval
/// recorded, one grant, and every other caller told the request was already decided.
/// </summary>
public abstract class ApprovalRaceTests(DatabaseKind kind) : ApprovalTest(kind)
{
    private const int Approvers = 50;

    [Fact]
    public async Task Fifty_approvers_approving_at_once_grant_one_activation_and_record_one_approval()
    {
        var approvers = new List<TestUser>();
        for (var i = 0; i < Approvers; i++)
        {
            approvers.Add(await UserAsync($"approver-{i:D2}"));
        }

        var (role, request) = await AlicePendingAsync(ApprovalScenario.Stage([.. approvers.Select(a => a.Id)]));

        // Half of them through a second instance on the same database, so the database (not one process) must decide.
        await using var second = new ElevateApp(App.Database, App.Time, runScheduler: false);
        var clients = approvers.Select((a, i) => i % 2 == 0 ? a.Client : second.Client(a.Client.Token!)).ToList();
        var answers = await Task.WhenAll(clients.Select(c => Task.Run(() => c.ApproveAsync(request))));

        Assert.Single(answers, a => a.Status == 200);
        Assert.All(answers.Where(a => a.Status != 200), a => Assert.True(
            a.Status == 409 && a.Code is "already_decided" or "changed_concurrently",
            $"A losing approval must be told the request was decided; got HTTP {a.Status}: {a.Body}"));
        Assert.Single(await Admin.RequestAuditAsync(request, "request.approval_given"));
        Assert.Single(await Admin.RequestAuditAsync(request, "assignment.activated"));
        Assert.Single(await Admin.DecisionsAsync(request));
        Assert.Single(await Admin.OpenAssignmentsAsync(Alice.Id, role, "active"));
        Assert.Equal("provisioned", await Admin.StatusOfAsync(request));
    }

    [Fact]
    public async Task An_approval_and_a_denial_at_once_settle_the_request_one_way()
    {
        var (role, request) = await AlicePendingAsync(ApprovalScenario.Stage(Bob.Id, Carol.Id));

        var answers = await Task.WhenAll(Task.Run(() => Bob.Client.ApproveAsync(request)), Task.Run(() => Carol.Client.DenyAsync(request)));

        var winner = Assert.Single(answers, a => a.Status == 200);
        Assert.Single(answers, a => a.Status == 409 && a.Code == "already_decided");
        var status = await Admin.StatusOfAsync(request);
        Assert.Equal(ApprovalScenario.StatusAfter(winner), status);
        Assert.Single(await Admin.DecisionsAsync(request));
        Assert.Equal(status == "provisioned" ? 1 : 0, (await Admin.OpenAssignmentsAsync(Alice.Id, role, "active")).Count);
    }

    [Fact]
    public async Task An_approval_and_the_requesters_cancellation_at_once_have_exactly_one_outcome()
    {
        var role = await Admin.RoleNeedingApprovalAsync(Alice.Id, ApprovalScenario.Stage(Bob.Id));
        await using var second = new ElevateApp(App.Database, App.Time, runScheduler: false);
        var aliceElsewhere = second.Client(Alice.Client.Token!);
        for (var round = 0; round < 5; round++)
        {
            var request = await Alice.Client.ActivatePendingAsync(role);

            var (approved, canceled) = await BothAsync(
                () => Bob.Client.ApproveAsync(request),
                () => aliceElsewhere.PostAsync($"/api/v1/requests/{request}/cancel"));

            var status = await Admin.StatusOfAsync(request);
            Assert.True(approved.Status == 200 ^ canceled.Status == 200, $"Exactly one of approve ({approved.Status}) and cancel ({canceled.Status}) must win.");
            Assert.Equal(approved.Status == 200 ? "provisioned" : "canceled", status);
            Assert.Equal(status == "provisioned" ? 1 : 0, (await Admin.OpenAssignmentsAsync(Alice.Id, role, "active")).Count);
            Assert.Equal(status == "provisioned" ? 1 : 0, (await Admin.RequestAuditAsync(request, "request.approval_given")).Count);
            if (status == "provisioned")
            {
                (await Alice.Client.DeactivateAsync(Assert.Single(await Admin.OpenAssignmentsAsync(Alice.Id, role, "active")).GetProperty("id").GetGuid())).ShouldBe(201);
            }
        }
    }

    private static async Task<(ApiResponse First, ApiResponse Second)> BothAsync(Func<Task<ApiResponse>> first, Func<Task<ApiResponse>> second)
    {
        var answers = await Task.WhenAll(Task.Run(first), Task.Run(second));
        return (answers[0], answers[1]);
    }
}

public sealed class ApprovalRaceTestsOnSqlite() : ApprovalRaceTests(DatabaseKind.Sqlite);

public sealed class ApprovalRaceTestsOnPostgres() : ApprovalRaceTests(DatabaseKind.Postgres);
