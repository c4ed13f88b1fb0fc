using System.Text.Json;
using Elevate.Server.Tests.Infrastructure;

namespace Elevate.Server.Tests.Approvals;

/// <summary>One approval stage as the settings API takes it; what is left null keeps its default.</summary>
public sealed record StageBody(IReadOnlyList<Guid> Approvers)
{
    public bool? RequesterManager { get; init; }

    public int? Quorum { get; init; }

    public string? Timeout { get; init; }

    public string? EscalateAfter { get; init; }

    public IReadOnlyList<Guid>? EscalationApprovers { get; init; }

    public bool? RequireReason { get; init; }
}

/// <summary>Short ways to set up and decide requests that wait for approval, all through the public API.</summary>
public static class ApprovalScenario
{
    public const string Decisions = "/api/v1/requests/decisions";

    public static StageBody Stage(params Guid[] approvers) => new(approvers);

    /// <summary>Makes activating <paramref name="roleId"/> wait for <paramref name="stages"/>.</summary>
    public static Task<ApiResponse> RequireApprovalAsync(this ApiClient admin, Guid roleId, IReadOnlyList<StageBody> stages, bool requireMfaToApprove = false) =>
        admin.PutAsync($"/api/v1/roles/{roleId}/settings", new { activation = new { approval = new { required = true, stages, requireMfaToApprove } } });

    /// <summary>A new role whose activation waits for <paramref name="stages"/>, with <paramref name="requesterId"/> eligible for it at '/'.</summary>
    public static async Task<Guid> RoleNeedingApprovalAsync(this ApiClient admin, Guid requesterId, params StageBody[] stages) =>
        await admin.RoleNeedingApprovalAsync(requesterId, "db-admin", null, false, stages);

    public static async Task<Guid> RoleNeedingApprovalAsync(
        this ApiClient admin, Guid requesterId, string name, object? eligibility, bool requireMfaToApprove, params StageBody[] stages)
    {
        var role = await admin.CreateRoleAsync(name);
        (await admin.RequireApprovalAsync(role, stages, requireMfaToApprove)).ShouldBe(200);
        await admin.MakeEligibleAsync(requesterId, role, "/", eligibility);
        return role;
    }

    /// <summary>Activates <paramref name="roleId"/> at '/' and checks that it waits for approval; returns the request's id.</summary>
    public static async Task<Guid> ActivatePendingAsync(this ApiClient requester, Guid roleId, string duration = "PT2H", DateTimeOffset? startsAt = null)
    {
        var submitted = (await requester.ActivateAsync(roleId, "/", Scenario.For(duration, startsAt))).ShouldBe(201);
        Assert.Equal("pendingApproval", submitted["status"].GetString());
        Assert.Equal(JsonValueKind.Null, submitted["resultAssignmentId"].ValueKind);
        return submitted.Id;
    }

    public static Task<ApiResponse> ApproveAsync(this ApiClient approver, Guid requestId, string? reason = null, object? mfa = null) =>
        approver.PostAsync($"/api/v1/requests/{requestId}/approve", new { reason, mfa });

    public static Task<ApiResponse> DenyAsync(this ApiClient approver, Guid requestId, string? reason = "Not during the change freeze", object? mfa = null) =>
        approver.PostAsync($"/api/v1/requests/{requestId}/deny", new { reason, mfa });

    public static Task<ApiResponse> DecideAllAsync(this ApiClient approver, params object[] decisions) =>
        approver.PostAsync(Decisions, new { decisions });

    public static object Decision(Guid requestId, string verdict, string? reason = null) => new { requestId, verdict, reason };

    /// <summary>The status a decision left the request in.</summary>
    public static string? StatusAfter(ApiResponse decided) => decided.ShouldBe(200)["request"].GetProperty("status").GetString();

    /// <summary>The ids of the requests waiting for the caller's decision.</summary>
    public static async Task<IReadOnlyList<Guid>> AwaitingMeAsync(this ApiClient caller) =>
        [.. (await caller.GetAsync("/api/v1/requests/awaiting-me")).ShouldBe(200)["items"].EnumerateArray().Select(r => r.GetProperty("id").GetGuid())];

    public static async Task<ApiResponse> ApprovalAsync(this ApiClient caller, Guid requestId) =>
        (await caller.GetAsync($"/api/v1/requests/{requestId}/approval")).ShouldBe(200);

    /// <summary>The progress of each stage (waiting, approved, ...), in order.</summary>
    public static async Task<IReadOnlyList<string?>> StageProgressAsync(this ApiClient caller, Guid requestId) =>
        [.. (await caller.ApprovalAsync(requestId))["stages"].EnumerateArray().Select(s => s.GetProperty("progress").GetString())];

    public static async Task<IReadOnlyList<JsonElement>> DecisionsAsync(this ApiClient caller, Guid requestId) =>
        [.. (await caller.ApprovalAsync(requestId))["decisions"].EnumerateArray()];

    public static async Task<string?> StatusOfAsync(this ApiClient admin, Guid requestId) => (await admin.RequestAsync(requestId))["status"].GetString();

    /// <summary>The audit events with this action about one request, oldest first.</summary>
    public static Task<IReadOnlyList<JsonElement>> RequestAuditAsync(this ApiClient admin, Guid requestId, string action) =>
        admin.AuditTrailAsync($"&requestId={requestId}&action={action}");

    public static JsonElement Details(JsonElement auditEvent) =>
        JsonDocument.Parse(auditEvent.GetProperty("details").GetString() ?? "{}").RootElement.Clone();

    /// <summary>The open assignments of a principal for a role, of one kind.</summary>
    public static async Task<IReadOnlyList<JsonElement>> OpenAssignmentsAsync(this ApiClient admin, Guid principalId, Guid roleId, string kind) =>
        [.. (await admin.GetAsync($"/api/v1/assignments?principalId={principalId}&roleId={roleId}&kind={kind}&state=open")).ShouldBe(200)["items"].EnumerateArray()];

    public static async Task<Guid> MyIdAsync(this ApiClient caller) => (await caller.GetAsync("/api/v1/me")).ShouldBe(200)["principal"].GetProperty("id").GetGuid();
}
