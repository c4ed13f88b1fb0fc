using Elevate.Core.Audit;
using Elevate.Core.Common;
using Elevate.Core.Roles;

namespace Elevate.Core.Access;

/// <summary>The answer other systems ask for: allowed or not, by which grant, until when.</summary>
public sealed record CheckResult(
    bool Allowed, IndexedPrincipal Principal, IndexedRole Role, ScopePath Scope, IndexedGrant? Grant, IndexedPrincipal? HeldBy, DateTimeOffset EvaluatedAt)
{
    /// <summary>When the reported grant ends; null while allowed permanently (or when not allowed).</summary>
    public DateTimeOffset? Until => Grant?.EndsAt;
}

/// <summary>
/// "Is alice active as db-admin on /prod/payments right now?", answered from memory. A caller may always ask about
/// themselves; asking about others needs a role that grants <see cref="Permission.CheckOthers"/>.
/// </summary>
public sealed class AccessCheck(AccessIndex index, TimeProvider time)
{
    public Result<CheckResult> Check(Actor caller, string? principal, string? role, string? scope)
    {
        if (string.IsNullOrEmpty(principal) || string.IsNullOrEmpty(role))
        {
            return ElevateError.Validation(ErrorCodes.Required, string.IsNullOrEmpty(principal) ? "principal" : "role", "Name the principal and the role (id or name).");
        }

        var parsedScope = ScopePath.FromInput(scope ?? "/", "scope");
        if (!parsedScope.IsSuccess)
        {
            return parsedScope.Error;
        }

        var now = time.UtcNow();
        var callerId = caller.PrincipalId!.Value;
        var who = index.FindPrincipal(principal);
        if (who?.Id != callerId && !index.Can(callerId, Permission.CheckOthers, ScopePath.Root, now))
        {
            // Asked about anyone but themselves, a caller without the right gets the same answer whether or not that
            // principal exists: the check API does not confirm who exists.
            return ElevateError.Forbidden("Asking about other principals needs a role such as Access Checker, Auditor or an administrator role.");
        }

        if (who is null)
        {
            return ElevateError.NotFound(ErrorCodes.PrincipalNotFound, "principal", "No principal has this id or name.");
        }

        var what = index.FindRole(role);
        if (what is null)
        {
            return ElevateError.NotFound(ErrorCodes.RoleNotFound, "role", "No role has this id or name.");
        }

        var decision = index.Check(who.Id, what.Id, parsedScope.Value, now);
        var heldBy = decision.Grant is null ? null : decision.ViaGroup ?? who;
        return new CheckResult(decision.Allowed, who, what, parsedScope.Value, decision.Grant, heldBy, now);
    }
}
