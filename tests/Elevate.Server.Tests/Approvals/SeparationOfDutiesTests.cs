using Elevate.Core.Roles;
using Elevate.Server.Tests.Infrastructure;

namespace Elevate.Server.Tests.Approvals;

/// <summary>
/// Nobody decides their own request: not when named as an approver, not through a group, not when the stage includes
/// managers, not as an escalation approver, not as an administrator of the scope, and not through bulk decisions.
/// Each attempt is refused with self_approval_forbidden and records nothing; the rightful approver still decides.
/// </summary>
public abstract class SeparationOfDutiesTests(DatabaseKind kind) : ApprovalTest(kind)
{
    public static TheoryData<string> Paths => new("named directly", "through a group", "with a manager stage", "as an escalation approver", "as an administrator of the scope");

    [Theory]
    [MemberData(nameof(Paths))]
    public async Task A_requester_cannot_approve_or_deny_their_own_request(string path)
    {
        var (request, rightful) = await AliceCouldDecideAsync(path);

        (await Alice.Client.ApproveAsync(request, "Looks fine to me")).ShouldFail(403, "self_approval_forbidden");
        (await Alice.Client.DenyAsync(request)).ShouldFail(403, "self_approval_forbidden");

        await AssertUndecidedAsync(request);
        Assert.DoesNotContain(request, await Alice.Client.AwaitingMeAsync());
        Assert.Equal("provisioned", ApprovalScenario.StatusAfter(await rightful.ApproveAsync(request)));
    }

    [Theory]
    [MemberData(nameof(Paths))]
    public async Task A_requester_cannot_decide_their_own_request_in_bulk(string path)
    {
        var (request, _) = await AliceCouldDecideAsync(path);

        var result = Assert.Single((await Alice.Client.DecideAllAsync(ApprovalScenario.Decision(request, "approve"))).ShouldBe(200)["results"].EnumerateArray());

        Assert.Equal("self_approval_forbidden", result.GetProperty("problem").GetProperty("code").GetString());
        await AssertUndecidedAsync(request);
    }

    [Fact]
    public async Task A_manager_stage_asks_each_requesters_own_manager()
    {
        (await Admin.PatchAsync($"/api/v1/principals/{Bob.Id}", new { managerId = Alice.Id })).ShouldBe(200);
        var role = await Admin.RoleNeedingApprovalAsync(Bob.Id, new StageBody([]) { RequesterManager = true });
        var request = await Bob.Client.ActivatePendingAsync(role);

        (await Carol.Client.ApproveAsync(request)).ShouldFail(404, "request_not_found");
        Assert.Equal([request], await Alice.Client.AwaitingMeAsync());
        Assert.Equal("provisioned", ApprovalScenario.StatusAfter(await Alice.Client.ApproveAsync(request)));
    }

    /// <summary>
    /// Alice's pending request on a stage that, but for separation of duties, <paramref name="path"/> would let her
    /// decide; and the client of someone who rightfully may.
    /// </summary>
    private async Task<(Guid Request, ApiClient Rightful)> AliceCouldDecideAsync(string path)
    {
        switch (path)
        {
            case "named directly":
                return (await PendingOnAsync(ApprovalScenario.Stage(Alice.Id, Bob.Id)), Bob.Client);
            case "through a group":
                var oncall = await Admin.CreateGroupAsync("oncall", Alice.Id, Bob.Id);
                return (await PendingOnAsync(ApprovalScenario.Stage(oncall)), Bob.Client);
            case "with a manager stage":
                (await Admin.PatchAsync($"/api/v1/principals/{Alice.Id}", new { managerId = Carol.Id })).ShouldBe(200);
                (await Admin.PatchAsync($"/api/v1/principals/{Bob.Id}", new { managerId = Alice.Id })).ShouldBe(200);
                return (await PendingOnAsync(new StageBody([Bob.Id]) { RequesterManager = true }), Carol.Client);
            case "as an escalation approver":
                var escalating = await PendingOnAsync(ApprovalScenario.Stage(Bob.Id) with { EscalateAfter = "PT1H", EscalationApprovers = [Alice.Id, Carol.Id] });
                await App.AdvanceAsync(TimeSpan.FromHours(1));
                return (escalating, Carol.Client);
            case "as an administrator of the scope":
                (await Admin.AssignAsync("active", Alice.Id, BuiltInRoles.IdOf(BuiltInRole.PrivilegedRoleAdministrator), "/", Scenario.Permanent, "Runs the role catalogue"))
                    .ShouldBe(201);
                return (await PendingOnAsync(ApprovalScenario.Stage(Alice.Id, Bob.Id)), Bob.Client);
            default:
                throw new ArgumentOutOfRangeException(nameof(path), path, "No such path.");
        }
    }

    private async Task<Guid> PendingOnAsync(StageBody stage) => (await AlicePendingAsync(stage)).Request;
}

public sealed class SeparationOfDutiesTestsOnSqlite() : SeparationOfDutiesTests(DatabaseKind.Sqlite);

public sealed class SeparationOfDutiesTestsOnPostgres() : SeparationOfDutiesTests(DatabaseKind.Postgres);
