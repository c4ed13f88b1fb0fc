using Elevate.Core.Requests;

namespace Elevate.Core.Approvals;

/// <summary>Where an approver stands on the current stage of a request.</summary>
public enum ApproverStanding
{
    /// <summary>May decide now.</summary>
    Approver,

    /// <summary>The requester: never, on any path (named, through a group, as their own manager, as an administrator).</summary>
    Requester,

    /// <summary>Not among this stage's approvers (or not yet: escalation has not begun).</summary>
    NotAnApprover,
}

/// <summary>How a stage stands after its decisions.</summary>
public enum StageState
{
    Waiting,
    Approved,
    Denied,
}

/// <summary>What is known about someone who wants to decide: who, whether enabled, the groups they are in, and whether they administer the scope.</summary>
public sealed record ApproverFacts(Guid Id, bool Enabled, IReadOnlyCollection<Guid> Groups, bool AdministersScope);

/// <summary>The approval workflow's rules, with no I/O: who may decide, when a stage is done, and what is granted.</summary>
public static class ApprovalRules
{
    /// <summary>How long a holder's request to an administrator (extend, renew) waits before it times out.</summary>
    public static readonly TimeSpan AskTimeout = TimeSpan.FromDays(7);

    public static bool IsEscalated(PlannedStage stage, DateTimeOffset stageStartedAt, DateTimeOffset now) =>
        stage.EscalateAfter is { } after && now >= stageStartedAt + after;

    public static ApproverStanding Standing(PlannedStage stage, ApproverFacts approver, Guid requesterId, bool escalated)
    {
        // Separation of duties comes first and has no exception.
        if (approver.Id == requesterId)
        {
            return ApproverStanding.Requester;
        }

        if (!approver.Enabled)
        {
            return ApproverStanding.NotAnApprover;
        }

        bool Named(IReadOnlyList<Guid> list) => list.Contains(approver.Id) || list.Any(approver.Groups.Contains);
        var may = Named(stage.Approvers)
            || (stage.Manager is { } manager && manager == approver.Id)
            || (stage.ScopeAdministrators && approver.AdministersScope)
            || (escalated && Named(stage.EscalationApprovers));
        return may ? ApproverStanding.Approver : ApproverStanding.NotAnApprover;
    }

    /// <summary>Any denial ends the request; enough approvals complete the stage.</summary>
    public static StageState State(PlannedStage stage, IEnumerable<ApprovalVerdict> verdicts)
    {
        var list = verdicts.ToList();
        return list.Contains(ApprovalVerdict.Deny) ? StageState.Denied
            : list.Count(v => v == ApprovalVerdict.Approve) >= stage.Quorum ? StageState.Approved
            : StageState.Waiting;
    }

    /// <summary>
    /// The window an approved request grants: from the requested start or the approval, whichever is later, for the
    /// whole requested length, so time spent waiting does not eat into it; never past <paramref name="limit"/> (the
    /// end of the eligibility it is made under).
    /// </summary>
    public static Schedule GrantWindow(DateTimeOffset? requestedStart, DateTimeOffset? requestedEnd, TimeSpan? length, DateTimeOffset approvedAt, DateTimeOffset? limit)
    {
        var start = requestedStart is { } s && s > approvedAt ? s : approvedAt;
        DateTimeOffset? end = length is { } l ? start + l : requestedEnd is { } e && requestedStart is { } rs ? start + (e - rs) : requestedEnd;
        if (limit is { } cap && (end is null || end > cap))
        {
            end = cap;
        }

        return new Schedule(start, end, end is { } x ? x - start : null);
    }
}
