using System.Security.Claims;
using Elevate.Core.SignIn;
using Elevate.Server.Hosting;
using Microsoft.AspNetCore.Authentication;
using Microsoft.Extensions.Options;

namespace Elevate.Server.Auth;

/// <summary>
/// Single sign-on: <c>GET /signin/sso/{provider}</c> sends the browser to the provider; the handler takes the answer at
/// <c>/signin-oidc/{provider}</c>; <c>/signin/sso/{provider}/complete</c> matches (or creates) the Elevate user and
/// starts a portal session.
/// </summary>
public static class SsoEndpoints
{
    public static IEndpointRouteBuilder MapSso(this IEndpointRouteBuilder app)
    {
        app.MapGet("/signin/sso/{provider}", (string provider, string? returnUrl, IOptions<ElevateOptions> options) =>
        {
            if (Find(options.Value, provider) is null)
            {
                return Results.Redirect("/signin?error=sso");
            }

            var properties = new AuthenticationProperties { RedirectUri = $"/signin/sso/{provider}/complete?returnUrl={Uri.EscapeDataString(LocalOrHome(returnUrl))}" };
            return Results.Challenge(properties, [PortalAuthentication.OidcSchemePrefix + provider]);
        }).AllowAnonymous().ExcludeFromDescription();

        app.MapGet("/signin/sso/{provider}/complete", CompleteAsync).AllowAnonymous().ExcludeFromDescription();
        return app;
    }

    private static async Task<IResult> CompleteAsync(
        string provider, string? returnUrl, HttpContext http, IOptions<ElevateOptions> options, ExternalSignIn external, SignInService signIn, CancellationToken ct)
    {
        var config = Find(options.Value, provider);
        var result = await http.AuthenticateAsync(PortalAuthentication.ExternalScheme);
        await http.SignOutAsync(PortalAuthentication.ExternalScheme);
        if (config is null || !result.Succeeded || result.Principal is null)
        {
            return Results.Redirect("/signin?error=sso");
        }

        var claims = result.Principal;
        var identity = new ExternalIdentity(
            config.Name,
            claims.FindFirstValue("sub") ?? "",
            claims.FindFirstValue(config.UserNameClaim),
            claims.FindFirstValue("email_verified") is "false" ? null : claims.FindFirstValue("email"),
            claims.FindFirstValue("name"),
            config.GroupsClaim is { Length: > 0 } groups ? claims.FindAll(groups).Select(c => c.Value).Distinct(StringComparer.Ordinal).ToList() : null);
        var policy = new ExternalProviderPolicy(config.CreateUsers, config.MatchExisting, config.GroupsClaim is { Length: > 0 });
        var resolved = await external.ResolveAsync(identity, policy, http.Client(), ct);
        if (!resolved.IsSuccess)
        {
            return Results.Redirect("/signin?error=sso_user");
        }

        var session = await signIn.StartExternalSessionAsync(resolved.Value, config.Name, http.Client(), ct);
        if (!session.IsSuccess)
        {
            return Results.Redirect("/signin?error=sso");
        }

        await http.SignInSessionAsync(session.Value);
        return Results.LocalRedirect(LocalOrHome(returnUrl));
    }

    private static ElevateOptions.OpenIdConnectProvider? Find(ElevateOptions options, string name) =>
        options.Authentication.OpenIdConnect.Providers.FirstOrDefault(p => string.Equals(p.Name, name, StringComparison.Ordinal));

    /// <summary>Only local paths: an open redirect would let a phishing link end on someone else's site after sign-in.</summary>
    public static string LocalOrHome(string? url) =>
        url is { Length: > 0 and < 2000 } && url[0] == '/' && !url.StartsWith("//", StringComparison.Ordinal) && !url.StartsWith("/\\", StringComparison.Ordinal) ? url : "/";
}
