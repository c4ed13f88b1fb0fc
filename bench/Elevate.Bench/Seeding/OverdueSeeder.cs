using Elevate.Bench.Cli;
using Elevate.Bench.Hosting;
using Elevate.Core.Assignments;
using Elevate.Core.Audit;
using Elevate.Core.Common;
using Elevate.Core.Principals;
using Microsoft.EntityFrameworkCore;

namespace Elevate.Bench.Seeding;

/// <summary>
/// Grants that ended while Elevate was down: active assignments (70% activations, 30% time-bound administrator
/// grants) whose end passed between one second and six hours ago and whose status is still Active, with their
/// creation events chained onto the audit trail.
/// </summary>
public static class OverdueSeeder
{
    public static async Task<int> AddAsync(BenchOptions options, int count, CancellationToken ct)
    {
        await using var db = BenchHost.OpenContext(options);
        var users = await db.Principals.AsNoTracking().Where(p => p.Kind == PrincipalKind.User).Select(p => new { p.Id, p.Name }).ToListAsync(ct);
        var roles = await db.Roles.AsNoTracking().Where(r => r.BuiltIn == null).Select(r => new { r.Id, r.Name }).ToListAsync(ct);
        var open = (await db.Assignments.AsNoTracking()
            .Where(a => a.Origin == AssignmentOrigin.Activation && (a.Status == AssignmentStatus.Scheduled || a.Status == AssignmentStatus.Active))
            .Select(a => new { a.PrincipalId, a.RoleId, a.Scope }).ToListAsync(ct))
            .Select(a => (a.PrincipalId, a.RoleId, a.Scope)).ToHashSet();
        var head = await db.AuditHead.AsNoTracking().SingleAsync(ct);
        var administrator = await db.Principals.AsNoTracking().SingleAsync(p => p.Name == "admin", ct);

        var now = Clock.Truncate(DateTimeOffset.UtcNow);
        var random = new Random(unchecked((int)now.Ticks));
        var names = new AssignmentAudit();
        var overdue = new List<Assignment>(count);
        while (overdue.Count < count)
        {
            var user = users[random.Next(users.Count)];
            var role = roles[random.Next(roles.Count)];
            var scope = SeedShape.RandomAssignmentScope(random);
            var activation = random.Next(100) < 70;
            if (activation && !open.Add((user.Id, role.Id, scope)))
            {
                continue;
            }

            var endsAt = now - TimeSpan.FromMilliseconds(1_000 + random.NextInt64(6 * 3_600_000));
            var startsAt = endsAt - TimeSpan.FromMinutes(5 + random.Next(8 * 60));
            names.Know(user.Id, user.Name);
            names.KnowRole(role.Id, role.Name);
            overdue.Add(new Assignment
            {
                Id = Ids.New(startsAt),
                Kind = AssignmentKind.Active,
                Origin = activation ? AssignmentOrigin.Activation : AssignmentOrigin.Administrator,
                PrincipalId = user.Id,
                RoleId = role.Id,
                Scope = scope,
                StartsAt = startsAt,
                EndsAt = endsAt,
                Status = AssignmentStatus.Active,
                CreatedByRequestId = Ids.New(startsAt),
                CreatedAt = startsAt,
            });
        }

        var chain = new AuditChainWriter(head.LastSequence, head.LastHash);
        var records = overdue.Select(a => names.Record(a.Origin == AssignmentOrigin.Activation ? "assignment.activated" : "assignment.created", a, a.CreatedByRequestId));
        await using var writer = await BulkWriter.OpenAsync(options, ct);
        await writer.WriteAsync(overdue, ct);
        await writer.WriteAsync(records.Select(r => chain.Next(r, new Actor(administrator.Id, administrator.Name), Clock.Truncate(now))), ct);
        await writer.SetAuditHeadAsync(chain.LastSequence, chain.LastHash, ct);
        await writer.CommitAsync(ct);
        return overdue.Count;
    }
}
