namespace Elevate.Core.Audit;

/// <summary>
/// What a use case says happened; the change set adds the actor, time, sequence and hashes when it commits.
/// Names are copied in (not only ids) so the trail stays readable after renames.
/// </summary>
public sealed record AuditRecord(string Action)
{
    public AuditOutcome Outcome { get; init; } = AuditOutcome.Succeeded;

    public Guid? PrincipalId { get; init; }

    public string? PrincipalName { get; init; }

    public Guid? RoleId { get; init; }

    public string? RoleName { get; init; }

    public string? Scope { get; init; }

    public Guid? RequestId { get; init; }

    public Guid? AssignmentId { get; init; }

    public string? Justification { get; init; }

    public string? TicketSystem { get; init; }

    public string? TicketNumber { get; init; }

    /// <summary>A JSON object with whatever else matters: before/after, error codes, counts.</summary>
    public string? Details { get; init; }
}
