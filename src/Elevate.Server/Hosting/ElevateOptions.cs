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

    public string ResolveConnectionString() => Database.Provider switch
    {
        DatabaseProvider.Sqlite => Database.ConnectionString ?? $"Data Source={Path.Combine(DataDirectory, "elevate.db")}",
        DatabaseProvider.PostgreSql => Database.ConnectionString
            ?? throw new InvalidOperationException("Elevate:Database:ConnectionString is required for PostgreSQL."),
    };

    /// <summary>Fails fast at start on settings that cannot work.</summary>
    public IEnumerable<string> Problems()
    {
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
    }
}
