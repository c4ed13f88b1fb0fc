using Elevate.Core.Assignments;
using Elevate.Core.Persistence;
using Elevate.Core.Roles;
using Microsoft.EntityFrameworkCore;

namespace Elevate.Core.Principals;

/// <summary>
/// Elevate must never lock itself out: at least one enabled user keeps a permanent active Elevate Administrator
/// assignment at <c>/</c> (directly or through an enabled group). Time-bound assignments do not count, because they
/// expire. A change that would take the count from one or more to zero is refused.
/// </summary>
public static class AdministratorSafeguard
{
    /// <summary>One permanent active Elevate Administrator assignment and the enabled users it makes administrators.</summary>
    public sealed record Holder(Guid AssignmentId, Guid HolderId, IReadOnlyCollection<Guid> EnabledUsers);

    /// <summary>A change to test: an assignment gone, a user disabled, or a user out of a group.</summary>
    public sealed record Change(Guid? RemovedAssignmentId = null, Guid? DisabledPrincipalId = null, (Guid GroupId, Guid MemberId)? RemovedMembership = null);

    public static int CountAdministrators(IEnumerable<Holder> holders, Change? change = null)
    {
        var users = new HashSet<Guid>();
        foreach (var holder in holders)
        {
            if (holder.AssignmentId == change?.RemovedAssignmentId || holder.HolderId == change?.DisabledPrincipalId)
            {
                continue;
            }

            foreach (var user in holder.EnabledUsers)
            {
                var leftGroup = change?.RemovedMembership is { } m && m.GroupId == holder.HolderId && m.MemberId == user;
                if (user != change?.DisabledPrincipalId && !leftGroup)
                {
                    users.Add(user);
                }
            }
        }

        return users.Count;
    }

    public static bool WouldRemoveLast(IReadOnlyCollection<Holder> holders, Change change) =>
        CountAdministrators(holders) > 0 && CountAdministrators(holders, change) == 0;

    public static async Task<IReadOnlyCollection<Holder>> LoadHoldersAsync(ElevateDbContext db, DateTimeOffset now, CancellationToken ct)
    {
        var adminRoleId = BuiltInRoles.IdOf(BuiltInRole.ElevateAdministrator);
        var assignments = await db.Assignments.AsNoTracking()
            .Where(a => a.RoleId == adminRoleId && a.Kind == AssignmentKind.Active && a.Scope == "/" && a.EndsAt == null
                && (a.Status == AssignmentStatus.Scheduled || a.Status == AssignmentStatus.Active) && a.StartsAt <= now)
            .Select(a => new { a.Id, a.PrincipalId })
            .ToListAsync(ct);
        var holderIds = assignments.Select(a => a.PrincipalId).Distinct().ToList();
        var holders = await db.Principals.AsNoTracking().Where(p => holderIds.Contains(p.Id) && p.Enabled).ToDictionaryAsync(p => p.Id, ct);
        var groupIds = holders.Values.Where(p => p.Kind == PrincipalKind.Group).Select(p => p.Id).ToList();
        var members = await (
                from m in db.GroupMemberships.AsNoTracking()
                join p in db.Principals.AsNoTracking() on m.MemberId equals p.Id
                where groupIds.Contains(m.GroupId) && p.Enabled && p.Kind == PrincipalKind.User
                select new { m.GroupId, m.MemberId })
            .ToListAsync(ct);

        return assignments
            .Where(a => holders.ContainsKey(a.PrincipalId))
            .Select(a => holders[a.PrincipalId].Kind switch
            {
                PrincipalKind.User => new Holder(a.Id, a.PrincipalId, [a.PrincipalId]),
                PrincipalKind.Group => new Holder(a.Id, a.PrincipalId, members.Where(m => m.GroupId == a.PrincipalId).Select(m => m.MemberId).ToArray()),
                PrincipalKind.ServiceAccount => new Holder(a.Id, a.PrincipalId, []),
            })
            .ToList();
    }
}
