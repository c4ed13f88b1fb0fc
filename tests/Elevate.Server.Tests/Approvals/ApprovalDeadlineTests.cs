using Elevate.Server.Tests.Infrastructure;

namespace Elevate.Server.Tests.Approvals;

/// <summary>
/// A stage's timeout holds on its own, not only once the scheduler has marked the request timed out: a scheduler
/// that is late (stopped, busy, between passes) must not let an approval through after the deadline.
/// </summary>
public abstract class ApprovalDeadlineTests(DatabaseKind kind) : ApprovalTest(kind)
{
    protected override bool RunScheduler => false;

    [Fact]
    public async Task An_approval_after_the_stage_deadline_grants_nothing_even_before_the_scheduler_runs()
    {
        var (role, request) = await AlicePendingAsync(ApprovalScenario.Stage(Bob.Id) with { Timeout = "PT1H" });
        App.Time.Advance(TimeSpan.FromHours(1));

        var late = await Bob.Client.ApproveAsync(request);

        Assert.True(late.Status == 409, $"An approval after the stage's deadline was taken (HTTP {late.Status}): {late.Body}");
        Assert.False(await Admin.IsAllowedAsync("alice", role, "/"));
        Assert.Empty(await Admin.OpenAssignmentsAsync(Alice.Id, role, "active"));
    }

    [Fact]
    public async Task A_request_past_its_stage_deadline_is_not_offered_to_approvers()
    {
        var (_, request) = await AlicePendingAsync(ApprovalScenario.Stage(Bob.Id) with { Timeout = "PT1H" });
        Assert.Equal([request], await Bob.Client.AwaitingMeAsync());

        App.Time.Advance(TimeSpan.FromHours(1));

        Assert.Empty(await Bob.Client.AwaitingMeAsync());
    }
}

public sealed class ApprovalDeadlineTestsOnSqlite() : ApprovalDeadlineTests(DatabaseKind.Sqlite);

public sealed class ApprovalDeadlineTestsOnPostgres() : ApprovalDeadlineTests(DatabaseKind.Postgres);
