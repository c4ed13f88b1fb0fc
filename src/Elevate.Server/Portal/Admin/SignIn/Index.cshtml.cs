using Elevate.Core.Access;
using Elevate.Core.SignIn;
using Elevate.Server.Hosting;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Options;

namespace Elevate.Server.Portal.Admin.SignIn;

/// <summary>
/// How people sign in, as configured (read-only: it lives in the configuration file): passwords and the second-factor
/// rule, session limits, and each OpenID Connect provider with a link that starts its sign-in. Client secrets never
/// reach the page.
/// </summary>
public sealed class IndexModel(Authorizer authorizer, SignInPolicy policy, IOptions<ElevateOptions> options) : PortalPage
{
    /// <summary>Always asked for besides a provider's own scopes (the handler adds them).</summary>
    public static readonly string[] StandardScopes = ["openid", "profile", "email"];

    public SignInPolicy Policy => policy;

    public IReadOnlyList<ElevateOptions.OpenIdConnectProvider> Providers => [.. options.Value.Authentication.OpenIdConnect.Providers];

    public static string Duration(TimeSpan span) => Elevate.Server.Notifications.MessageRenderer.Human(span);

    public static IEnumerable<string> Scopes(ElevateOptions.OpenIdConnectProvider provider) => StandardScopes.Concat(provider.Scopes).Distinct(StringComparer.Ordinal);

    public static string Matching(ExternalMatch match) => match switch
    {
        ExternalMatch.None => "no (only users it created or linked before)",
        ExternalMatch.UserName => "by user name",
        ExternalMatch.Email => "by e-mail address",
        _ => match.ToString(),
    };

    public IActionResult OnGet() => authorizer.Require(Actor, Permission.ReadDirectory) is null ? Page() : StatusCode(StatusCodes.Status403Forbidden);
}
