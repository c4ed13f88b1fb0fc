using Elevate.Core.Assignments;
using Elevate.Core.Audit;

namespace Elevate.Core.Requests;

/// <summary>Audit records about requests.</summary>
public static class RequestAudit
{
    public static AuditRecord Record(string action, AssignmentRequest r, AssignmentAudit names, object? details = null, AuditOutcome outcome = AuditOutcome.Succeeded)
    {
        var template = names.Record(action, new Assignment { PrincipalId = r.PrincipalId, RoleId = r.RoleId, Scope = r.Scope });
        return template with
        {
            Outcome = outcome,
            AssignmentId = r.ResultAssignmentId ?? r.TargetAssignmentId,
            RequestId = r.Id,
            Justification = r.Justification,
            TicketSystem = r.TicketSystem,
            TicketNumber = r.TicketNumber,
            Details = AuditDetails.Of(details ?? new
            {
                action = r.Action,
                kind = r.AssignmentKind,
                status = r.Status,
                statusReason = r.StatusReason,
                startsAt = r.StartsAt,
                endsAt = r.EndsAt,
                duration = r.Duration,
                requiresApproval = r.RequiresApproval,
                requiresMfa = r.RequiresMfa,
                mfaMethod = r.MfaMethod,
            }),
        };
    }
}
