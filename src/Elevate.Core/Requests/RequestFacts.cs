using Elevate.Core.Assignments;
using Elevate.Core.Principals;
using Elevate.Core.Roles;
using Elevate.Core.Settings;

namespace Elevate.Core.Requests;

public sealed record PrincipalFacts(Guid Id, PrincipalKind Kind, string Name, bool Enabled);

public sealed record RoleFacts(Guid Id, string Name, BuiltInRole? BuiltIn);

public sealed record TicketInput(string? System, string? Number);

/// <summary>
/// Everything the rules need to decide a request, loaded beforehand so that deciding does no I/O.
/// <see cref="Now"/> is read once, under the write lock, and used for every comparison.
/// </summary>
public sealed record RequestFacts
{
    public required RequestAction Action { get; init; }

    public required PrincipalFacts Requester { get; init; }

    public required PrincipalFacts Principal { get; init; }

    public required RoleFacts Role { get; init; }

    public required ScopePath Scope { get; init; }

    public required AssignmentKind Kind { get; init; }

    public required RoleSettings Settings { get; init; }

    public required DateTimeOffset Now { get; init; }

    public Schedule? Schedule { get; init; }

    public string? Justification { get; init; }

    public TicketInput? Ticket { get; init; }

    /// <summary>Whether the request carries a fresh second-factor proof for itself.</summary>
    public bool MfaPresented { get; init; }

    /// <summary>The assignment acted on (update, remove, extend, renew, deactivate).</summary>
    public Assignment? Target { get; init; }

    /// <summary>Open eligibilities of the requester or of their enabled groups, for this role, at the scope or above.</summary>
    public IReadOnlyList<Assignment> Eligibilities { get; init; } = [];

    /// <summary>An open activation of the same principal, role and scope, if any.</summary>
    public Assignment? OpenActivation { get; init; }

    /// <summary>An open assignment of the same kind, principal, role and scope (for assign and renew).</summary>
    public Assignment? Duplicate { get; init; }

    /// <summary>True when the request's principal is the requester, or a group the requester belongs to.</summary>
    public bool PrincipalIncludesRequester { get; init; }

    /// <summary>True when the change would leave no enabled user with a permanent active Elevate Administrator role.</summary>
    public bool RemovesLastAdministrator { get; init; }
}
