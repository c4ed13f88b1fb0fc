using Elevate.Core.Persistence;
using Elevate.Core.Roles;
using Microsoft.EntityFrameworkCore;

namespace Elevate.Core.Settings;

/// <summary>Finds the settings document that applies to a role at a scope: the deepest one at the scope or above.</summary>
public static class SettingsLookup
{
    public static async Task<RoleSettingsRecord> EffectiveAsync(ElevateDbContext db, Guid roleId, ScopePath scope, CancellationToken ct)
    {
        var candidates = scope.SelfAndAncestors().Select(s => s.Value).ToList();
        var records = await db.RoleSettings.AsNoTracking()
            .Where(s => s.RoleId == roleId && candidates.Contains(s.Scope))
            .ToListAsync(ct);

        // Every role has a document at "/", written when the role is created; a missing one is a broken invariant.
        return records.OrderByDescending(r => ScopePath.Parse(r.Scope).Depth).FirstOrDefault()
            ?? throw new InvalidOperationException($"Role {roleId} has no settings at '/'.");
    }
}
