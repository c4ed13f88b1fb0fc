using Elevate.Server.Tests.Infrastructure;

namespace Elevate.Server.Tests.Approvals;

/// <summary>
/// A request is never left waiting for a decision nobody can make: a stage that only the requester (or disabled
/// people, or nobody) could decide goes to its escalation approvers at once, and without enough of those the request
/// is refused at submission, as a dry run says beforehand.
/// </summary>
public abstract class UnstrandableApprovalTests(DatabaseKind kind) : ApprovalTest(kind)
{
    public static TheoryData<string> Strandings => new(
        "only the requester is named",
        "only the requester's group is named and she is its only member",
        "the only approver is disabled",
        "the named group is empty",
        "the quorum is larger than the approvers other than the requester",
        "the requester has no manager to ask",
        "the same person is both the other approver and the escalation approver");

    [Theory]
    [MemberData(nameof(Strandings))]
    public async Task An_activation_nobody_but_the_requester_could_approve_is_refused_at_submission(string stranding)
    {
        var role = await Admin.RoleNeedingApprovalAsync(Alice.Id, await StrandedStagesAsync(stranding));

        var refused = (await Alice.Client.ActivateAsync(role, "/", Scenario.For("PT1H"))).ShouldFail(422, "no_possible_approver");

        Assert.Equal(StrandedField(stranding), refused.Field);
        Assert.DoesNotContain((await Admin.GetAsync($"/api/v1/requests?principalId={Alice.Id}")).ShouldBe(200)["items"].EnumerateArray(),
            r => r.GetProperty("action").GetString() == "selfActivate");
        Assert.Contains("no_possible_approver", Assert.Single(await Admin.AuditTrailAsync($"&principalId={Alice.Id}&action=request.rejected")).GetProperty("details").GetString(),
            StringComparison.Ordinal);
    }

    [Theory]
    [MemberData(nameof(Strandings))]
    public async Task A_dry_run_says_an_activation_nobody_could_approve_would_be_refused(string stranding)
    {
        var role = await Admin.RoleNeedingApprovalAsync(Alice.Id, await StrandedStagesAsync(stranding));

        var dryRun = (await Alice.Client.PostAsync("/api/v1/requests", new
        {
            action = "selfActivate",
            roleId = role,
            scope = "/",
            schedule = Scenario.For("PT1H"),
            justification = "Investigating INC-4411",
            validateOnly = true,
        })).ShouldBe(200);

        Assert.False(dryRun["wouldSucceed"].GetBoolean());
        var problem = Assert.Single(dryRun["problems"].EnumerateArray());
        Assert.Equal("no_possible_approver", problem.GetProperty("code").GetString());
        Assert.Equal(StrandedField(stranding), problem.GetProperty("field").GetString());
    }

    [Fact]
    public async Task A_stage_only_the_requester_could_decide_goes_to_its_escalation_approvers_at_once()
    {
        var (role, request) = await AlicePendingAsync(ApprovalScenario.Stage(Alice.Id) with { EscalateAfter = "PT4H", EscalationApprovers = [Carol.Id] });

        Assert.Equal([request], await Carol.Client.AwaitingMeAsync());
        Assert.Equal("provisioned", ApprovalScenario.StatusAfter(await Carol.Client.ApproveAsync(request)));
        Assert.True(await Admin.IsAllowedAsync("alice", role, "/"));
    }

    [Fact]
    public async Task An_approver_who_can_decide_keeps_the_escalation_approvers_waiting_for_escalate_after()
    {
        var (_, request) = await AlicePendingAsync(ApprovalScenario.Stage(Alice.Id, Bob.Id) with { EscalateAfter = "PT4H", EscalationApprovers = [Carol.Id] });

        Assert.Empty(await Carol.Client.AwaitingMeAsync());
        (await Carol.Client.ApproveAsync(request)).ShouldFail(403, "not_an_approver");
        Assert.Equal([request], await Bob.Client.AwaitingMeAsync());
    }

    /// <summary>The field the refusal names: the one stage, or the second where a first, decidable stage comes before it.</summary>
    private static string StrandedField(string stranding) =>
        stranding == "the named group is empty" ? "activation.approval.stages[1]" : "activation.approval.stages[0]";

    private async Task<StageBody[]> StrandedStagesAsync(string stranding)
    {
        switch (stranding)
        {
            case "only the requester is named":
                return [ApprovalScenario.Stage(Alice.Id)];
            case "only the requester's group is named and she is its only member":
                return [ApprovalScenario.Stage(await Admin.CreateGroupAsync("just-alice", Alice.Id))];
            case "the only approver is disabled":
                (await Admin.PatchAsync($"/api/v1/principals/{Bob.Id}", new { enabled = false })).ShouldBe(200);
                return [ApprovalScenario.Stage(Alice.Id, Bob.Id)];
            case "the named group is empty":
                return [ApprovalScenario.Stage(Bob.Id), ApprovalScenario.Stage(await Admin.CreateGroupAsync("nobody"))];
            case "the quorum is larger than the approvers other than the requester":
                return [ApprovalScenario.Stage(Alice.Id, Bob.Id) with { Quorum = 2 }];
            case "the requester has no manager to ask":
                return [new StageBody([]) { RequesterManager = true }];
            case "the same person is both the other approver and the escalation approver":
                // Bob can decide once: named twice, he still makes one approval of the two the stage needs.
                return [ApprovalScenario.Stage(Alice.Id, Bob.Id) with { Quorum = 2, EscalateAfter = "PT1H", EscalationApprovers = [Bob.Id] }];
            default:
                throw new ArgumentOutOfRangeException(nameof(stranding), stranding, "No such stranding.");
        }
    }
}

public sealed class UnstrandableApprovalTestsOnSqlite() : UnstrandableApprovalTests(DatabaseKind.Sqlite);

public sealed class UnstrandableApprovalTestsOnPostgres() : UnstrandableApprovalTests(DatabaseKind.Postgres);
