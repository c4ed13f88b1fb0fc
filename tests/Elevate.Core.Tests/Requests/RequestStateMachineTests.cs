using Elevate.Core.Requests;

namespace Elevate.Core.Tests.Requests;

public sealed class RequestStateMachineTests
{
    private static readonly DateTimeOffset Now = Facts.Now;

    /// <summary>The transitions the status documentation describes; every other pair is forbidden.</summary>
    private static readonly HashSet<(RequestStatus From, RequestStatus To)> Documented =
    [
        // Waiting for a decision: approved (now or for later), denied, withdrawn, taken away, or out of time.
        (RequestStatus.PendingApproval, RequestStatus.Scheduled),
        (RequestStatus.PendingApproval, RequestStatus.Provisioned),
        (RequestStatus.PendingApproval, RequestStatus.Denied),
        (RequestStatus.PendingApproval, RequestStatus.Canceled),
        (RequestStatus.PendingApproval, RequestStatus.Revoked),
        (RequestStatus.PendingApproval, RequestStatus.TimedOut),

        // Accepted for a later start: it starts, is withdrawn, or is taken away before it begins.
        (RequestStatus.Scheduled, RequestStatus.Provisioned),
        (RequestStatus.Scheduled, RequestStatus.Canceled),
        (RequestStatus.Scheduled, RequestStatus.Revoked),
    ];

    public static TheoryData<RequestStatus, RequestStatus> AllPairs
    {
        get
        {
            var pairs = new TheoryData<RequestStatus, RequestStatus>();
            foreach (var from in Enum.GetValues<RequestStatus>())
            {
                foreach (var to in Enum.GetValues<RequestStatus>())
                {
                    pairs.Add(from, to);
                }
            }

            return pairs;
        }
    }

    public static TheoryData<RequestStatus> AllStatuses => [.. Enum.GetValues<RequestStatus>()];

    [Theory]
    [MemberData(nameof(AllPairs))]
    public void A_request_moves_only_along_the_documented_transitions(RequestStatus from, RequestStatus to)
    {
        Assert.Equal(Documented.Contains((from, to)), RequestStateMachine.CanMove(from, to));
    }

    [Theory]
    [MemberData(nameof(AllStatuses))]
    public void A_final_status_never_moves_and_a_status_that_never_moves_is_final(RequestStatus status)
    {
        var movesSomewhere = Enum.GetValues<RequestStatus>().Any(to => RequestStateMachine.CanMove(status, to));

        Assert.Equal(!movesSomewhere, RequestStateMachine.IsFinal(status));
    }

    [Theory]
    [InlineData(RequestStatus.PendingApproval, false)]
    [InlineData(RequestStatus.Scheduled, false)]
    [InlineData(RequestStatus.Provisioned, true)]
    [InlineData(RequestStatus.Denied, true)]
    [InlineData(RequestStatus.Canceled, true)]
    [InlineData(RequestStatus.Revoked, true)]
    [InlineData(RequestStatus.TimedOut, true)]
    public void Only_pending_and_scheduled_requests_are_not_final(RequestStatus status, bool final)
    {
        Assert.Equal(final, RequestStateMachine.IsFinal(status));
    }

    [Theory]
    [MemberData(nameof(AllStatuses))]
    public void Only_pending_and_scheduled_requests_can_be_canceled(RequestStatus status)
    {
        var expected = status is RequestStatus.PendingApproval or RequestStatus.Scheduled;

        Assert.Equal(expected, RequestStateMachine.IsCancelable(status));
    }

    [Fact]
    public void Moving_a_request_to_a_final_status_records_when_it_completed()
    {
        var request = new AssignmentRequest { Status = RequestStatus.PendingApproval };

        request.MoveTo(RequestStatus.Denied, Now, "Not during the freeze.");

        Assert.Equal(RequestStatus.Denied, request.Status);
        Assert.Equal(Now, request.CompletedAt);
        Assert.Equal("Not during the freeze.", request.StatusReason);
    }

    [Fact]
    public void Moving_a_request_to_a_status_that_is_not_final_leaves_it_incomplete()
    {
        var request = new AssignmentRequest { Status = RequestStatus.PendingApproval };

        request.MoveTo(RequestStatus.Scheduled, Now);

        Assert.Equal(RequestStatus.Scheduled, request.Status);
        Assert.Null(request.CompletedAt);
    }

    [Fact]
    public void Moving_a_request_along_a_forbidden_transition_throws_and_changes_nothing()
    {
        var completedAt = Now - TimeSpan.FromHours(1);
        var request = new AssignmentRequest { Status = RequestStatus.Denied, CompletedAt = completedAt };

        Assert.Throws<InvalidOperationException>(() => request.MoveTo(RequestStatus.Provisioned, Now));
        Assert.Equal(RequestStatus.Denied, request.Status);
        Assert.Equal(completedAt, request.CompletedAt);
    }
}
