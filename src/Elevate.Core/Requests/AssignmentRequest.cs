using Elevate.Core.Assignments;
using Elevate.Core.Persistence;

namespace Elevate.Core.Requests;

/// <summary>
/// Every change to an assignment is a request: who asked for what, why, with which window, and what became of it.
/// Requests are kept forever; they are the history the audit trail points into.
/// </summary>
public sealed class AssignmentRequest : IVersioned
{
    public Guid Id { get; set; }

    public RequestAction Action { get; set; }

    public AssignmentKind AssignmentKind { get; set; }

    /// <summary>Whose assignment this is about.</summary>
    public Guid PrincipalId { get; set; }

    public Guid RoleId { get; set; }

    public string Scope { get; set; } = "/";

    /// <summary>The assignment acted on, for every action but adminAssign and selfActivate.</summary>
    public Guid? TargetAssignmentId { get; set; }

    /// <summary>The eligibility an activation was checked against.</summary>
    public Guid? EligibilityId { get; set; }

    public DateTimeOffset? StartsAt { get; set; }

    public DateTimeOffset? EndsAt { get; set; }

    /// <summary>The requested length, kept so that approval can start the clock when access starts.</summary>
    public TimeSpan? Duration { get; set; }

    public ExpirationType? Expiration { get; set; }

    public string? Justification { get; set; }

    public string? TicketSystem { get; set; }

    public string? TicketNumber { get; set; }

    /// <summary>Who asked; null when Elevate itself made the request (the first administrator's assignment).</summary>
    public Guid? RequestedById { get; set; }

    public Guid? RequestedWithTokenId { get; set; }

    public DateTimeOffset CreatedAt { get; set; }

    public RequestStatus Status { get; set; }

    public DateTimeOffset? CompletedAt { get; set; }

    /// <summary>Why the request is in its status when that is not obvious (e.g. "eligibility removed").</summary>
    public string? StatusReason { get; set; }

    /// <summary>The assignment this request created or changed.</summary>
    public Guid? ResultAssignmentId { get; set; }

    public bool RequiresApproval { get; set; }

    public bool RequiresMfa { get; set; }

    /// <summary>The fresh second factor presented with this request (<c>totp</c> or <c>webauthn</c>), if any.</summary>
    public string? MfaMethod { get; set; }

    /// <summary>Who must decide, fixed at submission (<see cref="Approvals.ApprovalPlan"/> as JSON); null without approval.</summary>
    public string? ApprovalPlan { get; set; }

    /// <summary>The stage waiting for decisions, from 1 (0 without approval).</summary>
    public int ApprovalStage { get; set; }

    public DateTimeOffset? StageStartedAt { get; set; }

    /// <summary>When the current stage times out; the scheduler ends the request then.</summary>
    public DateTimeOffset? StageDueAt { get; set; }

    /// <summary>While waiting: when the current stage escalates and its escalation approvers are to be told, or null.</summary>
    public DateTimeOffset? NoticeAt { get; set; }

    public string? IdempotencyKey { get; set; }

    /// <summary>SHA-256 of the request's content, to tell a retry from a different request with the same key.</summary>
    public string? Fingerprint { get; set; }

    public int Version { get; set; }

    /// <summary>Moves to <paramref name="to"/>, or throws: callers check <see cref="RequestStateMachine"/> first.</summary>
    public void MoveTo(RequestStatus to, DateTimeOffset now, string? reason = null)
    {
        if (!RequestStateMachine.CanMove(Status, to))
        {
            throw new InvalidOperationException($"Request {Id} cannot move from {Status} to {to}.");
        }

        Status = to;
        StatusReason = reason ?? StatusReason;
        if (RequestStateMachine.IsFinal(to))
        {
            CompletedAt = now;
        }
    }
}
