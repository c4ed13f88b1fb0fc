namespace Elevate.Core.Requests;

/// <summary>
/// The only transitions a request may make. Every transition is also guarded in the write (the row's version must
/// still be the one that was read), so two actors racing on one request produce one outcome and one loser.
/// </summary>
public static class RequestStateMachine
{
    public static bool CanMove(RequestStatus from, RequestStatus to) => from switch
    {
        RequestStatus.PendingApproval => to is RequestStatus.Scheduled or RequestStatus.Provisioned or RequestStatus.Denied
            or RequestStatus.Canceled or RequestStatus.Revoked or RequestStatus.TimedOut,
        RequestStatus.Scheduled => to is RequestStatus.Provisioned or RequestStatus.Canceled or RequestStatus.Revoked,
        RequestStatus.Provisioned => false,
        RequestStatus.Denied => false,
        RequestStatus.Canceled => false,
        RequestStatus.Revoked => false,
        RequestStatus.TimedOut => false,
    };

    /// <summary>A final request never changes again.</summary>
    public static bool IsFinal(RequestStatus status) => status switch
    {
        RequestStatus.PendingApproval => false,
        RequestStatus.Scheduled => false,
        RequestStatus.Provisioned => true,
        RequestStatus.Denied => true,
        RequestStatus.Canceled => true,
        RequestStatus.Revoked => true,
        RequestStatus.TimedOut => true,
    };

    /// <summary>Whether the requester (or an administrator) may still withdraw it.</summary>
    public static bool IsCancelable(RequestStatus status) => CanMove(status, RequestStatus.Canceled);
}
