using Elevate.Core.Roles;
using Elevate.Server.Tests.Infrastructure;

namespace Elevate.Server.Tests.Approvals;

/// <summary>
/// A holder's ask to renew or extend what an administrator assigned waits for the administrators of its scope (not
/// for the role's activation approvers), for seven days at most; an administrator who asks cannot approve their own.
/// </summary>
public abstract class AdministratorAskTests(DatabaseKind kind) : ApprovalTest(kind)
{
    [Fact]
    public async Task Asking_to_renew_an_expired_eligibility_waits_for_the_scopes_administrators_whose_approval_renews_it()
    {
        var (role, expired) = await AliceExpiredEligibilityAsync();

        var ask = await AskToRenewAsync(expired);

        Assert.Contains(ask, await Admin.AwaitingMeAsync());
        Assert.Empty(await Bob.Client.AwaitingMeAsync());
        (await Bob.Client.ApproveAsync(ask)).ShouldFail(404, "request_not_found");
        Assert.True((await Admin.ApprovalAsync(ask))["stages"][0].GetProperty("scopeAdministrators").GetBoolean());
        var decided = (await Admin.ApproveAsync(ask)).ShouldBe(200);

        Assert.Equal("provisioned", ApprovalScenario.StatusAfter(decided));
        var renewed = Assert.Single(await Admin.OpenAssignmentsAsync(Alice.Id, role, "eligible"));
        Assert.Equal(expired, renewed.GetProperty("renewedFromId").GetGuid());
        Assert.Equal("administrator", renewed.GetProperty("origin").GetString());
        Assert.Equal(Now.AddDays(30), renewed.GetProperty("endsAt").GetDateTimeOffset());
        Assert.Equal(renewed.GetProperty("id").GetGuid(), decided["request"].GetProperty("resultAssignmentId").GetGuid());
    }

    [Fact]
    public async Task A_privileged_role_administrator_of_the_scope_may_approve_a_renewal()
    {
        var (role, expired) = await AliceExpiredEligibilityAsync();
        (await Admin.AssignAsync("active", Carol.Id, BuiltInRoles.IdOf(BuiltInRole.PrivilegedRoleAdministrator), "/prod", Scenario.Permanent)).ShouldBe(201);
        var ask = await AskToRenewAsync(expired);

        Assert.Equal([ask], await Carol.Client.AwaitingMeAsync());
        Assert.Equal("provisioned", ApprovalScenario.StatusAfter(await Carol.Client.ApproveAsync(ask)));
        Assert.Single(await Admin.OpenAssignmentsAsync(Alice.Id, role, "eligible"));
    }

    [Fact]
    public async Task An_administrator_cannot_approve_their_own_renewal()
    {
        (await Admin.AssignAsync("active", Alice.Id, BuiltInRoles.IdOf(BuiltInRole.PrivilegedRoleAdministrator), "/", Scenario.Permanent)).ShouldBe(201);
        var (_, expired) = await AliceExpiredEligibilityAsync();
        var ask = await AskToRenewAsync(expired);

        Assert.DoesNotContain(ask, await Alice.Client.AwaitingMeAsync());
        (await Alice.Client.ApproveAsync(ask)).ShouldFail(403, "self_approval_forbidden");

        await AssertUndecidedAsync(ask);
        Assert.Equal("provisioned", ApprovalScenario.StatusAfter(await Admin.ApproveAsync(ask)));
    }

    [Fact]
    public async Task A_renewal_nobody_answers_times_out_after_seven_days()
    {
        var (_, expired) = await AliceExpiredEligibilityAsync();
        var ask = await AskToRenewAsync(expired);

        await App.AdvanceAsync(TimeSpan.FromDays(7) - TimeSpan.FromMinutes(1));
        Assert.Equal("pendingApproval", await Admin.StatusOfAsync(ask));
        await App.AdvanceAsync(TimeSpan.FromMinutes(1));

        Assert.Equal("timedOut", await Admin.StatusOfAsync(ask));
        (await Admin.ApproveAsync(ask)).ShouldFail(409, "already_decided");
    }

    [Fact]
    public async Task Approving_a_renewal_never_leaves_two_open_assignments_of_the_same_kind()
    {
        var (role, expired) = await AliceExpiredEligibilityAsync();
        var ask = await AskToRenewAsync(expired);
        (await Admin.AssignAsync("eligible", Alice.Id, role, "/prod", Scenario.Permanent)).ShouldBe(201);

        var answer = await Admin.ApproveAsync(ask);

        Assert.True(answer.Status == 409 || (answer.Status == 200 && ApprovalScenario.StatusAfter(answer) == "revoked"),
            $"Approving a renewal while an equal assignment is open must not grant a second one; got HTTP {answer.Status}: {answer.Body}");
        Assert.Single(await Admin.OpenAssignmentsAsync(Alice.Id, role, "eligible"));
    }

    [Fact]
    public async Task Asking_to_extend_an_assigned_role_waits_for_the_scopes_administrators_whose_approval_extends_it()
    {
        var role = await Admin.CreateRoleAsync("db-admin");
        var assigned = (await Admin.AssignAsync("active", Alice.Id, role, "/prod", Scenario.For("P2D"))).ShouldBe(201)["resultAssignmentId"].GetGuid();
        var newEnd = Now.AddDays(10);

        var ask = (await Alice.Client.PostAsync("/api/v1/requests", new
        {
            action = "selfExtend",
            targetAssignmentId = assigned,
            schedule = Scenario.Until(newEnd),
            justification = "The audit runs another week",
        })).ShouldBe(201);

        Assert.Equal("pendingApproval", ask["status"].GetString());
        Assert.Equal(Now.AddDays(2), (await Admin.AssignmentAsync(assigned))["endsAt"].GetDateTimeOffset());
        Assert.Equal("provisioned", ApprovalScenario.StatusAfter(await Admin.ApproveAsync(ask.Id)));
        Assert.Equal(newEnd, (await Admin.AssignmentAsync(assigned))["endsAt"].GetDateTimeOffset());
    }

    /// <summary>An eligibility of a new role the administrator gave alice at /prod for an hour, now expired.</summary>
    private async Task<(Guid Role, Guid Expired)> AliceExpiredEligibilityAsync()
    {
        var role = await Admin.CreateRoleAsync("db-admin");
        var eligibility = await Admin.MakeEligibleAsync(Alice.Id, role, "/prod", Scenario.For("PT1H"));
        await App.AdvanceAsync(TimeSpan.FromHours(2));
        Assert.Equal("expired", (await Admin.AssignmentAsync(eligibility))["status"].GetString());
        return (role, eligibility);
    }

    private async Task<Guid> AskToRenewAsync(Guid expired)
    {
        var ask = (await Alice.Client.PostAsync("/api/v1/requests", new
        {
            action = "selfRenew",
            targetAssignmentId = expired,
            schedule = Scenario.For("P30D"),
            justification = "Still on the database team",
        })).ShouldBe(201);
        Assert.Equal("pendingApproval", ask["status"].GetString());
        return ask.Id;
    }
}

public sealed class AdministratorAskTestsOnSqlite() : AdministratorAskTests(DatabaseKind.Sqlite);

public sealed class AdministratorAskTestsOnPostgres() : AdministratorAskTests(DatabaseKind.Postgres);
