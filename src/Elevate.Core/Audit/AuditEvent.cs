namespace Elevate.Core.Audit;

/// <summary>
/// One link of the audit chain. <see cref="Hash"/> is SHA-256 over the previous event's hash and this event's
/// canonical content (see <see cref="AuditHasher"/>), so editing, removing or reordering any event breaks every
/// hash after it. Rows are append-only: Elevate never updates or deletes them.
/// </summary>
public sealed class AuditEvent
{
    /// <summary>1, 2, 3, ... without gaps, in commit order.</summary>
    public long Sequence { get; set; }

    public Guid Id { get; set; }

    public DateTimeOffset OccurredAt { get; set; }

    public Guid? ActorId { get; set; }

    public string ActorName { get; set; } = "";

    public Guid? ActorTokenId { get; set; }

    public string Action { get; set; } = "";

    public AuditOutcome Outcome { get; set; }

    public Guid? PrincipalId { get; set; }

    public string? PrincipalName { get; set; }

    public Guid? RoleId { get; set; }

    public string? RoleName { get; set; }

    public string? Scope { get; set; }

    public Guid? RequestId { get; set; }

    public Guid? AssignmentId { get; set; }

    public string? Justification { get; set; }

    public string? TicketSystem { get; set; }

    public string? TicketNumber { get; set; }

    public string? ClientAddress { get; set; }

    public string? CorrelationId { get; set; }

    public string? Details { get; set; }

    public string PreviousHash { get; set; } = "";

    public string Hash { get; set; } = "";
}
