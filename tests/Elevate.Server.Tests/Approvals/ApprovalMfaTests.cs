using System.Text.Json;
using Elevate.Server.Tests.Infrastructure;
using Elevate.Server.Tests.SignIn;

namespace Elevate.Server.Tests.Approvals;

/// <summary>
/// A role that requires MFA to approve takes a decision only with a fresh second factor sent with it: refused without
/// one (naming the approver's factors), refused with a wrong code, recorded with the factor used when it is right, and
/// never taken through bulk decisions, which carry no factor.
/// </summary>
public abstract class ApprovalMfaTests(DatabaseKind kind) : PortalTest(kind)
{
    [Fact]
    public async Task A_decision_without_a_fresh_factor_is_refused_naming_the_approvers_factors()
    {
        var (_, _, api, request) = await PendingForBobAsync();

        var approve = (await api.ApproveAsync(request)).ShouldFail(403, "mfa_required");
        (await api.DenyAsync(request)).ShouldFail(403, "mfa_required");

        Assert.Equal("mfa", approve.Field);
        Assert.Equal(["totp"], approve["factors"].EnumerateArray().Select(f => f.GetString()));
        Assert.Empty(await Admin.DecisionsAsync(request));
        Assert.Equal("pendingApproval", await Admin.StatusOfAsync(request));
    }

    [Fact]
    public async Task A_current_code_approves_and_the_decision_records_the_factor()
    {
        var (bob, role, api, request) = await PendingForBobAsync();

        var decided = await api.ApproveAsync(request, mfa: new { totp = NextCode(bob.TotpSecret!) });

        Assert.Equal("provisioned", ApprovalScenario.StatusAfter(decided));
        Assert.True(decided["approval"].GetProperty("requireMfa").GetBoolean());
        Assert.Equal("totp", Assert.Single(await Admin.DecisionsAsync(request)).GetProperty("mfaMethod").GetString());
        var given = Assert.Single(await Admin.RequestAuditAsync(request, "request.approval_given"));
        Assert.Equal("totp", ApprovalScenario.Details(given).GetProperty("mfa").GetString());
        Assert.True(await Admin.IsAllowedAsync("alice", role, "/"));
    }

    [Fact]
    public async Task A_wrong_code_is_refused_and_records_no_decision()
    {
        var (bob, _, api, request) = await PendingForBobAsync();

        (await api.ApproveAsync(request, mfa: new { totp = WrongCode(bob.TotpSecret!) })).ShouldFail(403, "mfa_invalid");

        Assert.Empty(await Admin.DecisionsAsync(request));
        Assert.Equal("pendingApproval", await Admin.StatusOfAsync(request));
    }

    [Fact]
    public async Task Bulk_decisions_refuse_a_request_whose_role_requires_mfa_to_approve()
    {
        var (_, _, api, request) = await PendingForBobAsync();

        var result = Assert.Single((await api.DecideAllAsync(ApprovalScenario.Decision(request, "approve"))).ShouldBe(200)["results"].EnumerateArray());

        Assert.Equal("mfa_required", result.GetProperty("problem").GetProperty("code").GetString());
        Assert.Equal(JsonValueKind.Null, result.GetProperty("status").ValueKind);
        Assert.Empty(await Admin.DecisionsAsync(request));
    }

    /// <summary>
    /// Alice's pending activation of a role whose approvals need MFA; bob (with an authenticator app and an API
    /// token) is its approver.
    /// </summary>
    private async Task<(PortalUser Bob, Guid Role, ApiClient BobApi, Guid Request)> PendingForBobAsync()
    {
        var bob = await UserWithTotpAsync("bob");
        var token = (await App.Anonymous().PostAsync("/api/v1/setup/redeem", new { secret = await SetupSecretAsync(bob.Id) })).ShouldBe(201)["secret"].GetString()!;
        var alice = await UserAsync("alice");
        var role = await Admin.RoleNeedingApprovalAsync(alice.Id, "db-admin", null, true, ApprovalScenario.Stage(bob.Id));
        return (bob, role, App.Client(token), await alice.Client.ActivatePendingAsync(role));
    }
}

public sealed class ApprovalMfaTestsOnSqlite() : ApprovalMfaTests(DatabaseKind.Sqlite);

public sealed class ApprovalMfaTestsOnPostgres() : ApprovalMfaTests(DatabaseKind.Postgres);
