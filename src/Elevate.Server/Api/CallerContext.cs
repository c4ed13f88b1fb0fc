using System.Security.Claims;
using System.Text.RegularExpressions;
using Elevate.Core.Audit;

namespace Elevate.Server.Api;

/// <summary>Who is calling, as the core understands it: the authenticated principal, its token, address and correlation id.</summary>
public static partial class CallerContext
{
    public const string PrincipalIdClaim = "elevate:principal_id";
    public const string TokenIdClaim = "elevate:token_id";
    public const string KindClaim = "elevate:principal_kind";
    public const string CorrelationHeader = "X-Correlation-Id";

    public static Actor Actor(this HttpContext http)
    {
        var user = http.User;
        var id = Guid.Parse(user.FindFirstValue(PrincipalIdClaim) ?? throw new InvalidOperationException("The endpoint requires an authenticated caller."));
        var tokenId = user.FindFirstValue(TokenIdClaim) is { } token ? Guid.Parse(token) : (Guid?)null;
        return new Actor(id, user.Identity?.Name ?? id.ToString(), tokenId, ClientAddress(http), CorrelationId(http));
    }

    /// <summary>The anonymous caller's address and correlation id, for endpoints such as setup.</summary>
    public static string? ClientAddress(this HttpContext http) => http.Connection.RemoteIpAddress?.ToString();

    /// <summary>The caller's X-Correlation-Id if it is sane, else the request's trace identifier.</summary>
    public static string CorrelationId(this HttpContext http)
    {
        var given = http.Request.Headers[CorrelationHeader].ToString();
        return given.Length is > 0 and <= 128 && SafeCorrelation().IsMatch(given) ? given : http.TraceIdentifier;
    }

    [GeneratedRegex("^[A-Za-z0-9._:-]+$", RegexOptions.CultureInvariant)]
    private static partial Regex SafeCorrelation();
}
