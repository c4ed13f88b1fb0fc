using Elevate.Server.Tests.Infrastructure;

namespace Elevate.Server.Tests.Approvals;

/// <summary>
/// Approval stages are set through the role settings API: a fault is refused naming the stage and field (and the
/// role keeps its settings), and a valid document is stored as sent.
/// </summary>
public abstract class ApprovalSettingsTests(DatabaseKind kind) : ApprovalTest(kind)
{
    protected override bool RunScheduler => false;

    [Fact]
    public async Task Approval_stages_are_stored_as_sent()
    {
        var role = await Admin.CreateRoleAsync("db-admin");
        var stages = new[]
        {
            ApprovalScenario.Stage(Bob.Id) with { Quorum = 1, Timeout = "PT2H", EscalateAfter = "PT1H", EscalationApprovers = [Carol.Id], RequireReason = true },
            new StageBody([Dave.Id]) { RequesterManager = true },
        };

        (await Admin.RequireApprovalAsync(role, stages, requireMfaToApprove: true)).ShouldBe(200);

        var approval = (await Admin.GetAsync($"/api/v1/roles/{role}/settings")).ShouldBe(200)["settings"].GetProperty("activation").GetProperty("approval");
        Assert.True(approval.GetProperty("requireMfaToApprove").GetBoolean());
        var first = approval.GetProperty("stages")[0];
        Assert.Equal("PT2H", first.GetProperty("timeout").GetString());
        Assert.Equal("PT1H", first.GetProperty("escalateAfter").GetString());
        Assert.Equal(Carol.Id, Assert.Single(first.GetProperty("escalationApprovers").EnumerateArray()).GetGuid());
        Assert.True(first.GetProperty("requireReason").GetBoolean());
        var second = approval.GetProperty("stages")[1];
        Assert.True(second.GetProperty("requesterManager").GetBoolean());
        Assert.Equal("P1D", second.GetProperty("timeout").GetString());
        Assert.Equal(1, second.GetProperty("quorum").GetInt32());
    }

    [Fact]
    public async Task Saving_settings_warns_of_a_stage_that_could_strand_or_refuse_requests()
    {
        var role = await Admin.CreateRoleAsync("db-admin");
        var emptyGroup = (await Admin.PostAsync("/api/v1/groups", new { name = "nobody-yet" })).ShouldBe(201)["id"].GetGuid();

        var tight = (await Admin.RequireApprovalAsync(role, [ApprovalScenario.Stage(Bob.Id)])).ShouldBe(200);
        var unreachable = (await Admin.RequireApprovalAsync(role, [ApprovalScenario.Stage(emptyGroup), ApprovalScenario.Stage(Bob.Id, Carol.Id)])).ShouldBe(200);
        var fine = (await Admin.RequireApprovalAsync(role, [ApprovalScenario.Stage(Bob.Id, Carol.Id)])).ShouldBe(200);

        var tightWarning = Assert.Single(tight["warnings"].EnumerateArray());
        Assert.Equal("approval_stage_tight", tightWarning.GetProperty("code").GetString());
        Assert.Equal("activation.approval.stages[0]", tightWarning.GetProperty("field").GetString());
        var unreachableWarning = Assert.Single(unreachable["warnings"].EnumerateArray());
        Assert.Equal("approval_stage_unreachable", unreachableWarning.GetProperty("code").GetString());
        Assert.Equal("activation.approval.stages[0]", unreachableWarning.GetProperty("field").GetString());
        Assert.Empty(fine["warnings"].EnumerateArray());
    }

    public static TheoryData<string, int, string, string> Faults => new()
    {
        { "a quorum of 0", 400, "invalid_settings", "activation.approval.stages[1].quorum" },
        { "a timeout of a minute", 400, "invalid_settings", "activation.approval.stages[1].timeout" },
        { "escalation without escalation approvers", 400, "invalid_settings", "activation.approval.stages[1].escalationApprovers" },
        { "an approver who does not exist", 404, "principal_not_found", "activation.approval.stages[1].approvers[1]" },
        { "an escalation approver who does not exist", 404, "principal_not_found", "activation.approval.stages[1].escalationApprovers[0]" },
        { "a service account as approver", 422, "wrong_principal_kind", "activation.approval.stages[1].approvers[0]" },
    };

    [Theory]
    [MemberData(nameof(Faults))]
    public async Task A_faulty_stage_is_refused_naming_it_and_the_role_keeps_its_settings(string fault, int status, string code, string field)
    {
        var role = await Admin.CreateRoleAsync("db-admin");
        var before = (await Admin.GetAsync($"/api/v1/roles/{role}/settings")).ShouldBe(200).Body.ToString();
        var stage = fault switch
        {
            "a quorum of 0" => ApprovalScenario.Stage(Bob.Id) with { Quorum = 0 },
            "a timeout of a minute" => ApprovalScenario.Stage(Bob.Id) with { Timeout = "PT1M" },
            "escalation without escalation approvers" => ApprovalScenario.Stage(Bob.Id) with { EscalateAfter = "PT1H" },
            "an approver who does not exist" => ApprovalScenario.Stage(Bob.Id, Guid.NewGuid()),
            "an escalation approver who does not exist" => ApprovalScenario.Stage(Bob.Id) with { EscalateAfter = "PT1H", EscalationApprovers = [Guid.NewGuid()] },
            "a service account as approver" => ApprovalScenario.Stage((await Admin.PostAsync("/api/v1/service-accounts", new { name = "deployer" })).ShouldBe(201).Id),
            _ => throw new ArgumentOutOfRangeException(nameof(fault), fault, "No such fault."),
        };

        var refused = (await Admin.RequireApprovalAsync(role, [ApprovalScenario.Stage(Carol.Id), stage])).ShouldFail(status, code);

        Assert.Equal(field, refused.Field);
        Assert.Equal(before, (await Admin.GetAsync($"/api/v1/roles/{role}/settings")).ShouldBe(200).Body.ToString());
    }
}

public sealed class ApprovalSettingsTestsOnSqlite() : ApprovalSettingsTests(DatabaseKind.Sqlite);

public sealed class ApprovalSettingsTestsOnPostgres() : ApprovalSettingsTests(DatabaseKind.Postgres);
