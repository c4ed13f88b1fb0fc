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

    /// <summary>
    /// The status an accepted request gets. Only a request that creates a grant starting later is scheduled; a change
    /// to an existing assignment takes effect when it is accepted, even if the window it sets starts later.
    /// </summary>
    public RequestStatus OutcomeOf(RequestAction action, DateTimeOffset now) =>
        Requirements.Approval ? RequestStatus.PendingApproval
        : CreatesGrant(action) && Window is { } window && window.StartsAt > now ? RequestStatus.Scheduled
        : RequestStatus.Provisioned;

    public static bool CreatesGrant(RequestAction action) => action switch
    {
        RequestAction.AdminAssign or RequestAction.AdminRenew or RequestAction.SelfActivate or RequestAction.SelfRenew => true,
        RequestAction.AdminUpdate or RequestAction.AdminRemove or RequestAction.AdminExtend
            or RequestAction.SelfDeactivate or RequestAction.SelfExtend => false,
    };
}
