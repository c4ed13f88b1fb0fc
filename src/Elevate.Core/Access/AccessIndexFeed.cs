using Elevate.Core.Assignments;
using Elevate.Core.Persistence;
using Elevate.Core.Principals;
using Elevate.Core.Roles;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;

namespace Elevate.Core.Access;

/// <summary>
/// Keeps <see cref="AccessIndex"/> current. Every committed change set stamps the rows it wrote with its audit
/// sequence; change sets commit in sequence order (they serialise on the audit head), so reading the rows stamped
/// after the index's sequence brings the index up to date without missing anything or reloading everything.
/// </summary>
public sealed class AccessIndexFeed(
    AccessIndex index,
    IDbContextFactory<ElevateDbContext> contexts,
    TimeProvider time,
    ILogger<AccessIndexFeed> logger) : IChangeObserver, IDisposable
{
    private readonly SemaphoreSlim _gate = new(1, 1);

    public void Dispose() => _gate.Dispose();

    /// <summary>The sequence the index is current to.</summary>
    public long IndexSequence => index.Sequence;

    public async ValueTask CommittedAsync(long sequence, CancellationToken ct)
    {
        if (index.Sequence < sequence)
        {
            await CatchUpAsync(ct);
        }
    }

    /// <summary>Reads whatever changed since the index's sequence (everything, on the first call).</summary>
    public async Task CatchUpAsync(CancellationToken ct)
    {
        await _gate.WaitAsync(ct);
        try
        {
            await using var db = await contexts.CreateDbContextAsync(ct);
            var head = await db.AuditHead.AsNoTracking().Select(h => h.LastSequence).SingleAsync(ct);
            var since = index.Sequence;
            if (head <= since)
            {
                return;
            }

            var full = since < 0;
            var now = time.GetUtcNow();

            // Each query is built for its case (everything, or only what is stamped after `since`) rather than with a
            // condition on a parameter, so that the incremental case always seeks the change_seq index.
            var principals = await (full ? db.Principals.AsNoTracking() : db.Principals.AsNoTracking().Where(p => p.ChangeSeq > since))
                .Select(p => new IndexedPrincipal(p.Id, p.Kind, p.Name, p.Enabled))
                .ToListAsync(ct);
            foreach (var principal in principals)
            {
                index.SetPrincipal(principal);
            }

            // Membership changes stamp their group, so reloading the members of stamped groups is enough.
            var groupIds = principals.Where(p => p.Kind == PrincipalKind.Group).Select(p => p.Id).ToList();
            var memberships = full
                ? await db.GroupMemberships.AsNoTracking().Select(m => new { m.GroupId, m.MemberId }).ToListAsync(ct)
                : groupIds.Count == 0 ? []
                : await db.GroupMemberships.AsNoTracking().Where(m => groupIds.Contains(m.GroupId)).Select(m => new { m.GroupId, m.MemberId }).ToListAsync(ct);
            var membersByGroup = memberships.GroupBy(m => m.GroupId).ToDictionary(g => g.Key, g => g.Select(m => m.MemberId).ToList());
            foreach (var groupId in groupIds)
            {
                index.SetGroupMembers(groupId, membersByGroup.GetValueOrDefault(groupId) ?? []);
            }

            var roles = await (full ? db.Roles.AsNoTracking() : db.Roles.AsNoTracking().Where(r => r.ChangeSeq > since))
                .Select(r => new IndexedRole(r.Id, r.Name, r.BuiltIn))
                .ToListAsync(ct);
            foreach (var role in roles)
            {
                index.SetRole(role);
            }

            var assignments = await (full
                    ? db.Assignments.AsNoTracking().Where(a => a.Kind == AssignmentKind.Active && (a.Status == AssignmentStatus.Scheduled || a.Status == AssignmentStatus.Active))
                    : db.Assignments.AsNoTracking().Where(a => a.ChangeSeq > since && a.Kind == AssignmentKind.Active))
                .Select(a => new { a.Id, a.PrincipalId, a.RoleId, a.Scope, a.StartsAt, a.EndsAt, a.Origin, a.Status })
                .ToListAsync(ct);
            foreach (var a in assignments)
            {
                var open = a.Status is AssignmentStatus.Scheduled or AssignmentStatus.Active;
                index.SetGrant(a.Id, open
                    ? new IndexedGrant(a.Id, a.PrincipalId, a.RoleId, ScopePath.Parse(a.Scope), a.StartsAt, a.EndsAt, a.Origin)
                    : null);
            }

            var tokens = await (full
                    ? db.Tokens.AsNoTracking().Where(t => t.RevokedAt == null && t.ExpiresAt > now)
                    : db.Tokens.AsNoTracking().Where(t => t.ChangeSeq > since))
                .Select(t => new { t.Id, t.PrincipalId, t.SecretHash, t.ExpiresAt, t.RevokedAt })
                .ToListAsync(ct);
            foreach (var t in tokens)
            {
                index.SetToken(t.Id, t.SecretHash, t.RevokedAt is null ? new IndexedToken(t.Id, t.PrincipalId, t.ExpiresAt) : null);
            }

            index.MarkCurrent(head);
            if (full)
            {
                var grantCount = index.GrantCount;
                logger.LogInformation("Access index loaded at sequence {Sequence}: {Principals} principals, {Grants} open grants.", head, principals.Count, grantCount);
            }
        }
        finally
        {
            _gate.Release();
        }
    }
}
