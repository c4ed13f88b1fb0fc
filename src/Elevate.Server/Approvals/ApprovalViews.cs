using Elevate.Core.Approvals;
using Elevate.Server.Api;

namespace Elevate.Server.Approvals;

/// <summary>Where one stage stands.</summary>
public enum StageProgress
{
    Upcoming,
    Waiting,
    Approved,
    Denied,
    Ended,
}

public sealed record StageView(
    int Number, IReadOnlyList<Guid> Approvers, Guid? Manager, bool ScopeAdministrators, int Quorum, TimeSpan Timeout,
    TimeSpan? EscalateAfter, IReadOnlyList<Guid> EscalationApprovers, bool RequireReason, StageProgress Progress,
    DateTimeOffset? StartedAt, DateTimeOffset? DueAt);

public sealed record DecisionView(int Stage, Guid ApproverId, string ApproverName, ApprovalVerdict Verdict, string? Reason, string? MfaMethod, DateTimeOffset DecidedAt)
{
    public static DecisionView From(ApprovalDecision d) => new(d.Stage, d.ApproverId, d.ApproverName, d.Verdict, d.Reason, d.MfaMethod, d.DecidedAt);
}

/// <summary>A request's approval: every stage with its progress, and every decision.</summary>
public sealed record ApprovalView(int CurrentStage, bool RequireMfa, IReadOnlyList<StageView> Stages, IReadOnlyList<DecisionView> Decisions)
{
    public static ApprovalView From(ApprovalState state)
    {
        var request = state.Request;
        var pending = request.Status == Elevate.Core.Requests.RequestStatus.PendingApproval;
        var stages = state.Plan.Stages.Select((s, i) =>
        {
            var number = i + 1;
            var verdicts = state.Decisions.Where(d => d.Stage == number).Select(d => d.Verdict).ToList();
            var progress = ApprovalRules.State(s, verdicts) switch
            {
                StageState.Approved => StageProgress.Approved,
                StageState.Denied => StageProgress.Denied,
                StageState.Waiting when number == request.ApprovalStage => pending ? StageProgress.Waiting : StageProgress.Ended,
                StageState.Waiting => number > request.ApprovalStage && pending ? StageProgress.Upcoming : StageProgress.Ended,
            };
            var current = number == request.ApprovalStage;
            return new StageView(number, s.Approvers, s.Manager, s.ScopeAdministrators, s.Quorum, s.Timeout, s.EscalateAfter, s.EscalationApprovers,
                s.RequireReason, progress, current ? request.StageStartedAt : null, current && pending ? request.StageDueAt : null);
        }).ToList();
        return new ApprovalView(request.ApprovalStage, state.Plan.RequireMfa, stages, state.Decisions.Select(DecisionView.From).ToList());
    }
}

/// <summary>A request and its approval, as a decision returns them.</summary>
public sealed record DecidedView(RequestView Request, ApprovalView Approval);
