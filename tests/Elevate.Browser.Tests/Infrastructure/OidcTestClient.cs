namespace Elevate.Browser.Tests.Infrastructure;

/// <summary>A relying party registered at the <see cref="OidcTestProvider"/>: a confidential client that must use
/// PKCE.</summary>
public sealed record OidcTestClient(string ClientId, string ClientSecret, IReadOnlyList<string> RedirectUris, IReadOnlyList<string> PostLogoutRedirectUris)
{
    public const string ElevateClientId = "elevate";

    public const string ElevateClientSecret = "elevate-test-client-secret";

    /// <summary>
    /// Elevate as a client of the provider named <paramref name="providerName"/> in its configuration: it signs in at
    /// {elevateBaseUrl}/signin-oidc/{providerName} and comes back from sign-out at
    /// {elevateBaseUrl}/signout-callback-oidc/{providerName}.
    /// </summary>
    public static OidcTestClient ForElevate(string elevateBaseUrl, string providerName) => new(
        ElevateClientId,
        ElevateClientSecret,
        [$"{elevateBaseUrl}/signin-oidc/{providerName}"],
        [$"{elevateBaseUrl}/signout-callback-oidc/{providerName}"]);
}
