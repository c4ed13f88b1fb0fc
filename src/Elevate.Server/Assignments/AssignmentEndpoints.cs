using Elevate.Core.Assignments;
using Elevate.Core.Common;
using Elevate.Server.Api;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Elevate.Server.Assignments;

/// <summary>Reading assignments. Every change to one is a request (see RequestEndpoints).</summary>
public static class AssignmentEndpoints
{
    public static RouteGroupBuilder MapAssignments(this RouteGroupBuilder api)
    {
        var assignments = api.MapGroup("assignments").WithTags("Assignments");
        assignments.MapGet("", ListAsync).WithName("ListAssignments")
            .WithSummary("Assignments, newest first: everyone's for readers of assignments, otherwise your own and your groups'.");
        assignments.MapGet("{id:guid}", GetAsync).WithName("GetAssignment").WithSummary("One assignment, with an ETag for If-Match on requests.");
        return api;
    }

    private static async Task<Results<Ok<PageView<AssignmentView>>, ProblemHttpResult>> ListAsync(
        string? kind, string? principalId, string? roleId, string? scope, bool? includeBelow, string? state, string? cursor, int? limit,
        AssignmentQueries queries, TimeProvider time, HttpContext http, CancellationToken ct)
    {
        var parsedKind = Http.Enum<AssignmentKind>(kind, "kind");
        var parsedState = Http.Enum<AssignmentState>(state, "state");
        var principal = Http.Id(principalId, "principalId");
        var role = Http.Id(roleId, "roleId");
        if (Respond.FirstError(parsedKind.Error, parsedState.Error, principal.Error, role.Error) is { } invalid)
        {
            return Problems.From(invalid);
        }

        var filter = new AssignmentFilter(parsedKind.Value, principal.Value, role.Value, scope, includeBelow ?? false, parsedState.Value, cursor, limit);
        var now = time.UtcNow();
        return Respond.Page(await queries.ListAsync(filter, http.Actor(), ct), a => AssignmentView.From(a, now));
    }

    private static async Task<Results<Ok<AssignmentView>, ProblemHttpResult>> GetAsync(
        Guid id, AssignmentQueries queries, TimeProvider time, HttpContext http, CancellationToken ct)
    {
        var result = await queries.GetAsync(id, http.Actor(), ct);
        if (result.IsSuccess)
        {
            Http.SetETag(http.Response, result.Value.Version);
        }

        var now = time.UtcNow();
        return Respond.Ok(result, a => AssignmentView.From(a, now));
    }
}
