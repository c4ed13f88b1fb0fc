using System.Linq.Expressions;
using Elevate.Core.Assignments;
using Elevate.Core.Persistence;
using Microsoft.EntityFrameworkCore;

namespace Elevate.Server.Portal;

/// <summary>
/// Counts activations per role and UTC day with one grouped query. The day is worked out in SQL as a CASE over the
/// day boundaries (plain comparisons, so it reads the same on SQLite, where times are ticks, and on PostgreSQL), and
/// only the window's rows are read: the organisation's from the (origin, starts_at, kind, role_id, ended_at) index alone, one
/// person's through the (principal_id, ...) index.
/// </summary>
public static class ActivationCounts
{
    /// <summary>Activations that started in the <paramref name="days"/> UTC days ending with today, for one person or (null) everyone.</summary>
    public static async Task<ActivityData> ReadAsync(ElevateDbContext db, Guid? principalId, DateTimeOffset now, int days, CancellationToken ct)
    {
        var today = DateOnly.FromDateTime(now.UtcDateTime);
        var firstDay = today.AddDays(-(days - 1));
        var from = new DateTimeOffset(firstDay.ToDateTime(TimeOnly.MinValue), TimeSpan.Zero);
        var query = db.Assignments.AsNoTracking()
            .Where(a => a.Origin == AssignmentOrigin.Activation && a.Kind == AssignmentKind.Active && a.StartsAt >= from && a.StartsAt <= now)

            // A scheduled activation canceled before its start keeps its planned start but never began.
            .Where(a => a.EndedAt == null || a.EndedAt >= a.StartsAt);
        if (principalId is { } id)
        {
            query = query.Where(a => a.PrincipalId == id);
        }

        var rows = await query.Select(KeyOf(from, days)).GroupBy(k => new { k.RoleId, k.Day }).Select(g => new { g.Key.RoleId, g.Key.Day, Count = g.Count() }).ToListAsync(ct);

        var roleIds = rows.Select(r => r.RoleId).Distinct().ToList();
        var names = await db.Roles.AsNoTracking().Where(r => roleIds.Contains(r.Id)).ToDictionaryAsync(r => r.Id, r => r.Name, ct);
        return ActivityChart.Build(firstDay, days, rows.Select(r => (names.GetValueOrDefault(r.RoleId) ?? "a removed role", r.Day, r.Count)));
    }

    /// <summary>The grouping key: the role, and the day as a CASE over the boundaries between days.</summary>
    private static Expression<Func<Assignment, RoleDay>> KeyOf(DateTimeOffset from, int days)
    {
        var a = Expression.Parameter(typeof(Assignment), "a");
        var startsAt = Expression.Property(a, nameof(Assignment.StartsAt));
        Expression day = Expression.Constant(days - 1);
        for (var d = days - 2; d >= 0; d--)
        {
            var boundary = Expression.Constant(from.AddDays(d + 1), typeof(DateTimeOffset));
            day = Expression.Condition(Expression.LessThan(startsAt, boundary), Expression.Constant(d), day);
        }

        var key = Expression.MemberInit(
            Expression.New(typeof(RoleDay)),
            Expression.Bind(typeof(RoleDay).GetProperty(nameof(RoleDay.RoleId))!, Expression.Property(a, nameof(Assignment.RoleId))),
            Expression.Bind(typeof(RoleDay).GetProperty(nameof(RoleDay.Day))!, day));
        return Expression.Lambda<Func<Assignment, RoleDay>>(key, a);
    }

    private sealed class RoleDay
    {
        public Guid RoleId { get; init; }

        public int Day { get; init; }
    }
}
