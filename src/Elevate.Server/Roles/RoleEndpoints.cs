using Elevate.Core.Roles;
using Elevate.Core.Settings;
using Elevate.Server.Api;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Elevate.Server.Roles;

/// <summary>Role definitions and their settings.</summary>
public static class RoleEndpoints
{
    public sealed record NewRoleBody(string? Name, string? Description, bool? IsPrivileged);

    public sealed record RolePatchBody(string? Name, string? Description, bool? IsPrivileged);

    public static RouteGroupBuilder MapRoles(this RouteGroupBuilder api)
    {
        var roles = api.MapGroup("roles").WithTags("Roles");
        roles.MapGet("", ListAsync).WithName("ListRoles").WithSummary("All roles, by name.");
        roles.MapPost("", CreateAsync).WithName("CreateRole").WithSummary("Create a role with default settings (Privileged Role Administrator).");
        roles.MapGet("{id:guid}", GetAsync).WithName("GetRole").WithSummary("Get a role.");
        roles.MapPatch("{id:guid}", UpdateAsync).WithName("UpdateRole").WithSummary("Rename or describe a role (Privileged Role Administrator).");

        roles.MapGet("{id:guid}/settings", GetSettingsAsync).WithName("GetRoleSettings")
            .WithSummary("The settings stored at a scope (default '/'), with an ETag for updates.");
        roles.MapGet("{id:guid}/settings/effective", GetEffectiveSettingsAsync).WithName("GetEffectiveRoleSettings")
            .WithSummary("The settings that apply at a scope: its own, or the nearest above.");
        roles.MapGet("{id:guid}/settings/all", ListSettingsAsync).WithName("ListRoleSettings").WithSummary("Every settings document of a role, by scope.");
        roles.MapPut("{id:guid}/settings", PutSettingsAsync).WithName("PutRoleSettings")
            .WithSummary("Replace the settings at a scope (creates a narrowed document for a deeper scope). Honours If-Match.");
        roles.MapDelete("{id:guid}/settings", DeleteSettingsAsync).WithName("DeleteRoleSettings")
            .WithSummary("Remove a narrowed settings document so the one above applies again.");
        return api;
    }

    private static async Task<Results<Ok<PageView<RoleView>>, ProblemHttpResult>> ListAsync(string? cursor, int? limit, RoleService roles, CancellationToken ct) =>
        Respond.Page(await roles.ListAsync(cursor, limit, ct), RoleView.From);

    private static async Task<Results<Created<RoleView>, ProblemHttpResult>> CreateAsync(NewRoleBody body, RoleService roles, HttpContext http, CancellationToken ct) =>
        Respond.Created(await roles.CreateAsync(new NewRole(body.Name, body.Description, body.IsPrivileged), http.Actor(), ct), r => $"/api/v1/roles/{r.Id}", RoleView.From);

    private static async Task<Results<Ok<RoleView>, ProblemHttpResult>> GetAsync(Guid id, RoleService roles, HttpContext http, CancellationToken ct)
    {
        var result = await roles.GetAsync(id, ct);
        if (result.IsSuccess)
        {
            Http.SetETag(http.Response, result.Value.Version);
        }

        return Respond.Ok(result, RoleView.From);
    }

    private static async Task<Results<Ok<RoleView>, ProblemHttpResult>> UpdateAsync(Guid id, RolePatchBody body, RoleService roles, HttpContext http, CancellationToken ct)
    {
        var ifMatch = Http.IfMatch(http.Request);
        if (!ifMatch.IsSuccess)
        {
            return Problems.From(ifMatch.Error);
        }

        var result = await roles.UpdateAsync(id, new RoleChanges(body.Name, body.Description, body.IsPrivileged), ifMatch.Value, http.Actor(), ct);
        if (result.IsSuccess)
        {
            Http.SetETag(http.Response, result.Value.Version);
        }

        return Respond.Ok(result, RoleView.From);
    }

    private static async Task<Results<Ok<RoleSettingsView>, ProblemHttpResult>> GetSettingsAsync(Guid id, string? scope, RoleService roles, HttpContext http, CancellationToken ct)
    {
        var parsed = ScopePath.FromInput(scope ?? "/", "scope");
        if (!parsed.IsSuccess)
        {
            return Problems.From(parsed.Error);
        }

        var result = await roles.GetSettingsAsync(id, parsed.Value, ct);
        if (result.IsSuccess)
        {
            Http.SetETag(http.Response, result.Value.Version);
        }

        return Respond.Ok(result, RoleSettingsView.From);
    }

    private static async Task<Results<Ok<RoleSettingsView>, ProblemHttpResult>> GetEffectiveSettingsAsync(Guid id, string? scope, RoleService roles, CancellationToken ct)
    {
        var parsed = ScopePath.FromInput(scope ?? "/", "scope");
        return parsed.IsSuccess ? Respond.Ok(await roles.GetEffectiveSettingsAsync(id, parsed.Value, ct), RoleSettingsView.From) : Problems.From(parsed.Error);
    }

    private static async Task<Results<Ok<IReadOnlyList<RoleSettingsView>>, ProblemHttpResult>> ListSettingsAsync(Guid id, RoleService roles, CancellationToken ct) =>
        Respond.Ok(await roles.ListSettingsAsync(id, ct), list => (IReadOnlyList<RoleSettingsView>)list.Select(RoleSettingsView.From).ToList());

    private static async Task<Results<Ok<RoleSettingsView>, Created<RoleSettingsView>, ProblemHttpResult>> PutSettingsAsync(
        Guid id, string? scope, RoleSettings body, RoleService roles, Elevate.Core.Persistence.ElevateDbContext db, HttpContext http, CancellationToken ct)
    {
        var parsed = ScopePath.FromInput(scope ?? "/", "scope");
        var ifMatch = Http.IfMatch(http.Request);
        if (Respond.FirstError(parsed.Error, ifMatch.Error) is { } invalid)
        {
            return Problems.From(invalid);
        }

        var result = await roles.PutSettingsAsync(id, parsed.Value, body, ifMatch.Value, http.Actor(), ct);
        if (!result.IsSuccess)
        {
            return Problems.From(result.Error);
        }

        var (record, created) = result.Value;
        Http.SetETag(http.Response, record.Version);
        var warnings = await Elevate.Core.Approvals.ApprovalService.StageWarningsAsync(db, record.Settings, ct);
        var view = RoleSettingsView.From(record) with { Warnings = warnings.Select(w => new Problems.ProblemItem(w.Code, w.Field, w.Message)).ToList() };
        return created ? TypedResults.Created($"/api/v1/roles/{id}/settings?scope={Uri.EscapeDataString(record.Scope)}", view) : TypedResults.Ok(view);
    }

    private static async Task<Results<NoContent, ProblemHttpResult>> DeleteSettingsAsync(Guid id, string? scope, RoleService roles, HttpContext http, CancellationToken ct)
    {
        var parsed = ScopePath.FromInput(scope, "scope");
        var ifMatch = Http.IfMatch(http.Request);
        if (Respond.FirstError(parsed.Error, ifMatch.Error) is { } invalid)
        {
            return Problems.From(invalid);
        }

        var result = await roles.DeleteSettingsAsync(id, parsed.Value, ifMatch.Value, http.Actor(), ct);
        return result.IsSuccess ? TypedResults.NoContent() : Problems.From(result.Error);
    }
}
