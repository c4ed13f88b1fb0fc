using Elevate.Core.Audit;
using Elevate.Core.Persistence;
using Microsoft.EntityFrameworkCore;

namespace Elevate.Core.Assignments;

/// <summary>Audit records about assignments, with names resolved so the trail reads well years later.</summary>
public sealed class AssignmentAudit
{
    private readonly Dictionary<Guid, string> _principalNames = [];
    private readonly Dictionary<Guid, string> _roleNames = [];

    public void Know(Guid principalId, string principalName) => _principalNames[principalId] = principalName;

    public void KnowRole(Guid roleId, string roleName) => _roleNames[roleId] = roleName;

    /// <summary>Looks up the names of every principal and role in <paramref name="assignments"/> not known yet.</summary>
    public async Task LoadNamesAsync(ElevateDbContext db, IEnumerable<Assignment> assignments, CancellationToken ct)
    {
        var list = assignments.ToList();
        var principalIds = list.Select(a => a.PrincipalId).Where(id => !_principalNames.ContainsKey(id)).Distinct().ToList();
        var roleIds = list.Select(a => a.RoleId).Where(id => !_roleNames.ContainsKey(id)).Distinct().ToList();
        if (principalIds.Count > 0)
        {
            foreach (var p in await db.Principals.AsNoTracking().Where(p => principalIds.Contains(p.Id)).Select(p => new { p.Id, p.Name }).ToListAsync(ct))
            {
                _principalNames[p.Id] = p.Name;
            }
        }

        if (roleIds.Count > 0)
        {
            foreach (var r in await db.Roles.AsNoTracking().Where(r => roleIds.Contains(r.Id)).Select(r => new { r.Id, r.Name }).ToListAsync(ct))
            {
                _roleNames[r.Id] = r.Name;
            }
        }
    }

    public AuditRecord Record(string action, Assignment a, Guid? requestId = null, object? details = null) => new(action)
    {
        PrincipalId = a.PrincipalId,
        PrincipalName = _principalNames.GetValueOrDefault(a.PrincipalId),
        RoleId = a.RoleId,
        RoleName = _roleNames.GetValueOrDefault(a.RoleId),
        Scope = a.Scope,
        AssignmentId = a.Id,
        RequestId = requestId,
        Details = AuditDetails.Of(details ?? Describe(a)),
    };

    /// <summary>A record about an assignment changed by <paramref name="request"/>, carrying its justification and ticket.</summary>
    public AuditRecord Record(string action, Assignment a, Requests.AssignmentRequest request, object? details = null) =>
        Record(action, a, request.Id, details) with
        {
            Justification = request.Justification,
            TicketSystem = request.TicketSystem,
            TicketNumber = request.TicketNumber,
        };

    /// <summary>The assignment's state, as audit details.</summary>
    public static object Describe(Assignment a) => new
    {
        kind = a.Kind,
        origin = a.Origin,
        status = a.Status,
        startsAt = a.StartsAt,
        endsAt = a.EndsAt,
        endedAt = a.EndedAt,
        endReason = a.EndReason,
        eligibilityId = a.EligibilityId,
    };
}
