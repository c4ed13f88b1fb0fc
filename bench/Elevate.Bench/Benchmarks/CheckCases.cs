using Elevate.Bench.Cli;
using Elevate.Bench.Hosting;
using Elevate.Bench.Seeding;
using Elevate.Core.Assignments;
using Elevate.Core.Principals;
using Microsoft.EntityFrameworkCore;

namespace Elevate.Bench.Benchmarks;

/// <summary>One question for the check API, and what kind of answer it exercises.</summary>
public sealed record CheckCase(string Principal, string Role, string Scope, string Kind)
{
    public string Path => $"/api/v1/check?principal={Uri.EscapeDataString(Principal)}&role={Uri.EscapeDataString(Role)}&scope={Uri.EscapeDataString(Scope)}";
}

/// <summary>
/// A mix of check questions built from the seeded grants: held directly at the asked scope (20%), held directly at a
/// scope above it (20%), held through a group (25%), a random user, role and scope, nearly always a miss (25%), and a
/// held grant asked about under another environment, mostly a miss (10%). Roles are named by name or id, half each.
/// </summary>
public static class CheckCases
{
    private static readonly string[] DeeperSegments = ["api", "db", "cache", "replica-1", "blue"];

    public static async Task<IReadOnlyList<CheckCase>> LoadAsync(BenchOptions options, int count, CancellationToken ct)
    {
        await using var db = BenchHost.OpenContext(options);
        var now = DateTimeOffset.UtcNow;
        var principals = await db.Principals.AsNoTracking().Select(p => new { p.Id, p.Name, p.Kind }).ToDictionaryAsync(p => p.Id, ct);
        var roles = await db.Roles.AsNoTracking().Where(r => r.BuiltIn == null && r.Name != SeedShape.ActivationRoleName)
            .Select(r => new { r.Id, r.Name }).ToListAsync(ct);
        var grants = await db.Assignments.AsNoTracking()
            .Where(a => a.Kind == AssignmentKind.Active && a.Status == AssignmentStatus.Active && (a.EndsAt == null || a.EndsAt > now))
            .Select(a => new { a.PrincipalId, a.RoleId, a.Scope })
            .ToListAsync(ct);
        var members = (await db.GroupMemberships.AsNoTracking().Select(m => new { m.GroupId, m.MemberId }).ToListAsync(ct))
            .GroupBy(m => m.GroupId).ToDictionary(g => g.Key, g => g.Select(m => m.MemberId).ToArray());
        var roleNames = roles.ToDictionary(r => r.Id, r => r.Name);
        var userGrants = grants.Where(g => principals[g.PrincipalId].Kind == PrincipalKind.User && roleNames.ContainsKey(g.RoleId)).ToList();
        var groupGrants = grants.Where(g => principals[g.PrincipalId].Kind == PrincipalKind.Group && members.ContainsKey(g.PrincipalId)).ToList();
        var users = principals.Values.Where(p => p.Kind == PrincipalKind.User).Select(p => p.Name).ToList();
        var scopes = SeedShape.AllScopes();

        var random = new Random(7);
        string RoleRef(Guid id) => random.Next(2) == 0 ? roleNames[id] : id.ToString();
        string Deeper(string scope) => scope == "/" ? "/staging/orders/db" : $"{scope}/{DeeperSegments[random.Next(DeeperSegments.Length)]}";
        var cases = new List<CheckCase>(count);
        while (cases.Count < count)
        {
            var pick = random.Next(100);
            if (pick < 40)
            {
                var g = userGrants[random.Next(userGrants.Count)];
                cases.Add(pick < 20
                    ? new CheckCase(principals[g.PrincipalId].Name, RoleRef(g.RoleId), g.Scope, "direct")
                    : new CheckCase(principals[g.PrincipalId].Name, RoleRef(g.RoleId), Deeper(g.Scope), "inherited"));
            }
            else if (pick < 65)
            {
                var g = groupGrants[random.Next(groupGrants.Count)];
                var groupMembers = members[g.PrincipalId];
                var member = principals[groupMembers[random.Next(groupMembers.Length)]];
                cases.Add(new CheckCase(member.Name, RoleRef(g.RoleId), random.Next(2) == 0 ? g.Scope : Deeper(g.Scope), "group"));
            }
            else if (pick < 90)
            {
                var role = roles[random.Next(roles.Count)];
                cases.Add(new CheckCase(users[random.Next(users.Count)], RoleRef(role.Id), scopes[random.Next(scopes.Count)], "miss-random"));
            }
            else
            {
                var g = userGrants[random.Next(userGrants.Count)];
                if (g.Scope == "/")
                {
                    continue;
                }

                var segments = g.Scope.Split('/');
                segments[1] = SeedShape.Environments.First(e => e != segments[1]);
                cases.Add(new CheckCase(principals[g.PrincipalId].Name, RoleRef(g.RoleId), string.Join('/', segments), "miss-sibling"));
            }
        }

        return cases;
    }
}
