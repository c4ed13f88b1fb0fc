using System.Collections.Concurrent;
using Elevate.Core.Assignments;
using Elevate.Core.Principals;
using Elevate.Core.Roles;

namespace Elevate.Core.Access;

public sealed record IndexedPrincipal(Guid Id, PrincipalKind Kind, string Name, bool Enabled);

public sealed record IndexedRole(Guid Id, string Name, BuiltInRole? BuiltIn);

/// <summary>An active-kind assignment as the index holds it: who holds it (a principal or a group), where, when.</summary>
public sealed record IndexedGrant(Guid AssignmentId, Guid HolderId, Guid RoleId, ScopePath Scope, DateTimeOffset StartsAt, DateTimeOffset? EndsAt, AssignmentOrigin Origin)
{
    public bool IsInForceAt(DateTimeOffset now) => StartsAt <= now && (EndsAt is null || now < EndsAt);
}

public sealed record IndexedToken(Guid Id, Guid PrincipalId, DateTimeOffset ExpiresAt);

/// <summary>The answer to "does this principal hold this role at this scope now?".</summary>
public sealed record AccessDecision(bool Allowed, IndexedGrant? Grant, IndexedPrincipal? ViaGroup)
{
    public static readonly AccessDecision Denied = new(false, null, null);
}

/// <summary>
/// The in-memory view of who holds what: principals, group memberships, roles, open active assignments and
/// usable tokens. It is kept current from the database by <see cref="AccessIndexFeed"/> (after every local commit,
/// on every PostgreSQL notification, and by a short poll), and it never decides from status alone: a grant counts
/// only while the clock is inside its window, so an answer is right to the moment whether or not any job has run.
/// Reads take no locks.
/// </summary>
public sealed class AccessIndex
{
    private static readonly Guid[] NoGroups = [];
    private static readonly IndexedGrant[] NoGrants = [];

    private readonly ConcurrentDictionary<Guid, IndexedPrincipal> _principals = new();
    private readonly ConcurrentDictionary<string, Guid> _principalIdsByName = new(StringComparer.OrdinalIgnoreCase);
    private readonly ConcurrentDictionary<Guid, Guid[]> _groupsByMember = new();
    private readonly ConcurrentDictionary<Guid, Guid[]> _membersByGroup = new();
    private readonly ConcurrentDictionary<Guid, IndexedRole> _roles = new();
    private readonly ConcurrentDictionary<string, Guid> _roleIdsByName = new(StringComparer.OrdinalIgnoreCase);
    private readonly ConcurrentDictionary<(Guid Holder, Guid Role), IndexedGrant[]> _grants = new();
    private readonly ConcurrentDictionary<Guid, IndexedGrant> _grantsById = new();
    private readonly ConcurrentDictionary<string, IndexedToken> _tokensByHash = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<Guid, string> _tokenHashesById = new();
    private readonly object _writeLock = new();
    private long _sequence = -1;

    /// <summary>The last audit sequence whose changes the index reflects; -1 before the first load.</summary>
    public long Sequence => Interlocked.Read(ref _sequence);

    public bool IsLoaded => Sequence >= 0;

    public int GrantCount => _grantsById.Count;

    public IndexedPrincipal? FindPrincipal(Guid id) => _principals.GetValueOrDefault(id);

    public IndexedPrincipal? FindPrincipal(string idOrName) =>
        Guid.TryParse(idOrName, out var id) ? FindPrincipal(id)
        : _principalIdsByName.TryGetValue(idOrName, out id) ? FindPrincipal(id) : null;

    public IndexedRole? FindRole(Guid id) => _roles.GetValueOrDefault(id);

    public IndexedRole? FindRole(string idOrName) =>
        Guid.TryParse(idOrName, out var id) ? FindRole(id)
        : _roleIdsByName.TryGetValue(idOrName, out id) ? FindRole(id) : null;

    public IReadOnlyList<Guid> GroupsOf(Guid memberId) => _groupsByMember.GetValueOrDefault(memberId) ?? NoGroups;

    public IndexedToken? FindToken(string secretHash) => _tokensByHash.GetValueOrDefault(secretHash);

    /// <summary>
    /// Whether <paramref name="principalId"/> holds <paramref name="roleId"/> at <paramref name="scope"/> at
    /// <paramref name="now"/>: through an assignment of its own or of an enabled group it belongs to, at the scope or
    /// above. When several grants apply, the one that lasts longest is reported.
    /// </summary>
    public AccessDecision Check(Guid principalId, Guid roleId, ScopePath scope, DateTimeOffset now)
    {
        if (!_principals.TryGetValue(principalId, out var principal) || !principal.Enabled)
        {
            return AccessDecision.Denied;
        }

        var best = Best(null, _grants.GetValueOrDefault((principalId, roleId)), scope, now);
        IndexedPrincipal? via = null;
        foreach (var groupId in GroupsOf(principalId))
        {
            if (!_principals.TryGetValue(groupId, out var group) || !group.Enabled)
            {
                continue;
            }

            var fromGroup = Best(best, _grants.GetValueOrDefault((groupId, roleId)), scope, now);
            if (!ReferenceEquals(fromGroup, best))
            {
                best = fromGroup;
                via = group;
            }
        }

        return best is null ? AccessDecision.Denied : new AccessDecision(true, best, via);
    }

    /// <summary>Whether the principal holds the built-in <paramref name="role"/> at <paramref name="scope"/> now.</summary>
    public bool Holds(Guid principalId, BuiltInRole role, ScopePath scope, DateTimeOffset now) =>
        Check(principalId, BuiltInRoles.IdOf(role), scope, now).Allowed;

    /// <summary>Whether any built-in role the principal holds at <paramref name="scope"/> now grants <paramref name="permission"/>.</summary>
    public bool Can(Guid principalId, Permission permission, ScopePath scope, DateTimeOffset now)
    {
        foreach (var role in BuiltInRoles.All)
        {
            if (BuiltInRoles.Grants(role, permission) && Holds(principalId, role, scope, now))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>Every grant in force now for the principal (directly or through groups), for "my active roles".</summary>
    public IReadOnlyList<IndexedGrant> GrantsInForce(Guid principalId, DateTimeOffset now)
    {
        if (FindPrincipal(principalId) is not { Enabled: true })
        {
            return [];
        }

        // By (holder, role) lookups: a principal and a few groups over the roles, not a walk over every grant.
        var holders = GroupsOf(principalId).Where(g => FindPrincipal(g) is { Enabled: true }).Prepend(principalId).ToList();
        return [.. _roles.Keys.SelectMany(roleId => holders.SelectMany(h => _grants.GetValueOrDefault((h, roleId)) ?? NoGrants)).Where(g => g.IsInForceAt(now))];
    }

    /// <summary>The grants of one role in force now for the principal, directly or through enabled groups.</summary>
    public IReadOnlyList<IndexedGrant> GrantsInForce(Guid principalId, Guid roleId, DateTimeOffset now)
    {
        if (FindPrincipal(principalId) is not { Enabled: true })
        {
            return [];
        }

        var holders = GroupsOf(principalId).Where(g => FindPrincipal(g) is { Enabled: true }).Prepend(principalId);
        return [.. holders.SelectMany(h => _grants.GetValueOrDefault((h, roleId)) ?? NoGrants).Where(g => g.IsInForceAt(now))];
    }

    public void SetPrincipal(IndexedPrincipal principal)
    {
        lock (_writeLock)
        {
            if (_principals.TryGetValue(principal.Id, out var previous) && !string.Equals(previous.Name, principal.Name, StringComparison.OrdinalIgnoreCase))
            {
                _principalIdsByName.TryRemove(previous.Name, out _);
            }

            _principals[principal.Id] = principal;
            _principalIdsByName[principal.Name] = principal.Id;
        }
    }

    /// <summary>Replaces the member list of a group.</summary>
    public void SetGroupMembers(Guid groupId, IReadOnlyCollection<Guid> members)
    {
        lock (_writeLock)
        {
            var before = _membersByGroup.GetValueOrDefault(groupId) ?? NoGroups;
            foreach (var removed in before.Except(members))
            {
                var groups = (_groupsByMember.GetValueOrDefault(removed) ?? NoGroups).Where(g => g != groupId).ToArray();
                _groupsByMember[removed] = groups;
            }

            foreach (var added in members.Except(before))
            {
                var groups = _groupsByMember.GetValueOrDefault(added) ?? NoGroups;
                _groupsByMember[added] = [.. groups, groupId];
            }

            _membersByGroup[groupId] = members.ToArray();
        }
    }

    public void SetRole(IndexedRole role)
    {
        lock (_writeLock)
        {
            if (_roles.TryGetValue(role.Id, out var previous) && !string.Equals(previous.Name, role.Name, StringComparison.OrdinalIgnoreCase))
            {
                _roleIdsByName.TryRemove(previous.Name, out _);
            }

            _roles[role.Id] = role;
            _roleIdsByName[role.Name] = role.Id;
        }
    }

    /// <summary>Adds or replaces a grant; <paramref name="grant"/> null removes the assignment's grant.</summary>
    public void SetGrant(Guid assignmentId, IndexedGrant? grant)
    {
        lock (_writeLock)
        {
            if (_grantsById.TryRemove(assignmentId, out var old))
            {
                var key = (old.HolderId, old.RoleId);
                var rest = (_grants.GetValueOrDefault(key) ?? NoGrants).Where(g => g.AssignmentId != assignmentId).ToArray();
                if (rest.Length == 0)
                {
                    _grants.TryRemove(key, out _);
                }
                else
                {
                    _grants[key] = rest;
                }
            }

            if (grant is not null)
            {
                _grantsById[assignmentId] = grant;
                var key = (grant.HolderId, grant.RoleId);
                _grants[key] = [.. _grants.GetValueOrDefault(key) ?? NoGrants, grant];
            }
        }
    }

    /// <summary>Adds or replaces a token; <paramref name="token"/> null removes it (revoked or expired).</summary>
    public void SetToken(Guid tokenId, string secretHash, IndexedToken? token)
    {
        lock (_writeLock)
        {
            if (_tokenHashesById.TryRemove(tokenId, out var oldHash))
            {
                _tokensByHash.TryRemove(oldHash, out _);
            }

            if (token is not null)
            {
                _tokensByHash[secretHash] = token;
                _tokenHashesById[tokenId] = secretHash;
            }
        }
    }

    public void MarkCurrent(long sequence)
    {
        long seen;
        do
        {
            seen = Interlocked.Read(ref _sequence);
            if (sequence <= seen)
            {
                return;
            }
        }
        while (Interlocked.CompareExchange(ref _sequence, sequence, seen) != seen);
    }

    private static IndexedGrant? Best(IndexedGrant? best, IndexedGrant[]? candidates, ScopePath scope, DateTimeOffset now)
    {
        if (candidates is null)
        {
            return best;
        }

        foreach (var grant in candidates)
        {
            if (!grant.Scope.Covers(scope) || !grant.IsInForceAt(now))
            {
                continue;
            }

            if (best is null || LastsLonger(grant, best))
            {
                best = grant;
            }
        }

        return best;
    }

    private static bool LastsLonger(IndexedGrant a, IndexedGrant b) =>
        b.EndsAt is not null && (a.EndsAt is null || a.EndsAt > b.EndsAt);
}
