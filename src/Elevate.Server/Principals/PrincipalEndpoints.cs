using Elevate.Core.Common;
using Elevate.Core.Principals;
using Elevate.Core.Tokens;
using Elevate.Server.Api;
using Elevate.Server.Hosting;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;

namespace Elevate.Server.Principals;

/// <summary>Users, groups, service accounts and memberships.</summary>
public static class PrincipalEndpoints
{
    public sealed record NewPrincipalBody(string? Name, string? DisplayName, string? Email, Guid? ManagerId, string? Description);

    public sealed record PrincipalPatchBody(string? DisplayName, string? Email, Guid? ManagerId, bool? ClearManager, string? Description, bool? Enabled);

    public sealed record NewTokenBody(string? Name, TimeSpan? ExpiresIn);

    /// <summary>A one-time secret and the portal link that uses it (to set a password; also a password reset).</summary>
    public sealed record SetupSecretView(Guid PrincipalId, string Secret, DateTimeOffset ExpiresAt, string Link);

    public static RouteGroupBuilder MapPrincipals(this RouteGroupBuilder api)
    {
        foreach (var (path, kind) in new[] { ("users", PrincipalKind.User), ("groups", PrincipalKind.Group), ("service-accounts", PrincipalKind.ServiceAccount) })
        {
            var group = api.MapGroup(path).WithTags("Directory");
            group.MapGet("", (string? name, bool? enabled, string? cursor, int? limit, DirectoryService directory, HttpContext http, CancellationToken ct) =>
                    ListAsync(kind, name, enabled, cursor, limit, directory, http, ct))
                .WithName($"List{kind}s").WithSummary($"List {path} by name (readers of the directory).");
            group.MapPost("", (NewPrincipalBody body, DirectoryService directory, HttpContext http, CancellationToken ct) =>
                    CreateAsync(kind, body, directory, http, ct))
                .WithName($"Create{kind}").WithSummary($"Create a {path.TrimEnd('s')} (Elevate Administrator).");
        }

        var principals = api.MapGroup("principals").WithTags("Directory");
        principals.MapGet("{id:guid}", GetAsync).WithName("GetPrincipal").WithSummary("Get a user, group or service account.");
        principals.MapPatch("{id:guid}", UpdateAsync).WithName("UpdatePrincipal")
            .WithSummary("Change a principal; enabled=false disables it and ends its active grants (Elevate Administrator).");
        principals.MapGet("{id:guid}/tokens", ListTokensAsync).WithName("ListPrincipalTokens").WithSummary("Tokens of a principal (own, or Elevate Administrator).");

        var groups = api.MapGroup("groups").WithTags("Directory");
        groups.MapGet("{id:guid}/members", MembersAsync).WithName("ListGroupMembers").WithSummary("Members of a group.");
        groups.MapPut("{id:guid}/members/{memberId:guid}", AddMemberAsync).WithName("AddGroupMember").WithSummary("Add a user or service account to a group.");
        groups.MapDelete("{id:guid}/members/{memberId:guid}", RemoveMemberAsync).WithName("RemoveGroupMember")
            .WithSummary("Remove a member; activations it made through the group end.");

        api.MapPost("users/{id:guid}/setup-secret", IssueSetupSecretAsync).WithTags("Directory").WithName("IssueSetupSecret")
            .WithSummary("Issue a one-time secret (and portal link) with which a user sets their password or gets a first token; also a password reset (Elevate Administrator).");
        api.MapDelete("users/{id:guid}/factors", ResetFactorsAsync).WithTags("Directory").WithName("ResetUserFactors")
            .WithSummary("Remove every second factor, recovery code and session of another user who lost theirs; they enrol anew (Elevate Administrator).");
        api.MapDelete("users/{id:guid}/sessions", EndSessionsAsync).WithTags("Directory").WithName("EndUserSessions")
            .WithSummary("Sign a user out of every browser at once, on every instance (Elevate Administrator).");
        api.MapPost("service-accounts/{id:guid}/tokens", CreateServiceAccountTokenAsync).WithTags("Directory").WithName("CreateServiceAccountToken")
            .WithSummary("Issue a token for a service account; the secret is shown once (Elevate Administrator).");
        return api;
    }

    private static async Task<Results<Ok<PageView<PrincipalView>>, ProblemHttpResult>> ListAsync(
        PrincipalKind kind, string? name, bool? enabled, string? cursor, int? limit, DirectoryService directory, HttpContext http, CancellationToken ct) =>
        Respond.Page(await directory.ListAsync(new DirectoryService.ListFilter(kind, name, enabled, cursor, limit), http.Actor(), ct), PrincipalView.From);

    private static async Task<Results<Created<PrincipalView>, ProblemHttpResult>> CreateAsync(
        PrincipalKind kind, NewPrincipalBody body, DirectoryService directory, HttpContext http, CancellationToken ct)
    {
        var result = await directory.CreateAsync(kind, new NewPrincipal(body.Name, body.DisplayName, body.Email, body.ManagerId, body.Description), http.Actor(), ct);
        return Respond.Created(result, p => $"/api/v1/principals/{p.Id}", PrincipalView.From);
    }

    private static async Task<Results<Ok<PrincipalView>, ProblemHttpResult>> GetAsync(Guid id, DirectoryService directory, HttpContext http, CancellationToken ct)
    {
        var result = await directory.GetAsync(id, http.Actor(), ct);
        if (result.IsSuccess)
        {
            Http.SetETag(http.Response, result.Value.Version);
        }

        return Respond.Ok(result, PrincipalView.From);
    }

    private static async Task<Results<Ok<PrincipalView>, ProblemHttpResult>> UpdateAsync(
        Guid id, PrincipalPatchBody body, DirectoryService directory, HttpContext http, CancellationToken ct)
    {
        var ifMatch = Http.IfMatch(http.Request);
        if (!ifMatch.IsSuccess)
        {
            return Problems.From(ifMatch.Error);
        }

        var changes = new PrincipalChanges(body.DisplayName, body.Email, body.ManagerId, body.ClearManager, body.Description, body.Enabled);
        var result = await directory.UpdateAsync(id, changes, ifMatch.Value, http.Actor(), ct);
        if (result.IsSuccess)
        {
            Http.SetETag(http.Response, result.Value.Version);
        }

        return Respond.Ok(result, PrincipalView.From);
    }

    private static async Task<Results<Ok<PageView<PrincipalView>>, ProblemHttpResult>> MembersAsync(
        Guid id, string? cursor, int? limit, DirectoryService directory, HttpContext http, CancellationToken ct) =>
        Respond.Page(await directory.MembersAsync(id, cursor, limit, http.Actor(), ct), PrincipalView.From);

    private static async Task<Results<NoContent, ProblemHttpResult>> AddMemberAsync(Guid id, Guid memberId, DirectoryService directory, HttpContext http, CancellationToken ct)
    {
        var result = await directory.AddMemberAsync(id, memberId, http.Actor(), ct);
        return result.IsSuccess ? TypedResults.NoContent() : Problems.From(result.Error);
    }

    private static async Task<Results<NoContent, ProblemHttpResult>> RemoveMemberAsync(Guid id, Guid memberId, DirectoryService directory, HttpContext http, CancellationToken ct)
    {
        var result = await directory.RemoveMemberAsync(id, memberId, http.Actor(), ct);
        return result.IsSuccess ? TypedResults.NoContent() : Problems.From(result.Error);
    }

    private static async Task<Results<Ok<PageView<TokenView>>, ProblemHttpResult>> ListTokensAsync(
        Guid id, string? cursor, int? limit, TokenService tokens, HttpContext http, CancellationToken ct) =>
        Respond.Page(await tokens.ListAsync(id, cursor, limit, http.Actor(), ct), TokenView.From);

    private static async Task<Results<Created<SetupSecretView>, ProblemHttpResult>> IssueSetupSecretAsync(
        Guid id, TokenService tokens, IOptions<ElevateOptions> options, HttpContext http, CancellationToken ct)
    {
        var result = await tokens.IssueSetupSecretAsync(id, http.Actor(), ct);
        var origin = options.Value.PublicUrl is { Length: > 0 } url ? url.TrimEnd('/') : $"{http.Request.Scheme}://{http.Request.Host}";

        // The secret goes after '#': browsers never send that part to a server, so it lands in no access log.
        return Respond.Created(result, _ => $"/api/v1/principals/{id}", r => new SetupSecretView(id, r.Value, r.Secret.ExpiresAt, $"{origin}/setup#{r.Value}"));
    }

    /// <summary>What a factor reset removed.</summary>
    public sealed record FactorResetView(Guid PrincipalId, int FactorsRemoved);

    private static async Task<Results<Ok<FactorResetView>, ProblemHttpResult>> ResetFactorsAsync(
        Guid id, Elevate.Core.Mfa.MfaService mfa, HttpContext http, CancellationToken ct) =>
        Respond.Ok(await mfa.ResetAsync(id, http.Actor(), ct), removed => new FactorResetView(id, removed));

    /// <summary>How many portal sessions were ended.</summary>
    public sealed record SessionsEndedView(Guid PrincipalId, int SessionsEnded);

    private static async Task<Results<Ok<SessionsEndedView>, ProblemHttpResult>> EndSessionsAsync(
        Guid id, Elevate.Core.SignIn.SignInService signIn, HttpContext http, CancellationToken ct) =>
        Respond.Ok(await signIn.EndSessionsOfAsync(id, http.Actor(), ct), ended => new SessionsEndedView(id, ended));

    private static async Task<Results<Created<IssuedTokenView>, ProblemHttpResult>> CreateServiceAccountTokenAsync(
        Guid id, NewTokenBody body, TokenService tokens, HttpContext http, CancellationToken ct)
    {
        var result = await tokens.CreateForServiceAccountAsync(id, body.Name, body.ExpiresIn, http.Actor(), ct);
        return Respond.Created(result, t => $"/api/v1/principals/{id}/tokens", t => new IssuedTokenView(TokenView.From(t.Token), t.Secret));
    }
}
