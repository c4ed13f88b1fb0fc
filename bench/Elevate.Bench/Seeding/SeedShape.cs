using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Elevate.Core.Tokens;

namespace Elevate.Bench.Seeding;

/// <summary>
/// The size and naming of the benchmark data set. Names and token secrets are derived, not stored, so every command
/// finds what the seeder made without a side file. The secrets are for benchmark databases only.
/// </summary>
public sealed class SeedShape(double scale)
{
    public const string ActivationRoleName = "bench-activation";
    public const string ActivationEligibilityScope = "/prod";
    public const string ActivationScope = "/prod/payments";
    public const string CheckerName = "bench-checker";
    public const int CustomRoles = 200;

    public static readonly string[] Environments = ["prod", "staging", "dev"];

    public static readonly string[] Applications =
    [
        "payments", "orders", "search", "billing", "identity", "catalog", "shipping", "inventory", "reporting", "analytics",
        "messaging", "gateway", "storage", "compute", "network", "monitoring", "backup", "mail", "web", "mobile",
    ];

    public static readonly string[] Components = ["api", "db", "cache", "queue", "worker"];

    public int Users { get; } = Scaled(100_000, scale);

    public int Groups { get; } = Scaled(5_000, scale);

    /// <summary>Eligibilities per user and per group: 9 x 100k + 20 x 5k = 1,000,000.</summary>
    public static int EligibleAssignmentsPerUser => 9;

    public static int EligibleAssignmentsPerGroup => 20;

    /// <summary>Users with a token and an eligibility for <see cref="ActivationRoleName"/>, for the activation benchmark.</summary>
    public int Activators { get; } = Scaled(20_000, scale);

    public int UserActivations { get; } = Scaled(30_000, scale);

    public int UserAdministratorGrants { get; } = Scaled(10_000, scale);

    public int GroupGrants { get; } = Scaled(10_000, scale);

    public int ActiveAssignments => UserActivations + UserAdministratorGrants + GroupGrants;

    public int EligibleAssignments => (Users * EligibleAssignmentsPerUser) + (Groups * EligibleAssignmentsPerGroup);

    public int OverdueExpiries { get; } = Scaled(100_000, scale);

    public static string UserName(int i) => "user" + i.ToString("D6", CultureInfo.InvariantCulture);

    public static string GroupName(int i) => "group" + i.ToString("D4", CultureInfo.InvariantCulture);

    public static string RoleName(int i) => "role-" + i.ToString("D3", CultureInfo.InvariantCulture);

    /// <summary>The first <see cref="Activators"/> users are the activators.</summary>
    public static bool IsActivator(int userIndex, SeedShape shape) => userIndex < shape.Activators;

    /// <summary>A bearer secret derived from the principal's name ("elv_" + 43 characters, as real tokens are).</summary>
    public static string TokenSecret(string principalName) =>
        Secrets.TokenPrefix + Secrets.Base64Url(SHA256.HashData(Encoding.UTF8.GetBytes("elevate-bench:" + principalName)));

    /// <summary>Every scope of the tree: "/", "/prod", "/prod/payments", "/prod/payments/api", ...</summary>
    public static IReadOnlyList<string> AllScopes()
    {
        var scopes = new List<string> { "/" };
        foreach (var env in Environments)
        {
            scopes.Add($"/{env}");
            foreach (var app in Applications)
            {
                scopes.Add($"/{env}/{app}");
                scopes.AddRange(Components.Select(c => $"/{env}/{app}/{c}"));
            }
        }

        return scopes;
    }

    /// <summary>A scope for an assignment: mostly at application level, sometimes wider or narrower.</summary>
    public static string RandomAssignmentScope(Random random)
    {
        var env = Environments[random.Next(Environments.Length)];
        var app = Applications[random.Next(Applications.Length)];
        return random.Next(100) switch
        {
            < 3 => "/",
            < 20 => $"/{env}",
            < 75 => $"/{env}/{app}",
            _ => $"/{env}/{app}/{Components[random.Next(Components.Length)]}",
        };
    }

    private static int Scaled(int count, double scale) => Math.Max(1, (int)Math.Round(count * scale));
}
