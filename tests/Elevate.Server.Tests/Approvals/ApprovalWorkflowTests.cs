using Elevate.Server.Tests.Infrastructure;

namespace Elevate.Server.Tests.Approvals;

/// <summary>
/// Activations of roles that need approval wait for their approvers: one stage or several in series, a quorum,
/// escalation, denial, cancellation, and what an approval grants.
/// </summary>
public abstract class ApprovalWorkflowTests(DatabaseKind kind) : ApprovalTest(kind)
{
    [Fact]
    public async Task An_activation_that_needs_approval_waits_and_only_its_approver_is_asked()
    {
        var (role, request) = await AlicePendingAsync(ApprovalScenario.Stage(Bob.Id));

        Assert.False(await Admin.IsAllowedAsync("alice", role, "/"));
        Assert.Equal([request], await Bob.Client.AwaitingMeAsync());
        Assert.Empty(await Alice.Client.AwaitingMeAsync());
        Assert.Empty(await Carol.Client.AwaitingMeAsync());
        Assert.Equal(["waiting"], await Bob.Client.StageProgressAsync(request));
        Assert.Single(await Admin.RequestAuditAsync(request, "request.submitted"));
    }

    [Fact]
    public async Task An_approval_grants_from_the_approval_time_for_the_whole_requested_length()
    {
        var (role, request) = await AlicePendingAsync(ApprovalScenario.Stage(Bob.Id));
        await App.AdvanceAsync(TimeSpan.FromHours(3));
        var approvedAt = Now;

        var decided = (await Bob.Client.ApproveAsync(request, "Change CHG-12 is approved")).ShouldBe(200);

        Assert.Equal("provisioned", ApprovalScenario.StatusAfter(decided));
        var schedule = (await Admin.RequestAsync(request))["schedule"];
        Assert.Equal(approvedAt, schedule.GetProperty("startsAt").GetDateTimeOffset());
        Assert.Equal(approvedAt.AddHours(2), schedule.GetProperty("endsAt").GetDateTimeOffset());
        var assignment = Assert.Single(await Admin.OpenAssignmentsAsync(Alice.Id, role, "active"));
        Assert.Equal(approvedAt, assignment.GetProperty("startsAt").GetDateTimeOffset());
        Assert.Equal(approvedAt.AddHours(2), assignment.GetProperty("endsAt").GetDateTimeOffset());
        Assert.True(await Admin.IsAllowedAsync("alice", role, "/"));
        Assert.Empty(await Bob.Client.AwaitingMeAsync());

        await App.AdvanceAsync(TimeSpan.FromHours(2) - TimeSpan.FromMinutes(1));
        Assert.True(await Admin.IsAllowedAsync("alice", role, "/"));
        await App.AdvanceAsync(TimeSpan.FromMinutes(1));
        Assert.False(await Admin.IsAllowedAsync("alice", role, "/"));
    }

    [Fact]
    public async Task An_approval_is_recorded_and_audited_with_its_stage_verdict_and_reason()
    {
        var (_, request) = await AlicePendingAsync(ApprovalScenario.Stage(Bob.Id));

        (await Bob.Client.ApproveAsync(request, "Change CHG-12 is approved")).ShouldBe(200);

        var decision = Assert.Single(await Alice.Client.DecisionsAsync(request));
        Assert.Equal(Bob.Id, decision.GetProperty("approverId").GetGuid());
        Assert.Equal("bob", decision.GetProperty("approverName").GetString());
        Assert.Equal("approve", decision.GetProperty("verdict").GetString());
        Assert.Equal("Change CHG-12 is approved", decision.GetProperty("reason").GetString());
        var given = Assert.Single(await Admin.RequestAuditAsync(request, "request.approval_given"));
        Assert.Equal("bob", given.GetProperty("actorName").GetString());
        var details = ApprovalScenario.Details(given);
        Assert.Equal(1, details.GetProperty("stage").GetInt32());
        Assert.Equal("Change CHG-12 is approved", details.GetProperty("reason").GetString());
        Assert.Single(await Admin.RequestAuditAsync(request, "request.provisioned"));
        Assert.Single(await Admin.RequestAuditAsync(request, "assignment.activated"));
    }

    [Fact]
    public async Task An_approval_before_a_later_requested_start_keeps_that_start_and_schedules_the_grant()
    {
        var role = await Admin.RoleNeedingApprovalAsync(Alice.Id, ApprovalScenario.Stage(Bob.Id));
        var start = Now.AddHours(6);
        var request = await Alice.Client.ActivatePendingAsync(role, "PT1H", start);

        Assert.Equal("scheduled", ApprovalScenario.StatusAfter(await Bob.Client.ApproveAsync(request)));

        var schedule = (await Admin.RequestAsync(request))["schedule"];
        Assert.Equal(start, schedule.GetProperty("startsAt").GetDateTimeOffset());
        Assert.Equal(start.AddHours(1), schedule.GetProperty("endsAt").GetDateTimeOffset());
        Assert.False(await Admin.IsAllowedAsync("alice", role, "/"));
        await App.AdvanceAsync(TimeSpan.FromHours(6));
        Assert.True(await Admin.IsAllowedAsync("alice", role, "/"));
        Assert.Equal("provisioned", await Admin.StatusOfAsync(request));
    }

    [Fact]
    public async Task A_late_approval_grants_no_further_than_the_end_of_the_eligibility()
    {
        var eligibilityEnd = Now.AddHours(5);
        var role = await Admin.RoleNeedingApprovalAsync(Alice.Id, "db-admin", Scenario.Until(eligibilityEnd), false, ApprovalScenario.Stage(Bob.Id));
        var request = await Alice.Client.ActivatePendingAsync(role, "PT4H");
        await App.AdvanceAsync(TimeSpan.FromHours(3));

        Assert.Equal("provisioned", ApprovalScenario.StatusAfter(await Bob.Client.ApproveAsync(request)));

        var assignment = Assert.Single(await Admin.OpenAssignmentsAsync(Alice.Id, role, "active"));
        Assert.Equal(Now, assignment.GetProperty("startsAt").GetDateTimeOffset());
        Assert.Equal(eligibilityEnd, assignment.GetProperty("endsAt").GetDateTimeOffset());
    }

    [Fact]
    public async Task A_denial_needs_a_reason()
    {
        var (_, request) = await AlicePendingAsync(ApprovalScenario.Stage(Bob.Id));

        Assert.Equal("reason", (await Bob.Client.DenyAsync(request, reason: null)).ShouldFail(400, "required").Field);
        Assert.Equal("reason", (await Bob.Client.DenyAsync(request, reason: "   ")).ShouldFail(400, "required").Field);

        await AssertUndecidedAsync(request);
    }

    [Fact]
    public async Task A_stage_that_requires_a_reason_refuses_an_approval_without_one()
    {
        var (_, request) = await AlicePendingAsync(ApprovalScenario.Stage(Bob.Id) with { RequireReason = true });

        Assert.Equal("reason", (await Bob.Client.ApproveAsync(request)).ShouldFail(400, "required").Field);

        await AssertUndecidedAsync(request);
        Assert.Equal("provisioned", ApprovalScenario.StatusAfter(await Bob.Client.ApproveAsync(request, "Change CHG-12")));
    }

    [Fact]
    public async Task Any_denial_ends_the_request_and_a_later_decision_is_told_who_decided()
    {
        var (role, request) = await AlicePendingAsync(ApprovalScenario.Stage(Bob.Id, Carol.Id) with { Quorum = 2 });

        Assert.Equal("denied", ApprovalScenario.StatusAfter(await Bob.Client.DenyAsync(request, "Not during the change freeze")));

        var late = (await Carol.Client.ApproveAsync(request)).ShouldFail(409, "already_decided");
        Assert.Contains("bob", late["detail"].GetString(), StringComparison.Ordinal);
        Assert.Contains("denied", late["detail"].GetString(), StringComparison.Ordinal);
        Assert.Equal("denied", await Admin.StatusOfAsync(request));
        Assert.Equal(["denied"], await Alice.Client.StageProgressAsync(request));
        Assert.Empty(await Admin.OpenAssignmentsAsync(Alice.Id, role, "active"));
        Assert.False(await Admin.IsAllowedAsync("alice", role, "/"));
        Assert.Empty(await Carol.Client.AwaitingMeAsync());
        var refused = ApprovalScenario.Details(Assert.Single(await Admin.RequestAuditAsync(request, "request.approval_refused")));
        Assert.Equal("Not during the change freeze", refused.GetProperty("reason").GetString());
        Assert.Single(await Admin.RequestAuditAsync(request, "request.denied"));
    }

    [Fact]
    public async Task Someone_who_is_not_an_approver_cannot_decide_and_records_nothing()
    {
        var (_, request) = await AlicePendingAsync(ApprovalScenario.Stage(Bob.Id));

        (await Carol.Client.ApproveAsync(request)).ShouldFail(404, "request_not_found");
        (await Admin.ApproveAsync(request)).ShouldFail(403, "not_an_approver");
        (await Admin.DenyAsync(request)).ShouldFail(403, "not_an_approver");
        Assert.Empty(await Admin.AwaitingMeAsync());

        await AssertUndecidedAsync(request);
    }

    [Fact]
    public async Task An_approver_reads_the_request_they_are_asked_to_decide_and_nobody_else_does()
    {
        var (_, request) = await AlicePendingAsync(ApprovalScenario.Stage(Bob.Id));

        var seen = (await Bob.Client.GetAsync($"/api/v1/requests/{request}")).ShouldBe(200);
        (await Carol.Client.GetAsync($"/api/v1/requests/{request}")).ShouldFail(404, "request_not_found");

        Assert.Equal("pendingApproval", seen["status"].GetString());
        Assert.False(string.IsNullOrEmpty(seen["justification"].GetString()));
    }

    [Fact]
    public async Task A_request_that_needs_no_approval_or_does_not_exist_cannot_be_decided()
    {
        var role = await Admin.CreateRoleAsync("web-admin");
        await Admin.MakeEligibleAsync(Alice.Id, role);
        var immediate = (await Alice.Client.ActivateAsync(role, "/", Scenario.For("PT1H"))).ShouldBe(201).Id;

        (await Admin.ApproveAsync(immediate)).ShouldFail(404, "request_not_found");
        (await Admin.ApproveAsync(Guid.NewGuid())).ShouldFail(404, "request_not_found");
        (await Admin.GetAsync($"/api/v1/requests/{immediate}/approval")).ShouldFail(404, "request_not_found");
    }

    [Fact]
    public async Task A_quorum_of_two_waits_for_a_second_approver()
    {
        var (role, request) = await AlicePendingAsync(ApprovalScenario.Stage(Bob.Id, Carol.Id, Dave.Id) with { Quorum = 2 });

        Assert.Equal("pendingApproval", ApprovalScenario.StatusAfter(await Bob.Client.ApproveAsync(request)));
        (await Bob.Client.ApproveAsync(request)).ShouldFail(409, "already_decided");

        Assert.Empty(await Bob.Client.AwaitingMeAsync());
        Assert.Equal([request], await Carol.Client.AwaitingMeAsync());
        Assert.False(await Admin.IsAllowedAsync("alice", role, "/"));
        Assert.Equal("provisioned", ApprovalScenario.StatusAfter(await Carol.Client.ApproveAsync(request)));
        Assert.True(await Admin.IsAllowedAsync("alice", role, "/"));
        Assert.Equal(2, (await Admin.RequestAuditAsync(request, "request.approval_given")).Count);
        (await Dave.Client.ApproveAsync(request)).ShouldFail(409, "already_decided");
    }

    [Fact]
    public async Task Stages_run_in_series_and_the_next_stages_approvers_are_asked_only_once_the_previous_stage_approved()
    {
        var (role, request) = await AlicePendingAsync(ApprovalScenario.Stage(Bob.Id), ApprovalScenario.Stage(Carol.Id));

        Assert.Empty(await Carol.Client.AwaitingMeAsync());
        (await Carol.Client.ApproveAsync(request)).ShouldFail(403, "not_an_approver");
        Assert.Equal(["waiting", "upcoming"], await Admin.StageProgressAsync(request));

        Assert.Equal("pendingApproval", ApprovalScenario.StatusAfter(await Bob.Client.ApproveAsync(request)));

        Assert.Equal(["approved", "waiting"], await Admin.StageProgressAsync(request));
        Assert.Equal(2, (await Admin.ApprovalAsync(request))["currentStage"].GetInt32());
        Assert.Equal([request], await Carol.Client.AwaitingMeAsync());
        Assert.Empty(await Bob.Client.AwaitingMeAsync());
        (await Bob.Client.ApproveAsync(request)).ShouldFail(403, "not_an_approver");
        Assert.False(await Admin.IsAllowedAsync("alice", role, "/"));
        Assert.Equal("provisioned", ApprovalScenario.StatusAfter(await Carol.Client.ApproveAsync(request)));
        Assert.Equal(["approved", "approved"], await Admin.StageProgressAsync(request));
        Assert.True(await Admin.IsAllowedAsync("alice", role, "/"));
    }

    [Fact]
    public async Task The_next_stages_timeout_counts_from_when_that_stage_started()
    {
        var (_, request) = await AlicePendingAsync(
            ApprovalScenario.Stage(Bob.Id) with { Timeout = "PT1H" },
            ApprovalScenario.Stage(Carol.Id) with { Timeout = "PT2H" });
        await App.AdvanceAsync(TimeSpan.FromMinutes(50));
        (await Bob.Client.ApproveAsync(request)).ShouldBe(200);
        var secondStarted = Now;

        var second = (await Admin.ApprovalAsync(request))["stages"][1];
        Assert.Equal(secondStarted, second.GetProperty("startedAt").GetDateTimeOffset());
        Assert.Equal(secondStarted.AddHours(2), second.GetProperty("dueAt").GetDateTimeOffset());
        await App.AdvanceAsync(TimeSpan.FromMinutes(119));
        Assert.Equal("pendingApproval", await Admin.StatusOfAsync(request));
        await App.AdvanceAsync(TimeSpan.FromMinutes(1));
        Assert.Equal("timedOut", await Admin.StatusOfAsync(request));
    }

    [Fact]
    public async Task Escalation_approvers_may_decide_only_after_the_stage_waited_escalate_after()
    {
        var (role, request) = await AlicePendingAsync(ApprovalScenario.Stage(Bob.Id) with { EscalateAfter = "PT1H", EscalationApprovers = [Carol.Id] });

        Assert.Empty(await Carol.Client.AwaitingMeAsync());
        (await Carol.Client.ApproveAsync(request)).ShouldFail(403, "not_an_approver");
        await App.AdvanceAsync(TimeSpan.FromMinutes(59));
        (await Carol.Client.ApproveAsync(request)).ShouldFail(403, "not_an_approver");

        await App.AdvanceAsync(TimeSpan.FromMinutes(1));

        Assert.Equal([request], await Carol.Client.AwaitingMeAsync());
        Assert.Equal("provisioned", ApprovalScenario.StatusAfter(await Carol.Client.ApproveAsync(request)));
        Assert.True(await Admin.IsAllowedAsync("alice", role, "/"));
    }

    [Fact]
    public async Task A_request_nobody_decides_in_time_times_out_and_later_decisions_are_refused()
    {
        var (role, request) = await AlicePendingAsync(ApprovalScenario.Stage(Bob.Id) with { Timeout = "PT2H" });

        await App.AdvanceAsync(TimeSpan.FromMinutes(119));
        Assert.Equal("pendingApproval", await Admin.StatusOfAsync(request));
        await App.AdvanceAsync(TimeSpan.FromMinutes(1));

        Assert.Equal("timedOut", await Admin.StatusOfAsync(request));
        Assert.Single(await Admin.RequestAuditAsync(request, "request.timed_out"));
        Assert.Empty(await Bob.Client.AwaitingMeAsync());
        (await Bob.Client.ApproveAsync(request)).ShouldFail(409, "already_decided");
        Assert.Equal(["ended"], await Admin.StageProgressAsync(request));
        Assert.False(await Admin.IsAllowedAsync("alice", role, "/"));
    }

    [Fact]
    public async Task A_request_without_a_stage_timeout_times_out_after_a_day()
    {
        var (_, request) = await AlicePendingAsync(ApprovalScenario.Stage(Bob.Id));

        await App.AdvanceAsync(TimeSpan.FromDays(1) - TimeSpan.FromMinutes(1));
        Assert.Equal("pendingApproval", await Admin.StatusOfAsync(request));
        await App.AdvanceAsync(TimeSpan.FromMinutes(1));

        Assert.Equal("timedOut", await Admin.StatusOfAsync(request));
    }

    [Fact]
    public async Task The_requester_may_cancel_a_pending_request_and_nothing_is_left_to_decide()
    {
        var (role, request) = await AlicePendingAsync(ApprovalScenario.Stage(Bob.Id));

        (await Alice.Client.PostAsync($"/api/v1/requests/{request}/cancel")).ShouldBe(200);

        Assert.Empty(await Bob.Client.AwaitingMeAsync());
        (await Bob.Client.ApproveAsync(request)).ShouldFail(409, "already_decided");
        Assert.Equal("canceled", await Admin.StatusOfAsync(request));
        Assert.Empty(await Admin.OpenAssignmentsAsync(Alice.Id, role, "active"));
    }

    [Fact]
    public async Task Extending_an_activation_of_a_role_that_needs_approval_waits_for_approval_too()
    {
        var (role, request) = await AlicePendingAsync(ApprovalScenario.Stage(Bob.Id));
        (await Bob.Client.ApproveAsync(request)).ShouldBe(200);
        var activation = Assert.Single(await Admin.OpenAssignmentsAsync(Alice.Id, role, "active")).GetProperty("id").GetGuid();

        var extension = (await Alice.Client.PostAsync("/api/v1/requests", new
        {
            action = "selfExtend",
            targetAssignmentId = activation,
            schedule = Scenario.For("PT4H"),
            justification = "The migration is running long",
        })).ShouldBe(201);

        Assert.Equal("pendingApproval", extension["status"].GetString());
        Assert.Equal(Now.AddHours(2), (await Admin.AssignmentAsync(activation))["endsAt"].GetDateTimeOffset());
        Assert.Equal([extension.Id], await Bob.Client.AwaitingMeAsync());
        Assert.Equal("provisioned", ApprovalScenario.StatusAfter(await Bob.Client.ApproveAsync(extension.Id)));
        Assert.Equal(Now.AddHours(4), (await Admin.AssignmentAsync(activation))["endsAt"].GetDateTimeOffset());
    }

    [Fact]
    public async Task A_waiting_request_keeps_the_approvers_it_was_submitted_with()
    {
        var (role, request) = await AlicePendingAsync(ApprovalScenario.Stage(Bob.Id));

        (await Admin.RequireApprovalAsync(role, [ApprovalScenario.Stage(Carol.Id)])).ShouldBe(200);

        Assert.Empty(await Carol.Client.AwaitingMeAsync());
        (await Carol.Client.ApproveAsync(request)).ShouldFail(404, "request_not_found");
        Assert.Equal("provisioned", ApprovalScenario.StatusAfter(await Bob.Client.ApproveAsync(request)));
    }

    [Fact]
    public async Task A_waiting_request_whose_eligibility_is_removed_is_revoked_and_can_no_longer_be_approved()
    {
        var role = await Admin.CreateRoleAsync("db-admin");
        (await Admin.RequireApprovalAsync(role, [ApprovalScenario.Stage(Bob.Id)])).ShouldBe(200);
        var eligibility = await Admin.MakeEligibleAsync(Alice.Id, role);
        var request = await Alice.Client.ActivatePendingAsync(role);

        (await Admin.RemoveAsync(eligibility)).ShouldBe(201);

        Assert.Equal("revoked", await Admin.StatusOfAsync(request));
        Assert.Empty(await Bob.Client.AwaitingMeAsync());
        (await Bob.Client.ApproveAsync(request)).ShouldFail(409, "already_decided");
        Assert.False(await Admin.IsAllowedAsync("alice", role, "/"));
    }

    [Fact]
    public async Task Approving_the_request_of_someone_disabled_meanwhile_grants_nothing()
    {
        var (role, request) = await AlicePendingAsync(ApprovalScenario.Stage(Bob.Id));

        (await Admin.PatchAsync($"/api/v1/principals/{Alice.Id}", new { enabled = false })).ShouldBe(200);
        var answer = await Bob.Client.ApproveAsync(request);

        Assert.True(answer.Status == 409 || (answer.Status == 200 && ApprovalScenario.StatusAfter(answer) == "revoked"), $"HTTP {answer.Status}: {answer.Body}");
        Assert.NotEqual("provisioned", await Admin.StatusOfAsync(request));
        Assert.Empty(await Admin.OpenAssignmentsAsync(Alice.Id, role, "active"));
    }

    [Fact]
    public async Task Bulk_decisions_decide_each_request_on_its_own_and_report_each_outcome()
    {
        var (_, first) = await AlicePendingAsync(ApprovalScenario.Stage(Bob.Id));
        var second = await Alice.Client.ActivatePendingAsync(await Admin.RoleNeedingApprovalAsync(Alice.Id, "web-admin", null, false, ApprovalScenario.Stage(Bob.Id)));
        var notBobs = await Alice.Client.ActivatePendingAsync(await Admin.RoleNeedingApprovalAsync(Alice.Id, "dns-admin", null, false, ApprovalScenario.Stage(Carol.Id)));

        var results = (await Bob.Client.DecideAllAsync(
            ApprovalScenario.Decision(first, "approve"),
            ApprovalScenario.Decision(second, "deny"),
            ApprovalScenario.Decision(second, "deny", "Not during the change freeze"),
            ApprovalScenario.Decision(notBobs, "approve"))).ShouldBe(200)["results"].EnumerateArray().ToList();

        Assert.Equal(4, results.Count);
        Assert.Equal("provisioned", results[0].GetProperty("status").GetString());
        Assert.Equal("required", results[1].GetProperty("problem").GetProperty("code").GetString());
        Assert.Equal("denied", results[2].GetProperty("status").GetString());
        Assert.Equal("request_not_found", results[3].GetProperty("problem").GetProperty("code").GetString());
        Assert.Equal(first, results[0].GetProperty("requestId").GetGuid());
        Assert.Equal("provisioned", await Admin.StatusOfAsync(first));
        Assert.Equal("denied", await Admin.StatusOfAsync(second));
        await AssertUndecidedAsync(notBobs);
    }
}

public sealed class ApprovalWorkflowTestsOnSqlite() : ApprovalWorkflowTests(DatabaseKind.Sqlite);

public sealed class ApprovalWorkflowTestsOnPostgres() : ApprovalWorkflowTests(DatabaseKind.Postgres);
