using System.Linq.Expressions;
using Elevate.Core.Access;
using Elevate.Core.Audit;
using Elevate.Core.Common;
using Elevate.Core.Persistence;
using Elevate.Core.Principals;
using Elevate.Core.Roles;
using Microsoft.EntityFrameworkCore;

namespace Elevate.Core.Assignments;

/// <summary>Which part of an assignment's life to list.</summary>
public enum AssignmentState
{
    /// <summary>Scheduled or in force: not expired or ended.</summary>
    Open,

    /// <summary>Waiting for its start.</summary>
    Scheduled,

    /// <summary>In force now (computed from the window and the clock).</summary>
    InForce,

    /// <summary>Expired or ended.</summary>
    Closed,
}

public sealed record AssignmentFilter(
    AssignmentKind? Kind = null,
    Guid? PrincipalId = null,
    Guid? RoleId = null,
    string? Scope = null,
    bool IncludeBelow = false,
    AssignmentState? State = null,
    string? Cursor = null,
    int? Limit = null);

/// <summary>Reading assignments: everyone's for readers of assignments, otherwise one's own and one's groups'.</summary>
public sealed class AssignmentQueries(ElevateDbContext db, Authorizer authorizer, TimeProvider time)
{
    public async Task<Result<Page<Assignment>>> ListAsync(AssignmentFilter filter, Actor actor, CancellationToken ct)
    {
        var limit = Cursor.Limit(filter.Limit);
        var after = Cursor.DecodeTimeAndId(filter.Cursor);
        ScopePath? scope = null;
        if (filter.Scope is not null)
        {
            var parsed = ScopePath.FromInput(filter.Scope, "scope");
            if (!parsed.IsSuccess)
            {
                return parsed.Error;
            }

            scope = parsed.Value;
        }

        if (!limit.IsSuccess || !after.IsSuccess)
        {
            return limit.Error ?? after.Error!;
        }

        var query = db.Assignments.AsNoTracking();
        if (!authorizer.Can(actor, Permission.ReadAssignments))
        {
            // One's own (and one's groups') assignments, and everything at and below the scopes one administers.
            var holders = await HoldersOfAsync(actor.PrincipalId!.Value, ct);
            query = query.Where(VisibleTo(holders, authorizer.ScopesWhere(actor, Permission.ReadAssignments)));
        }

        var now = time.UtcNow();
        query = Apply(query, filter, scope, now);
        if (after.Value is { } cursor)
        {
            query = query.Where(a => a.CreatedAt < cursor.At || (a.CreatedAt == cursor.At && a.Id.CompareTo(cursor.Id) < 0));
        }

        var items = await query.OrderByDescending(a => a.CreatedAt).ThenByDescending(a => a.Id).Take(limit.Value + 1).ToListAsync(ct);
        var next = items.Count > limit.Value ? Cursor.Encode(items[limit.Value - 1].CreatedAt, items[limit.Value - 1].Id) : null;
        return new Page<Assignment>(items.Take(limit.Value).ToList(), next);
    }

    public async Task<Result<Assignment>> GetAsync(Guid id, Actor actor, CancellationToken ct)
    {
        var assignment = await db.Assignments.AsNoTracking().FirstOrDefaultAsync(a => a.Id == id, ct);
        if (assignment is not null && !authorizer.Can(actor, Permission.ReadAssignments, ScopePath.Parse(assignment.Scope)))
        {
            var holders = await HoldersOfAsync(actor.PrincipalId!.Value, ct);
            assignment = holders.Contains(assignment.PrincipalId) ? assignment : null;
        }

        return assignment is null ? ElevateError.NotFound(ErrorCodes.AssignmentNotFound, "id", "No such assignment.") : assignment;
    }

    /// <summary>The principal and its enabled groups: whose assignments count as the principal's own.</summary>
    public async Task<List<Guid>> HoldersOfAsync(Guid principalId, CancellationToken ct)
    {
        var groups = await (from m in db.GroupMemberships
                            join g in db.Principals on m.GroupId equals g.Id
                            where m.MemberId == principalId && g.Enabled && g.Kind == PrincipalKind.Group
                            select g.Id).ToListAsync(ct);
        groups.Add(principalId);
        return groups;
    }

    /// <summary>a =&gt; holders.Contains(a.PrincipalId) || a.Scope == s1 || a.Scope.StartsWith(s1 + "/") || ... for each scope.</summary>
    private static Expression<Func<Assignment, bool>> VisibleTo(List<Guid> holders, IReadOnlyList<ScopePath> scopes)
    {
        Expression<Func<Assignment, bool>> own = a => holders.Contains(a.PrincipalId);
        var a = own.Parameters[0];
        var body = own.Body;
        var scopeOf = Expression.Property(a, nameof(Assignment.Scope));
        var startsWith = typeof(string).GetMethod(nameof(string.StartsWith), [typeof(string)])!;
        foreach (var scope in scopes)
        {
            var at = Expression.Equal(scopeOf, Expression.Constant(scope.Value));
            var below = Expression.Call(scopeOf, startsWith, Expression.Constant(scope.Value + "/"));
            body = Expression.OrElse(body, Expression.OrElse(at, below));
        }

        return Expression.Lambda<Func<Assignment, bool>>(body, a);
    }

    private static IQueryable<Assignment> Apply(IQueryable<Assignment> query, AssignmentFilter filter, ScopePath? scope, DateTimeOffset now)
    {
        if (filter.Kind is { } kind)
        {
            query = query.Where(a => a.Kind == kind);
        }

        if (filter.PrincipalId is { } principalId)
        {
            query = query.Where(a => a.PrincipalId == principalId);
        }

        if (filter.RoleId is { } roleId)
        {
            query = query.Where(a => a.RoleId == roleId);
        }

        if (scope is { } s)
        {
            var prefix = s.IsRoot ? "/" : s.Value + "/";
            query = filter.IncludeBelow
                ? query.Where(a => a.Scope == s.Value || a.Scope.StartsWith(prefix))
                : query.Where(a => a.Scope == s.Value);
        }

        if (filter.State is not { } state)
        {
            return query;
        }

        return state switch
        {
            AssignmentState.Open => query.Where(a => (a.Status == AssignmentStatus.Scheduled || a.Status == AssignmentStatus.Active) && (a.EndsAt == null || a.EndsAt > now)),
            AssignmentState.Scheduled => query.Where(a => a.Status == AssignmentStatus.Scheduled && a.StartsAt > now),
            AssignmentState.InForce => query.Where(a => (a.Status == AssignmentStatus.Scheduled || a.Status == AssignmentStatus.Active) && a.StartsAt <= now && (a.EndsAt == null || a.EndsAt > now)),
            AssignmentState.Closed => query.Where(a => a.Status == AssignmentStatus.Expired || a.Status == AssignmentStatus.Ended || (a.EndsAt != null && a.EndsAt <= now)),
        };
    }
}
