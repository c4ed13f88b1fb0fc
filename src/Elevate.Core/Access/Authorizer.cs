using Elevate.Core.Audit;
using Elevate.Core.Common;
using Elevate.Core.Roles;

namespace Elevate.Core.Access;

/// <summary>
/// Answers "may this caller do that here?" from the built-in roles the caller holds right now. Holding means active:
/// an eligible administrator must activate first, which is the point of just-in-time administration.
/// </summary>
public sealed class Authorizer(AccessIndex index, TimeProvider time)
{
    public bool Can(Actor actor, Permission permission, ScopePath? scope = null) =>
        actor.PrincipalId is { } id && index.Can(id, permission, scope ?? ScopePath.Root, time.UtcNow());

    /// <summary>
    /// The scopes at which the caller holds <paramref name="permission"/> now, each covering every scope below it: what
    /// a scoped administrator's lists are limited to.
    /// </summary>
    public IReadOnlyList<ScopePath> ScopesWhere(Actor actor, Permission permission)
    {
        if (actor.PrincipalId is not { } id)
        {
            return [];
        }

        var now = time.UtcNow();
        return [.. BuiltInRoles.All.Where(role => BuiltInRoles.Grants(role, permission))
            .SelectMany(role => index.GrantsInForce(id, BuiltInRoles.IdOf(role), now))
            .Select(g => g.Scope)
            .DistinctBy(scope => scope.Value)];
    }

    /// <summary>Null when allowed; otherwise a forbidden error naming the roles that would allow it.</summary>
    public ElevateError? Require(Actor actor, Permission permission, ScopePath? scope = null)
    {
        if (Can(actor, permission, scope))
        {
            return null;
        }

        var roles = BuiltInRoles.All.Where(r => BuiltInRoles.Grants(r, permission)).Select(BuiltInRoles.NameOf);
        return ElevateError.Forbidden($"This needs one of these roles active at {scope ?? ScopePath.Root}: {string.Join(", ", roles)}.");
    }
}
