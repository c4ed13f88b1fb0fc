using Elevate.Core.Assignments;
using Elevate.Core.Common;

namespace Elevate.Core.Requests;

/// <summary>What a request needs, independent of whether it supplied it (the dry-run answer).</summary>
public sealed record Requirements(
    bool Justification,
    string? JustificationHint,
    bool Ticket,
    bool Mfa,
    bool Approval,
    IReadOnlyList<Guid> Approvers,
    TimeSpan? MaxDuration);

/// <summary>
/// The rules' verdict on a request. Precedence is fixed and fails closed: any problem rejects the request; with no
/// problem, a required approval makes it wait; otherwise it takes effect (now or at its start).
/// </summary>
public sealed record RequestEvaluation(
    IReadOnlyList<ElevateError> Problems,
    Requirements Requirements,
    Schedule? Window,
    Assignment? Eligibility)
{
    public bool IsAccepted => Problems.Count == 0;

    /// <summary>The status an accepted request gets.</summary>
    public RequestStatus OutcomeAt(DateTimeOffset now) =>
        Requirements.Approval ? RequestStatus.PendingApproval
        : Window is { } window && window.StartsAt > now ? RequestStatus.Scheduled
        : RequestStatus.Provisioned;
}
