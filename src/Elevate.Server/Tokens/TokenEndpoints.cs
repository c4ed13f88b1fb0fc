using Elevate.Core.Tokens;
using Elevate.Server.Api;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Elevate.Server.Tokens;

/// <summary>Personal access tokens, and the anonymous exchange of a setup secret for a first token.</summary>
public static class TokenEndpoints
{
    public sealed record NewTokenBody(string? Name, TimeSpan? ExpiresIn);

    public sealed record RedeemBody(string? Secret, string? TokenName);

    public static RouteGroupBuilder MapTokens(this RouteGroupBuilder api)
    {
        var tokens = api.MapGroup("tokens").WithTags("Tokens");
        tokens.MapGet("", ListAsync).WithName("ListMyTokens").WithSummary("Your tokens, with last use.");
        tokens.MapPost("", CreateAsync).WithName("CreateMyToken").WithSummary("Create a personal access token; the secret is shown once.");
        tokens.MapDelete("{id:guid}", RevokeAsync).WithName("RevokeToken").WithSummary("Revoke a token (your own, or any as Elevate Administrator).");
        return api;
    }

    public static RouteGroupBuilder MapSetup(this RouteGroupBuilder anonymous)
    {
        anonymous.MapPost("setup/redeem", RedeemAsync).WithTags("Tokens").WithName("RedeemSetupSecret")
            .WithSummary("Exchange a one-time setup secret for a personal access token (no authentication).");
        return anonymous;
    }

    private static async Task<Results<Ok<PageView<TokenView>>, ProblemHttpResult>> ListAsync(
        string? cursor, int? limit, TokenService tokens, HttpContext http, CancellationToken ct)
    {
        var actor = http.Actor();
        return Respond.Page(await tokens.ListAsync(actor.PrincipalId!.Value, cursor, limit, actor, ct), TokenView.From);
    }

    private static async Task<Results<Created<IssuedTokenView>, ProblemHttpResult>> CreateAsync(NewTokenBody body, TokenService tokens, HttpContext http, CancellationToken ct) =>
        Respond.Created(await tokens.CreatePersonalAsync(body.Name, body.ExpiresIn, http.Actor(), ct), t => $"/api/v1/principals/{t.Token.PrincipalId}/tokens",
            t => new IssuedTokenView(TokenView.From(t.Token), t.Secret));

    private static async Task<Results<Ok<TokenView>, ProblemHttpResult>> RevokeAsync(Guid id, TokenService tokens, HttpContext http, CancellationToken ct) =>
        Respond.Ok(await tokens.RevokeAsync(id, http.Actor(), ct), TokenView.From);

    private static async Task<Results<Created<IssuedTokenView>, ProblemHttpResult>> RedeemAsync(RedeemBody body, TokenService tokens, HttpContext http, CancellationToken ct) =>
        Respond.Created(await tokens.RedeemSetupSecretAsync(body.Secret, body.TokenName, http.ClientAddress(), http.CorrelationId(), ct), t => $"/api/v1/principals/{t.Token.PrincipalId}/tokens",
            t => new IssuedTokenView(TokenView.From(t.Token), t.Secret));
}
