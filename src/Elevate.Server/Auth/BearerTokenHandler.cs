using System.Security.Claims;
using System.Text.Encodings.Web;
using Elevate.Core.Common;
using Elevate.Core.Tokens;
using Elevate.Server.Api;
using Microsoft.AspNetCore.Authentication;
using Microsoft.Extensions.Options;

namespace Elevate.Server.Auth;

/// <summary>
/// Authenticates <c>Authorization: Bearer elv_...</c> against the tokens in the access index (no database read per
/// request). Revoked or expired tokens and disabled principals fail. Interactive sign-in (cookies, OpenID Connect,
/// MFA) adds its own scheme next to this one.
/// </summary>
public sealed class BearerTokenHandler(
    IOptionsMonitor<AuthenticationSchemeOptions> options,
    ILoggerFactory logger,
    UrlEncoder encoder,
    TokenService tokens) : AuthenticationHandler<AuthenticationSchemeOptions>(options, logger, encoder)
{
    public const string SchemeName = "Bearer";

    protected override async Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        var header = Request.Headers.Authorization.ToString();
        if (header.Length == 0)
        {
            return AuthenticateResult.NoResult();
        }

        if (!header.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase))
        {
            return AuthenticateResult.Fail("Only bearer tokens are accepted.");
        }

        var caller = tokens.Authenticate(header["Bearer ".Length..].Trim());
        if (caller is null)
        {
            return AuthenticateResult.Fail("The token is unknown, expired or revoked, or its holder is disabled.");
        }

        await tokens.RecordUseAsync(caller, Context.ClientAddress(), Context.CorrelationId(), Context.RequestAborted);
        var identity = new ClaimsIdentity(
            [
                new Claim(ClaimTypes.Name, caller.Name),
                new Claim(CallerContext.PrincipalIdClaim, caller.PrincipalId.ToString()),
                new Claim(CallerContext.TokenIdClaim, caller.TokenId.ToString()),
                new Claim(CallerContext.KindClaim, caller.Kind.ToString()),
            ],
            SchemeName);
        return AuthenticateResult.Success(new AuthenticationTicket(new ClaimsPrincipal(identity), SchemeName));
    }

    protected override async Task HandleChallengeAsync(AuthenticationProperties properties)
    {
        Response.Headers.WWWAuthenticate = "Bearer";
        await Problems.Make(401, ErrorCodes.Unauthenticated, "Send a valid token: Authorization: Bearer <token>.").ExecuteAsync(Context);
    }

    protected override async Task HandleForbiddenAsync(AuthenticationProperties properties) =>
        await Problems.Make(403, ErrorCodes.Forbidden, "This is not allowed.").ExecuteAsync(Context);
}
