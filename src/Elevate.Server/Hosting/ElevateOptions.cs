using System.Security.Cryptography.X509Certificates;
using Elevate.Core.Persistence;

namespace Elevate.Server.Hosting;

/// <summary>The "Elevate" configuration section; docs/configuration.md describes every key.</summary>
public sealed class ElevateOptions
{
    public const string Section = "Elevate";

    /// <summary>Where Elevate keeps its files (the SQLite database by default). Created if missing.</summary>
    public string DataDirectory { get; set; } = "data";

    public DatabaseOptions Database { get; set; } = new();

    public BootstrapOptions Bootstrap { get; set; } = new();

    public ApiOptions Api { get; set; } = new();

    /// <summary>How often each instance checks the database for changes made by other instances (a safety net
    /// under PostgreSQL notifications).</summary>
    public TimeSpan ChangePollInterval { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>Run the grant scheduler in this instance (on by default; every instance may run it safely).</summary>
    public bool RunScheduler { get; set; } = true;

    /// <summary>
    /// The address users reach Elevate at (e.g. https://elevate.example.com), used for links in messages and as the
    /// WebAuthn relying party. Without it, each request's own address is used, which suits a single machine.
    /// </summary>
    public string? PublicUrl { get; set; }

    public SignInOptions SignIn { get; set; } = new();

    public DataProtectionOptions DataProtection { get; set; } = new();

    public Notifications.NotificationsOptions Notifications { get; set; } = new();

    public Alerts.AlertOptions Alerts { get; set; } = new();

    /// <summary>How the keys that encrypt TOTP secrets and cookies are themselves protected in the database.</summary>
    public sealed class DataProtectionOptions
    {
        /// <summary>A PKCS#12 (.pfx) file whose certificate encrypts the keys; every instance needs the same file.</summary>
        public string? CertificatePath { get; set; }

        public string? CertificatePassword { get; set; }

        private X509Certificate2? _certificate;

        public X509Certificate2? LoadCertificate() =>
            CertificatePath is { Length: > 0 } path ? _certificate ??= X509CertificateLoader.LoadPkcs12FromFile(path, CertificatePassword) : null;

        /// <summary>The certificate, or null when none is configured or it cannot be loaded (the validator says why).</summary>
        public X509Certificate2? TryLoadCertificate()
        {
            try
            {
                return CertificatePath is { Length: > 0 } path && File.Exists(path) && LoadCertificate() is { HasPrivateKey: true } certificate ? certificate : null;
            }
            catch (System.Security.Cryptography.CryptographicException)
            {
                return null;
            }
        }
    }

    public AuthenticationOptions Authentication { get; set; } = new();

    public sealed class SignInOptions
    {
        public TimeSpan IdleTimeout { get; set; } = TimeSpan.FromMinutes(30);

        public TimeSpan AbsoluteLifetime { get; set; } = TimeSpan.FromHours(12);

        /// <summary>Allow sign-in with a password (turn off when every user signs in through a provider).</summary>
        public bool LocalAccounts { get; set; } = true;

        /// <summary>Users without a second factor must enrol one before doing anything else.</summary>
        public bool RequireSecondFactor { get; set; } = true;

        /// <summary>Adding or removing factors and tokens needs a sign-in at most this old.</summary>
        public TimeSpan RecentSignIn { get; set; } = TimeSpan.FromMinutes(15);

        public Elevate.Core.SignIn.SignInPolicy ToPolicy() => new()
        {
            IdleTimeout = IdleTimeout,
            AbsoluteLifetime = AbsoluteLifetime,
            LocalAccounts = LocalAccounts,
            RequireSecondFactor = RequireSecondFactor,
            RecentSignIn = RecentSignIn,
        };
    }

    public sealed class AuthenticationOptions
    {
        public OpenIdConnectSection OpenIdConnect { get; set; } = new();
    }

    public sealed class OpenIdConnectSection
    {
        public IList<OpenIdConnectProvider> Providers { get; } = [];
    }

    /// <summary>One OpenID Connect provider (Entra ID, Okta, Keycloak, Google, ...); docs/configuration.md has examples.</summary>
    public sealed class OpenIdConnectProvider
    {
        /// <summary>A short identifier used in URLs: letters, digits and '-' (e.g. "entra"). The callback is /signin-oidc/{name}.</summary>
        public string Name { get; set; } = "";

        /// <summary>The label on the sign-in button.</summary>
        public string? DisplayName { get; set; }

        /// <summary>The issuer URL; its /.well-known/openid-configuration is read at first use.</summary>
        public string Authority { get; set; } = "";

        public string ClientId { get; set; } = "";

        public string? ClientSecret { get; set; }

        /// <summary>Scopes asked for besides openid, profile and email.</summary>
        public IList<string> Scopes { get; } = [];

        /// <summary>Create an Elevate user at the first sign-in of someone unknown.</summary>
        public bool CreateUsers { get; set; }

        /// <summary>How a first sign-in finds an existing Elevate user: None, UserName or Email.</summary>
        public Elevate.Core.SignIn.ExternalMatch MatchExisting { get; set; } = Elevate.Core.SignIn.ExternalMatch.None;

        /// <summary>The claim that becomes the user name of created users.</summary>
        public string UserNameClaim { get; set; } = "preferred_username";

        /// <summary>When set, the claim whose values name Elevate groups; memberships it granted follow it at each sign-in.</summary>
        public string? GroupsClaim { get; set; }

        /// <summary>Only for a provider on loopback in development and tests; never turn off in production.</summary>
        public bool RequireHttpsMetadata { get; set; } = true;
    }

    public sealed class DatabaseOptions
    {
        public DatabaseProvider Provider { get; set; } = DatabaseProvider.Sqlite;

        /// <summary>For SQLite, defaults to a file in the data directory; for PostgreSQL, required.</summary>
        public string? ConnectionString { get; set; }
    }

    public sealed class BootstrapOptions
    {
        /// <summary>The user name of the first administrator of an empty installation.</summary>
        public string AdministratorName { get; set; } = "admin";
    }

    public sealed class ApiOptions
    {
        /// <summary>Larger request bodies are refused with 413 before they are read.</summary>
        public long MaxRequestBodyBytes { get; set; } = 64 * 1024;

        /// <summary>Addresses of reverse proxies whose X-Forwarded-For is trusted for the client address.</summary>
        public IList<string> TrustedProxies { get; } = [];
    }

    private string? CertificateProblem(string path)
    {
        if (!File.Exists(path))
        {
            return $"no file at '{path}'.";
        }

        try
        {
            return DataProtection.LoadCertificate() is { HasPrivateKey: true } ? null : "the certificate has no private key.";
        }
        catch (System.Security.Cryptography.CryptographicException e)
        {
            return $"the file cannot be read as PKCS#12 with the given password ({e.Message}).";
        }
    }

    public string ResolveConnectionString() => Database.Provider switch
    {
        DatabaseProvider.Sqlite => Database.ConnectionString ?? $"Data Source={Path.Combine(DataDirectory, "elevate.db")}",
        DatabaseProvider.PostgreSql => Database.ConnectionString
            ?? throw new InvalidOperationException("Elevate:Database:ConnectionString is required for PostgreSQL."),
    };

    /// <summary>Fails fast at start on settings that cannot work.</summary>
    public IEnumerable<string> Problems()
    {
        foreach (var problem in Notifications.Problems())
        {
            yield return problem;
        }

        if (Alerts.EvaluationInterval < TimeSpan.FromSeconds(10) || Alerts.EvaluationInterval > TimeSpan.FromDays(1)
            || Alerts.MinimumGap < TimeSpan.Zero || Alerts.MinimumGap > TimeSpan.FromDays(1))
        {
            yield return "Elevate:Alerts:EvaluationInterval must be between 10 seconds and 1 day, and MinimumGap between 0 and 1 day.";
        }

        if (string.IsNullOrWhiteSpace(PublicUrl) && (Notifications.Smtp.Enabled || Notifications.Routes().Any()))
        {
            yield return "Elevate:PublicUrl is required when notifications are configured: messages link to it.";
        }

        if (!Enum.IsDefined(Database.Provider))
        {
            yield return "Elevate:Database:Provider must be Sqlite or PostgreSql.";
        }

        if (Database.Provider == DatabaseProvider.PostgreSql && string.IsNullOrWhiteSpace(Database.ConnectionString))
        {
            yield return "Elevate:Database:ConnectionString is required when the provider is PostgreSql.";
        }

        if (!Elevate.Core.Principals.PrincipalInput.IsValidName(Bootstrap.AdministratorName))
        {
            yield return "Elevate:Bootstrap:AdministratorName must be a valid user name (letters, digits, '.', '_', '-', '@'; at most 100).";
        }

        foreach (var proxy in Api.TrustedProxies)
        {
            if (!System.Net.IPAddress.TryParse(proxy, out _))
            {
                yield return $"Elevate:Api:TrustedProxies: '{proxy}' is not an IP address.";
            }
        }

        if (Api.MaxRequestBodyBytes < 1024)
        {
            yield return "Elevate:Api:MaxRequestBodyBytes must be at least 1024.";
        }

        if (ChangePollInterval <= TimeSpan.Zero)
        {
            yield return "Elevate:ChangePollInterval must be positive.";
        }

        if (DataProtection.CertificatePath is { Length: > 0 } certificatePath && CertificateProblem(certificatePath) is { } certificateProblem)
        {
            yield return $"Elevate:DataProtection:CertificatePath: {certificateProblem}";
        }

        if (PublicUrl is { Length: > 0 } && (!Uri.TryCreate(PublicUrl, UriKind.Absolute, out var publicUri) || publicUri.Scheme is not ("https" or "http")))
        {
            yield return "Elevate:PublicUrl must be an absolute http(s) URL such as https://elevate.example.com.";
        }

        if (SignIn.IdleTimeout < TimeSpan.FromMinutes(1) || SignIn.AbsoluteLifetime < SignIn.IdleTimeout || SignIn.AbsoluteLifetime > TimeSpan.FromDays(30))
        {
            yield return "Elevate:SignIn: IdleTimeout is at least 1 minute and AbsoluteLifetime between IdleTimeout and 30 days.";
        }

        if (SignIn.RecentSignIn < TimeSpan.FromMinutes(1) || SignIn.RecentSignIn > SignIn.AbsoluteLifetime)
        {
            yield return "Elevate:SignIn:RecentSignIn is at least 1 minute and at most AbsoluteLifetime.";
        }

        var names = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        for (var i = 0; i < Authentication.OpenIdConnect.Providers.Count; i++)
        {
            var provider = Authentication.OpenIdConnect.Providers[i];
            var at = $"Elevate:Authentication:OpenIdConnect:Providers:{i}";
            if (provider.Name.Length is 0 or > 40 || !provider.Name.All(c => char.IsAsciiLetterOrDigit(c) || c == '-') || !names.Add(provider.Name))
            {
                yield return $"{at}:Name must be a unique short name of letters, digits and '-'.";
            }

            if (!Uri.TryCreate(provider.Authority, UriKind.Absolute, out var authority))
            {
                yield return $"{at}:Authority must be the provider's issuer URL.";
            }
            else if (authority.Scheme != "https" && (provider.RequireHttpsMetadata || !authority.IsLoopback))
            {
                yield return $"{at}:Authority must use https (http is allowed only on loopback with RequireHttpsMetadata=false).";
            }

            if (string.IsNullOrWhiteSpace(provider.ClientId))
            {
                yield return $"{at}:ClientId is required.";
            }
        }

        if (!SignIn.LocalAccounts && Authentication.OpenIdConnect.Providers.Count == 0)
        {
            yield return "Elevate:SignIn:LocalAccounts can be off only when an OpenID Connect provider is configured.";
        }
    }
}
