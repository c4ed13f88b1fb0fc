using System.Text.Json;
using Elevate.Core.Common.Json;

namespace Elevate.Core.Approvals;

/// <summary>
/// Who must decide a request, fixed when it is submitted: later changes to role settings or to the requester's
/// manager do not move the goalposts of a request already waiting.
/// </summary>
public sealed record ApprovalPlan(IReadOnlyList<PlannedStage> Stages, bool RequireMfa)
{
    public string ToJson() => JsonSerializer.Serialize(this, ElevateJson.Options);

    public static ApprovalPlan FromJson(string json) =>
        JsonSerializer.Deserialize<ApprovalPlan>(json, ElevateJson.Options) ?? throw new InvalidOperationException("An approval plan is empty.");
}

/// <summary>
/// One stage as planned: the approvers named (users or groups), the requester's manager when the stage includes them,
/// or the administrators of the request's scope (for a holder's request to extend or renew what an administrator
/// assigned).
/// </summary>
public sealed record PlannedStage(
    IReadOnlyList<Guid> Approvers,
    Guid? Manager,
    bool ScopeAdministrators,
    int Quorum,
    TimeSpan Timeout,
    TimeSpan? EscalateAfter,
    IReadOnlyList<Guid> EscalationApprovers,
    bool RequireReason);
