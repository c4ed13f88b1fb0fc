using System.Security.Claims;
using Elevate.Core.SignIn;
using Elevate.Server.Api;
using Elevate.Server.Hosting;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Authentication.OpenIdConnect;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace Elevate.Server.Auth;

/// <summary>
/// How people sign in to the portal: a session cookie that only names a server-side <see cref="UserSession"/>
/// (checked on every request), a short-lived cookie between the password and the second factor, and one
/// OpenID Connect scheme per configured provider. The API stays bearer-only, so a browser session can never be
/// ridden into the API by another site.
/// </summary>
public static class PortalAuthentication
{
    public const string SessionScheme = "Elevate.Session";
    public const string PendingScheme = "Elevate.Pending";
    public const string ExternalScheme = "Elevate.External";
    public const string PortalPolicy = "Portal";
    public const string SessionIdClaim = "elevate:session_id";
    public const string OidcSchemePrefix = "oidc-";
    public const string ReturnUrlClaim = "elevate:return_url";

    public static AuthenticationBuilder AddPortalAuthentication(this AuthenticationBuilder auth)
    {
        auth.AddCookie(SessionScheme, o =>
        {
            o.Cookie.Name = "elevate_session";
            o.Cookie.HttpOnly = true;
            o.Cookie.SameSite = SameSiteMode.Lax;
            o.Cookie.SecurePolicy = CookieSecurePolicy.SameAsRequest;
            o.LoginPath = "/signin";
            o.LogoutPath = "/signout";
            o.AccessDeniedPath = "/";
            o.ReturnUrlParameter = "returnUrl";
            o.SlidingExpiration = false;
            o.Events.OnValidatePrincipal = ValidateSessionAsync;
        });
        auth.AddCookie(PendingScheme, o =>
        {
            o.Cookie.Name = "elevate_signin";
            o.Cookie.HttpOnly = true;
            o.Cookie.SameSite = SameSiteMode.Strict;
            o.Cookie.SecurePolicy = CookieSecurePolicy.SameAsRequest;
            o.ExpireTimeSpan = TimeSpan.FromMinutes(5);
            o.SlidingExpiration = false;
            o.LoginPath = "/signin";
        });
        auth.AddCookie(ExternalScheme, o =>
        {
            o.Cookie.Name = "elevate_external";
            o.Cookie.HttpOnly = true;
            o.Cookie.SameSite = SameSiteMode.Lax;
            o.Cookie.SecurePolicy = CookieSecurePolicy.SameAsRequest;
            o.ExpireTimeSpan = TimeSpan.FromMinutes(5);
        });

        var services = auth.Services;
        services.AddOptions<CookieAuthenticationOptions>(SessionScheme).Configure<IOptions<ElevateOptions>>((o, elevate) =>
            o.ExpireTimeSpan = elevate.Value.SignIn.AbsoluteLifetime);

        // Providers come from configuration, which is complete only once the host is built; the schemes are added
        // when authentication first needs them, not while services are being registered.
        services.AddOptions<AuthenticationOptions>().Configure<IOptions<ElevateOptions>>((o, elevate) =>
        {
            foreach (var provider in elevate.Value.Authentication.OpenIdConnect.Providers)
            {
                o.AddScheme(OidcSchemePrefix + provider.Name, b =>
                {
                    b.HandlerType = typeof(OpenIdConnectHandler);
                    b.DisplayName = provider.DisplayName ?? provider.Name;
                });
            }
        });
        services.AddSingleton<IConfigureOptions<OpenIdConnectOptions>, OidcProviderOptions>();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IPostConfigureOptions<OpenIdConnectOptions>, OpenIdConnectPostConfigureOptions>());
        services.AddAuthorizationBuilder().AddPolicy(PortalPolicy, p => p.AddAuthenticationSchemes(SessionScheme).RequireAuthenticatedUser());
        return auth;
    }

    /// <summary>
    /// The claims of a portal session: who, and which server-side session. The cookie stores no name: each request
    /// adds the current one when it validates the session.
    /// </summary>
    public static ClaimsPrincipal SessionPrincipal(Guid principalId, Guid sessionId, string? name = null) =>
        new(new ClaimsIdentity(
            [
                .. name is null ? Array.Empty<Claim>() : [new Claim(ClaimTypes.Name, name)],
                new Claim(CallerContext.PrincipalIdClaim, principalId.ToString()),
                new Claim(SessionIdClaim, sessionId.ToString()),
            ],
            SessionScheme));

    public static async Task SignInSessionAsync(this HttpContext http, UserSession session)
    {
        await http.SignInAsync(SessionScheme, SessionPrincipal(session.PrincipalId, session.Id), new AuthenticationProperties { IsPersistent = false });
        await http.SignOutAsync(PendingScheme);
    }

    /// <summary>
    /// Half signed in: the password was right and a second factor is due. This short-lived cookie only tells the
    /// factor page whose factor to ask for.
    /// </summary>
    public static async Task StartSecondFactorAsync(this HttpContext http, PasswordVerified user, string? returnUrl)
    {
        var pending = new ClaimsPrincipal(new ClaimsIdentity(
            [
                new Claim(CallerContext.PrincipalIdClaim, user.PrincipalId.ToString()),
                new Claim(ReturnUrlClaim, SsoEndpoints.LocalOrHome(returnUrl)),
            ],
            PendingScheme));
        await http.SignInAsync(PendingScheme, pending);
    }

    public static Guid? SessionId(this ClaimsPrincipal user) =>
        Guid.TryParse(user.FindFirstValue(SessionIdClaim), out var id) ? id : null;

    public static ClientInfo Client(this HttpContext http) =>
        new(http.ClientAddress(), http.Request.Headers.UserAgent.ToString() is { Length: > 0 } agent ? agent : null, http.CorrelationId());

    private static async Task ValidateSessionAsync(CookieValidatePrincipalContext context)
    {
        var sessionId = context.Principal?.SessionId();
        var signIn = context.HttpContext.RequestServices.GetRequiredService<SignInService>();
        var valid = sessionId is { } id ? await signIn.ValidateAsync(id, context.HttpContext.RequestAborted) : null;
        if (valid is null)
        {
            context.RejectPrincipal();
            await context.HttpContext.SignOutAsync(SessionScheme);
            return;
        }

        // Names can change while a session lives; the page shows the current one.
        context.ReplacePrincipal(SessionPrincipal(valid.PrincipalId, valid.Session.Id, valid.Name));
        context.HttpContext.Items[typeof(ValidSession)] = valid;
    }

    /// <summary>The session checked for this request (set by the cookie validation).</summary>
    public static ValidSession? CurrentSession(this HttpContext http) => http.Items[typeof(ValidSession)] as ValidSession;
}
