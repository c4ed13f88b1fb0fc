using Elevate.Core.Mfa;
using Elevate.Core.SignIn;
using Elevate.Server.Auth;
using Microsoft.AspNetCore.Mvc.Filters;

namespace Elevate.Server.Portal;

/// <summary>
/// The portal: server-rendered Razor Pages under <c>Portal/</c>, every page behind a portal session except sign-in
/// and setup, antiforgery on every form (Razor Pages validate it on every POST), lower-case URLs.
/// </summary>
public static class PortalSetup
{
    public static IServiceCollection AddPortal(this IServiceCollection services)
    {
        services.AddRazorPages(o =>
        {
            o.RootDirectory = "/Portal";
            o.Conventions.AuthorizeFolder("/", PortalAuthentication.PortalPolicy);
            o.Conventions.AllowAnonymousToFolder("/SignIn");
            o.Conventions.AllowAnonymousToPage("/Setup");
        })
        .AddMvcOptions(o => o.Filters.Add<SecondFactorEnrolmentFilter>())

        // No client-side validation scripts: without this the validation summary renders a hidden item with an inline
        // style, which the portal's Content-Security-Policy refuses.
        .AddViewOptions(o => o.HtmlHelperOptions.ClientValidationEnabled = false);
        services.Configure<RouteOptions>(o => o.LowercaseUrls = true);
        services.AddAntiforgery(o =>
        {
            o.Cookie.Name = "elevate_csrf";
            o.Cookie.SameSite = SameSiteMode.Strict;
            o.Cookie.SecurePolicy = CookieSecurePolicy.SameAsRequest;
            o.HeaderName = "X-CSRF-Token";
        });
        return services;
    }

    public static IEndpointRouteBuilder MapPortal(this IEndpointRouteBuilder app)
    {
        app.MapRazorPages();
        return app;
    }
}

/// <summary>
/// With <see cref="SignInPolicy.RequireSecondFactor"/>, a signed-in user who has no second factor sees only the
/// security page (to enrol one) until they have.
/// </summary>
public sealed class SecondFactorEnrolmentFilter(SignInPolicy policy, MfaService mfa) : IAsyncPageFilter
{
    private static readonly HashSet<string> Allowed = new(StringComparer.OrdinalIgnoreCase) { "/Account/Security", "/SignOut", "/Setup" };

    public Task OnPageHandlerSelectionAsync(PageHandlerSelectedContext context) => Task.CompletedTask;

    public async Task OnPageHandlerExecutionAsync(PageHandlerExecutingContext context, PageHandlerExecutionDelegate next)
    {
        var session = context.HttpContext.CurrentSession();
        if (policy.RequireSecondFactor && session is not null && !Allowed.Contains(context.ActionDescriptor.ViewEnginePath))
        {
            if ((await mfa.EnrolledAsync(session.PrincipalId, context.HttpContext.RequestAborted)).Count == 0)
            {
                context.Result = new Microsoft.AspNetCore.Mvc.RedirectResult("/account/security?enrol=required");
                return;
            }
        }

        await next();
    }
}
