namespace Elevate.Core.Approvals;

/// <summary>One approver's decision on one stage of a request, with the reason and the fresh factor given.</summary>
public sealed class ApprovalDecision
{
    public Guid Id { get; set; }

    public Guid RequestId { get; set; }

    /// <summary>The stage decided, from 1.</summary>
    public int Stage { get; set; }

    public Guid ApproverId { get; set; }

    public string ApproverName { get; set; } = "";

    public ApprovalVerdict Verdict { get; set; }

    public string? Reason { get; set; }

    /// <summary>The fresh second factor presented (<c>totp</c>, <c>webauthn</c>) when the role requires one to approve.</summary>
    public string? MfaMethod { get; set; }

    public DateTimeOffset DecidedAt { get; set; }
}

/// <summary>What an approver decided.</summary>
public enum ApprovalVerdict
{
    Approve,
    Deny,
}
