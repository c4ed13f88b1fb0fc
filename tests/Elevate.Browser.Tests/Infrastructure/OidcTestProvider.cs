using System.Security.Claims;
using System.Security.Cryptography;
using System.Text;
using System.Text.Encodings.Web;
using Microsoft.AspNetCore;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Primitives;
using Microsoft.IdentityModel.Tokens;
using OpenIddict.Abstractions;
using OpenIddict.Server;
using OpenIddict.Server.AspNetCore;
using static OpenIddict.Abstractions.OpenIddictConstants;

namespace Elevate.Browser.Tests.Infrastructure;

/// <summary>
/// A real OpenID Connect provider (OpenIddict) on its own loopback port: authorization code flow with PKCE required,
/// RS256-signed id_tokens, a userinfo endpoint and end-session. Its login page is a plain form (fields
/// <c>#username</c>, <c>#password</c>, button <c>#login</c>) checked against the users it was started with. It keeps
/// no session of its own: every authorization request shows the form.
/// </summary>
public sealed class OidcTestProvider : IAsyncDisposable
{
    /// <summary>The claim type that carries the user's groups (one claim, a JSON array in tokens).</summary>
    public const string GroupsClaim = "groups";

    private const string AuthorizePath = "/connect/authorize";

    private static readonly Lazy<RsaSecurityKey> SigningKey = new(() => new RsaSecurityKey(RSA.Create(2048)));

    private readonly LoopbackApp _app;
    private readonly SqliteConnection _keepAlive;

    private OidcTestProvider(LoopbackApp app, SqliteConnection keepAlive, IReadOnlyList<OidcTestUser> users)
    {
        _app = app;
        _keepAlive = keepAlive;
        Users = users;
    }

    /// <summary>The issuer, http://localhost:&lt;port&gt;/ (with the trailing slash tokens carry in "iss").</summary>
    public string Authority => _app.BaseUrl + "/";

    public IReadOnlyList<OidcTestUser> Users { get; }

    /// <summary>
    /// Starts the provider with these users and registers <paramref name="clients"/>. A client whose redirect URI is
    /// not known yet (its port is picked when it starts) is added later with <see cref="RegisterClientAsync"/>.
    /// </summary>
    public static async Task<OidcTestProvider> StartAsync(IReadOnlyList<OidcTestUser> users, params OidcTestClient[] clients)
    {
        // A named in-memory database lives as long as one connection to it is open; each DbContext opens its own
        // connection to it, because one SqliteConnection must not be used by two requests at once.
        var connectionString = $"Data Source=oidc-test-provider-{Guid.NewGuid():N};Mode=Memory;Cache=Shared";
        var keepAlive = new SqliteConnection(connectionString);
        await keepAlive.OpenAsync();
        try
        {
            return await StartAsync(connectionString, keepAlive, users, clients);
        }
        catch
        {
            await keepAlive.DisposeAsync();
            throw;
        }
    }

    private static async Task<OidcTestProvider> StartAsync(
        string connectionString, SqliteConnection keepAlive, IReadOnlyList<OidcTestUser> users, OidcTestClient[] clients)
    {
        var builder = LoopbackApp.CreateBuilder();
        builder.Services.AddDbContext<OidcTestProviderDbContext>(options =>
        {
            options.UseSqlite(connectionString);
            options.UseOpenIddict();
        });
        builder.Services.AddOpenIddict()
            .AddCore(options => options.UseEntityFrameworkCore().UseDbContext<OidcTestProviderDbContext>())
            .AddServer(options =>
            {
                options.SetAuthorizationEndpointUris(AuthorizePath.TrimStart('/'))
                    .SetTokenEndpointUris("connect/token")
                    .SetUserInfoEndpointUris("connect/userinfo")
                    .SetEndSessionEndpointUris("connect/endsession");
                options.AllowAuthorizationCodeFlow().RequireProofKeyForCodeExchange();
                options.RegisterScopes(Scopes.OpenId, Scopes.Email, Scopes.Profile, GroupsClaim);
                options.RegisterClaims(Claims.Subject, Claims.Email, Claims.Name, Claims.PreferredUsername, GroupsClaim);

                // Throwaway keys; the relying party reads the signing key from the provider's JWKS document. OpenIddict's
                // AddEphemeralSigningKey would make a new RSA key when the first request comes (seconds on this
                // machine), so one RSA key serves every provider in the run. Codes are encrypted with a symmetric key,
                // access tokens not at all, so a relying party could read them.
                options.AddSigningKey(SigningKey.Value)
                    .AddEncryptionKey(new SymmetricSecurityKey(RandomNumberGenerator.GetBytes(32)))
                    .DisableAccessTokenEncryption();
                options.UseAspNetCore()
                    .EnableAuthorizationEndpointPassthrough()
                    .EnableUserInfoEndpointPassthrough()
                    .EnableEndSessionEndpointPassthrough()
                    .DisableTransportSecurityRequirement();
            });

        var web = builder.Build();
        web.UseAuthentication();
        web.MapMethods(AuthorizePath, [HttpMethods.Get, HttpMethods.Post], (HttpContext http) => Authorize(http, users));
        Func<HttpContext, Task<IResult>> userInfo = http => UserInfoAsync(http, users);
        web.MapMethods("/connect/userinfo", [HttpMethods.Get, HttpMethods.Post], userInfo);
        web.MapMethods("/connect/endsession", [HttpMethods.Get, HttpMethods.Post], () =>
            Results.SignOut(new AuthenticationProperties { RedirectUri = "/signed-out" }, [OpenIddictServerAspNetCoreDefaults.AuthenticationScheme]));
        web.MapGet("/signed-out", () => Results.Content(Page("Signed out", "<p id=\"signed-out\">You are signed out of the test identity provider.</p>"), "text/html"));

        await using (var scope = web.Services.CreateAsyncScope())
        {
            await scope.ServiceProvider.GetRequiredService<OidcTestProviderDbContext>().Database.EnsureCreatedAsync();
        }

        // OpenIddict settles its options on first use; do it now rather than in the first request of a test.
        _ = web.Services.GetRequiredService<IOptionsMonitor<OpenIddictServerOptions>>().CurrentValue;
        var provider = new OidcTestProvider(await LoopbackApp.StartAsync(web), keepAlive, users);
        foreach (var client in clients)
        {
            await provider.RegisterClientAsync(client);
        }

        return provider;
    }

    /// <summary>Registers a confidential client allowed the code flow (PKCE required), the profile, email and groups
    /// scopes, and end-session.</summary>
    public async Task RegisterClientAsync(OidcTestClient client)
    {
        var descriptor = new OpenIddictApplicationDescriptor
        {
            ClientId = client.ClientId,
            ClientSecret = client.ClientSecret,
            ClientType = ClientTypes.Confidential,
            DisplayName = client.ClientId,
            Permissions =
            {
                Permissions.Endpoints.Authorization,
                Permissions.Endpoints.Token,
                Permissions.Endpoints.EndSession,
                Permissions.GrantTypes.AuthorizationCode,
                Permissions.ResponseTypes.Code,
                Permissions.Scopes.Email,
                Permissions.Scopes.Profile,
                Permissions.Prefixes.Scope + GroupsClaim,
            },
            Requirements = { Requirements.Features.ProofKeyForCodeExchange },
        };
        foreach (var uri in client.RedirectUris)
        {
            descriptor.RedirectUris.Add(new Uri(uri));
        }

        foreach (var uri in client.PostLogoutRedirectUris)
        {
            descriptor.PostLogoutRedirectUris.Add(new Uri(uri));
        }

        await using var scope = _app.Services.CreateAsyncScope();
        await scope.ServiceProvider.GetRequiredService<IOpenIddictApplicationManager>().CreateAsync(descriptor);
    }

    public async ValueTask DisposeAsync()
    {
        await _app.DisposeAsync();
        await _keepAlive.DisposeAsync();
    }

    /// <summary>Shows the login form; on a correct user name and password, issues the code.</summary>
    private static IResult Authorize(HttpContext http, IReadOnlyList<OidcTestUser> users)
    {
        var request = http.GetOpenIddictServerRequest() ?? throw new InvalidOperationException("Not an OpenID Connect request.");
        if (!HttpMethods.IsPost(http.Request.Method) || (string?)request["username"] is not { } userName)
        {
            return LoginForm(request, error: null);
        }

        var user = users.SingleOrDefault(u => u.UserName == userName && u.Password == (string?)request["password"]);
        if (user is null)
        {
            return LoginForm(request, "The user name or password is wrong.");
        }

        var identity = new ClaimsIdentity(authenticationType: "OidcTestProvider", nameType: Claims.Name, roleType: Claims.Role);
        identity.SetClaim(Claims.Subject, user.Subject)
            .SetClaim(Claims.Email, user.Email)
            .SetClaim(Claims.Name, user.Name)
            .SetClaim(Claims.PreferredUsername, user.UserName)
            .SetClaims(GroupsClaim, [.. user.Groups]);
        identity.SetScopes(request.GetScopes());

        // Every claim goes into the id_token as well as the access token: the relying party may read them from either.
        identity.SetDestinations(_ => [Destinations.AccessToken, Destinations.IdentityToken]);
        return Results.SignIn(new ClaimsPrincipal(identity), authenticationScheme: OpenIddictServerAspNetCoreDefaults.AuthenticationScheme);
    }

    private static async Task<IResult> UserInfoAsync(HttpContext http, IReadOnlyList<OidcTestUser> users)
    {
        var authenticated = await http.AuthenticateAsync(OpenIddictServerAspNetCoreDefaults.AuthenticationScheme);
        var subject = authenticated.Principal?.GetClaim(Claims.Subject);
        if (users.SingleOrDefault(u => u.Subject == subject) is not { } user)
        {
            return Results.Challenge(
                new AuthenticationProperties(new Dictionary<string, string?>
                {
                    [OpenIddictServerAspNetCoreConstants.Properties.Error] = Errors.InvalidToken,
                    [OpenIddictServerAspNetCoreConstants.Properties.ErrorDescription] = "The access token names no known user.",
                }),
                [OpenIddictServerAspNetCoreDefaults.AuthenticationScheme]);
        }

        return Results.Json(new Dictionary<string, object>
        {
            [Claims.Subject] = user.Subject,
            [Claims.Email] = user.Email,
            [Claims.Name] = user.Name,
            [Claims.PreferredUsername] = user.UserName,
            [GroupsClaim] = user.Groups,
        });
    }

    /// <summary>The form posts back to the authorization endpoint with the original request's parameters, so no
    /// session or return URL is needed.</summary>
    private static IResult LoginForm(OpenIddictRequest request, string? error)
    {
        var html = new StringBuilder();
        if (error is not null)
        {
            html.Append($"<p id=\"error\" role=\"alert\">{Encode(error)}</p>");
        }

        html.Append($"<form method=\"post\" action=\"{AuthorizePath}\">");
        foreach (var (name, parameter) in request.GetParameters())
        {
            if (name is "username" or "password")
            {
                continue;
            }

            foreach (var value in (StringValues)parameter)
            {
                html.Append($"<input type=\"hidden\" name=\"{Encode(name)}\" value=\"{Encode(value ?? "")}\">");
            }
        }

        html.Append("<p><label for=\"username\">User name</label> <input id=\"username\" name=\"username\" autocomplete=\"username\" required></p>");
        html.Append("<p><label for=\"password\">Password</label> <input id=\"password\" name=\"password\" type=\"password\" autocomplete=\"current-password\" required></p>");
        html.Append("<p><button id=\"login\" type=\"submit\">Sign in</button></p></form>");
        return Results.Content(Page("Sign in", html.ToString()), "text/html");
    }

    private static string Page(string title, string body) =>
        $"<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>{title} - Test identity provider</title></head>"
        + $"<body><h1>{title}</h1>{body}</body></html>";

    private static string Encode(string value) => HtmlEncoder.Default.Encode(value);
}
