using System.Security.Claims;
using Elevate.Server.Hosting;
using Microsoft.AspNetCore.Authentication.OpenIdConnect;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.Protocols.OpenIdConnect;

namespace Elevate.Server.Auth;

/// <summary>
/// Configures the OpenID Connect handler of one provider: authorization code flow with PKCE, the answer returned in
/// the query (a top-level redirect, so SameSite=Lax cookies survive it on plain http in development), claims kept
/// as the provider names them, and the result held in a short-lived cookie until Elevate has matched the user.
/// </summary>
public sealed class OidcProviderOptions(IOptions<ElevateOptions> elevate, TimeProvider time) : IConfigureNamedOptions<OpenIdConnectOptions>
{
    private static readonly string[] StandardScopes = ["openid", "profile", "email"];

    public void Configure(OpenIdConnectOptions options) => Configure(Options.DefaultName, options);

    public void Configure(string? name, OpenIdConnectOptions options)
    {
        var provider = elevate.Value.Authentication.OpenIdConnect.Providers
            .FirstOrDefault(p => PortalAuthentication.OidcSchemePrefix + p.Name == name);
        if (provider is null)
        {
            return;
        }

        options.Authority = provider.Authority;
        options.ClientId = provider.ClientId;
        options.ClientSecret = provider.ClientSecret;
        options.RequireHttpsMetadata = provider.RequireHttpsMetadata;
        options.ResponseType = OpenIdConnectResponseType.Code;
        options.ResponseMode = OpenIdConnectResponseMode.Query;
        options.UsePkce = true;
        options.CallbackPath = $"/signin-oidc/{provider.Name}";
        options.SignedOutCallbackPath = $"/signout-callback-oidc/{provider.Name}";
        options.SignInScheme = PortalAuthentication.ExternalScheme;
        options.GetClaimsFromUserInfoEndpoint = true;
        options.MapInboundClaims = false;
        options.SaveTokens = false;
        options.TimeProvider = time;
        options.Scope.Clear();
        foreach (var scope in StandardScopes.Concat(provider.Scopes).Distinct(StringComparer.Ordinal))
        {
            options.Scope.Add(scope);
        }

        options.TokenValidationParameters.NameClaimType = "name";
        options.CorrelationCookie.SameSite = SameSiteMode.Lax;
        options.NonceCookie.SameSite = SameSiteMode.Lax;
        options.CorrelationCookie.SecurePolicy = CookieSecurePolicy.SameAsRequest;
        options.NonceCookie.SecurePolicy = CookieSecurePolicy.SameAsRequest;
        if (provider.GroupsClaim is { Length: > 0 } groups)
        {
            // Keep every value of a multi-valued groups claim from the user-info answer, not only the first.
            options.ClaimActions.Add(new JsonArrayClaimAction(groups));
        }

        options.Events.OnRemoteFailure = context =>
        {
            context.Response.Redirect("/signin?error=sso");
            context.HandleResponse();
            return Task.CompletedTask;
        };
    }

    /// <summary>Adds one claim per value of a JSON array (or one for a single string).</summary>
    private sealed class JsonArrayClaimAction(string type) : Microsoft.AspNetCore.Authentication.OAuth.Claims.ClaimAction(type, ClaimValueTypes.String)
    {
        public override void Run(System.Text.Json.JsonElement userData, ClaimsIdentity identity, string issuer)
        {
            if (!userData.TryGetProperty(ClaimType, out var value))
            {
                return;
            }

            var values = value.ValueKind == System.Text.Json.JsonValueKind.Array
                ? value.EnumerateArray().Where(v => v.ValueKind == System.Text.Json.JsonValueKind.String).Select(v => v.GetString()!)
                : value.ValueKind == System.Text.Json.JsonValueKind.String ? [value.GetString()!] : [];
            foreach (var item in values)
            {
                if (!identity.HasClaim(ClaimType, item))
                {
                    identity.AddClaim(new Claim(ClaimType, item, ValueType, issuer));
                }
            }
        }
    }
}
