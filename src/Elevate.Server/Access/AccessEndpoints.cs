using Elevate.Core.Access;
using Elevate.Core.Assignments;
using Elevate.Core.Common;
using Elevate.Core.Persistence;
using Elevate.Core.Principals;
using Elevate.Core.Roles;
using Elevate.Server.Api;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;

namespace Elevate.Server.Access;

/// <summary>The check API and "what do I hold".</summary>
public static class AccessEndpoints
{
    public sealed record NamedRef(Guid Id, string Name);

    public sealed record HolderRef(Guid Id, string Name, PrincipalKind Kind);

    public sealed record GrantView(Guid AssignmentId, HolderRef HeldBy, NamedRef Role, string Scope, DateTimeOffset StartsAt, DateTimeOffset? EndsAt, AssignmentOrigin Origin);

    public sealed record CheckView(bool Allowed, NamedRef Principal, NamedRef Role, string Scope, GrantView? Grant, DateTimeOffset? Until, DateTimeOffset EvaluatedAt);

    public sealed record MeView(PrincipalView Principal, IReadOnlyList<GrantView> Active, IReadOnlyList<AssignmentView> Eligible, IReadOnlyList<string> Permissions);

    public static RouteGroupBuilder MapAccess(this RouteGroupBuilder api)
    {
        api.MapGet("check", Check).WithTags("Access").WithName("Check")
            .WithSummary("Does a principal hold a role at a scope now? Principal and role by id or name; scope defaults to '/'.");
        api.MapGet("me", MeAsync).WithTags("Access").WithName("Me").WithSummary("Who you are, what you hold now and what you may activate.");
        return api;
    }

    private static Results<Ok<CheckView>, ProblemHttpResult> Check(string? principal, string? role, string? scope, AccessCheck check, HttpContext http)
    {
        var result = check.Check(http.Actor(), principal, role, scope);
        return Respond.Ok(result, r => new CheckView(
            r.Allowed,
            new NamedRef(r.Principal.Id, r.Principal.Name),
            new NamedRef(r.Role.Id, r.Role.Name),
            r.Scope.Value,
            r.Grant is { } g ? new GrantView(g.AssignmentId, new HolderRef(r.HeldBy!.Id, r.HeldBy.Name, r.HeldBy.Kind), new NamedRef(r.Role.Id, r.Role.Name), g.Scope.Value, g.StartsAt, g.EndsAt, g.Origin) : null,
            r.Until,
            r.EvaluatedAt));
    }

    private static async Task<Results<Ok<MeView>, ProblemHttpResult>> MeAsync(
        AccessIndex index, AssignmentQueries queries, ElevateDbContext db, TimeProvider time, HttpContext http, CancellationToken ct)
    {
        var actor = http.Actor();
        var me = await db.Principals.AsNoTracking().FirstAsync(p => p.Id == actor.PrincipalId, ct);
        var now = time.UtcNow();
        var active = index.GrantsInForce(me.Id, now)
            .Select(g =>
            {
                var holder = index.FindPrincipal(g.HolderId)!;
                var role = index.FindRole(g.RoleId)!;
                return new GrantView(g.AssignmentId, new HolderRef(holder.Id, holder.Name, holder.Kind), new NamedRef(role.Id, role.Name), g.Scope.Value, g.StartsAt, g.EndsAt, g.Origin);
            })
            .OrderBy(g => g.Role.Name, StringComparer.OrdinalIgnoreCase)
            .ToList();
        var holders = await queries.HoldersOfAsync(me.Id, ct);
        var eligible = await db.Assignments.AsNoTracking()
            .Where(a => a.Kind == AssignmentKind.Eligible && holders.Contains(a.PrincipalId)
                && (a.Status == AssignmentStatus.Scheduled || a.Status == AssignmentStatus.Active) && (a.EndsAt == null || a.EndsAt > now))
            .OrderBy(a => a.CreatedAt)
            .Take(500)
            .ToListAsync(ct);
        var permissions = Enum.GetValues<Permission>()
            .Where(p => index.Can(me.Id, p, ScopePath.Root, now))
            .Select(p => System.Text.Json.JsonNamingPolicy.CamelCase.ConvertName(p.ToString()))
            .ToList();
        return TypedResults.Ok(new MeView(PrincipalView.From(me), active, eligible.Select(a => AssignmentView.From(a, now)).ToList(), permissions));
    }
}
