using Elevate.Core.Assignments;
using Elevate.Core.Audit;
using Elevate.Core.Principals;
using Elevate.Core.Requests;
using Elevate.Core.Roles;
using Elevate.Core.Settings;
using Elevate.Core.Tokens;

namespace Elevate.Server.Api;

/// <summary>A page of results; pass <see cref="NextCursor"/> as <c>cursor</c> for the next one.</summary>
public sealed record PageView<T>(IReadOnlyList<T> Items, string? NextCursor);

public sealed record PrincipalView(
    Guid Id, PrincipalKind Kind, string Name, string DisplayName, string? Email, Guid? ManagerId, string? Description,
    bool Enabled, DateTimeOffset CreatedAt, DateTimeOffset? DisabledAt, int Version)
{
    public static PrincipalView From(Principal p) =>
        new(p.Id, p.Kind, p.Name, p.DisplayName, p.Email, p.ManagerId, p.Description, p.Enabled, p.CreatedAt, p.DisabledAt, p.Version);
}

public sealed record RoleView(Guid Id, string Name, string? Description, bool IsPrivileged, BuiltInRole? BuiltIn, DateTimeOffset CreatedAt, int Version)
{
    public static RoleView From(Role r) => new(r.Id, r.Name, r.Description, r.IsPrivileged, r.BuiltIn, r.CreatedAt, r.Version);
}

/// <summary>A settings document where it is stored; <see cref="Warnings"/> (when saving) says what it will do to requests.</summary>
public sealed record RoleSettingsView(Guid RoleId, string Scope, RoleSettings Settings, DateTimeOffset UpdatedAt, Guid? UpdatedById, int Version,
    IReadOnlyList<Problems.ProblemItem>? Warnings = null)
{
    public static RoleSettingsView From(RoleSettingsRecord s) => new(s.RoleId, s.Scope, s.Settings, s.UpdatedAt, s.UpdatedById, s.Version);
}

public sealed record AssignmentView(
    Guid Id, AssignmentKind Kind, AssignmentOrigin Origin, Guid PrincipalId, Guid RoleId, string Scope,
    DateTimeOffset StartsAt, DateTimeOffset? EndsAt, AssignmentStatus Status, bool InForce, Guid? EligibilityId,
    Guid CreatedByRequestId, Guid? RenewedFromId, DateTimeOffset? EndedAt, EndReason? EndReason, DateTimeOffset CreatedAt, int Version)
{
    public static AssignmentView From(Assignment a, DateTimeOffset now) => new(
        a.Id, a.Kind, a.Origin, a.PrincipalId, a.RoleId, a.Scope, a.StartsAt, a.EndsAt, a.Status, a.IsInForceAt(now), a.EligibilityId,
        a.CreatedByRequestId, a.RenewedFromId, a.EndedAt, a.EndReason, a.CreatedAt, a.Version);
}

public sealed record ScheduleView(DateTimeOffset? StartsAt, DateTimeOffset? EndsAt, TimeSpan? Duration, ExpirationType? Expiration);

public sealed record RequestView(
    Guid Id, RequestAction Action, AssignmentKind Kind, Guid PrincipalId, Guid RoleId, string Scope, Guid? TargetAssignmentId,
    Guid? EligibilityId, ScheduleView Schedule, string? Justification, TicketInput? Ticket, Guid? RequestedById,
    DateTimeOffset CreatedAt, RequestStatus Status, string? StatusReason, DateTimeOffset? CompletedAt, Guid? ResultAssignmentId,
    bool RequiresApproval, bool RequiresMfa, string? MfaMethod, AssignmentView? Assignment)
{
    public static RequestView From(AssignmentRequest r, Assignment? assignment, DateTimeOffset now) => new(
        r.Id, r.Action, r.AssignmentKind, r.PrincipalId, r.RoleId, r.Scope, r.TargetAssignmentId, r.EligibilityId,
        new ScheduleView(r.StartsAt, r.EndsAt, r.Duration, r.Expiration), r.Justification,
        r.TicketNumber is null ? null : new TicketInput(r.TicketSystem, r.TicketNumber), r.RequestedById, r.CreatedAt, r.Status,
        r.StatusReason, r.CompletedAt, r.ResultAssignmentId, r.RequiresApproval, r.RequiresMfa, r.MfaMethod,
        assignment is null ? null : AssignmentView.From(assignment, now));
}

public sealed record TokenView(Guid Id, Guid PrincipalId, string Name, string Prefix, DateTimeOffset CreatedAt, DateTimeOffset ExpiresAt,
    DateTimeOffset? RevokedAt, DateTimeOffset? LastUsedAt, string? LastUsedFrom)
{
    public static TokenView From(ApiToken t) => new(t.Id, t.PrincipalId, t.Name, t.Prefix, t.CreatedAt, t.ExpiresAt, t.RevokedAt, t.LastUsedAt, t.LastUsedFrom);
}

/// <summary>A token with its secret: returned once, at creation. Store the secret now; Elevate keeps only its hash.</summary>
public sealed record IssuedTokenView(TokenView Token, string Secret);

public sealed record AuditEventView(
    long Sequence, Guid Id, DateTimeOffset OccurredAt, Guid? ActorId, string ActorName, Guid? ActorTokenId, string Action,
    AuditOutcome Outcome, Guid? PrincipalId, string? PrincipalName, Guid? RoleId, string? RoleName, string? Scope, Guid? RequestId,
    Guid? AssignmentId, string? Justification, string? TicketSystem, string? TicketNumber, string? ClientAddress, string? CorrelationId,
    string? Details, string PreviousHash, string Hash)
{
    public static AuditEventView From(AuditEvent e) => new(
        e.Sequence, e.Id, e.OccurredAt, e.ActorId, e.ActorName, e.ActorTokenId, e.Action, e.Outcome, e.PrincipalId, e.PrincipalName,
        e.RoleId, e.RoleName, e.Scope, e.RequestId, e.AssignmentId, e.Justification, e.TicketSystem, e.TicketNumber, e.ClientAddress,
        e.CorrelationId, e.Details, e.PreviousHash, e.Hash);
}
