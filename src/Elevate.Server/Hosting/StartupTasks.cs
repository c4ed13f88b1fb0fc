using Elevate.Core.Access;
using Elevate.Core.Persistence;
using Elevate.Core.Setup;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Elevate.Server.Hosting;

/// <summary>The one-time start-up work that must finish before requests are served: create the data directory,
/// migrate the schema, bootstrap an empty installation, load the access index.</summary>
public sealed class StartupTasks(
    IServiceScopeFactory scopes,
    AccessIndexFeed feed,
    IOptions<ElevateOptions> options,
    ISetupSecretOutput output,
    ILogger<StartupTasks> logger) : IHostedService
{
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        var settings = options.Value;
        if (settings.Database.Provider == DatabaseProvider.Sqlite)
        {
            Directory.CreateDirectory(settings.DataDirectory);
        }

        await using (var scope = scopes.CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<ElevateDbContext>();
            await MigrateAsync(db, settings.Database.Provider, cancellationToken);
            var result = await scope.ServiceProvider.GetRequiredService<Bootstrapper>().RunAsync(settings.Bootstrap.AdministratorName, cancellationToken);
            if (result is { Administrator: { } admin, SetupSecret: { } secret, SetupSecretExpiresAt: { } expires })
            {
                output.Show(admin.Name, secret, expires);
            }

            var noticed = await scope.ServiceProvider.GetRequiredService<Elevate.Core.Notifications.NoticeBackfill>().RunAsync(cancellationToken);
            if (noticed > 0)
            {
                logger.LogInformation("Scheduled the ending and escalation notices of {Count} assignments and requests written while no channel was configured.", noticed);
            }
        }

        await feed.CatchUpAsync(cancellationToken);
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    private async Task MigrateAsync(ElevateDbContext db, DatabaseProvider provider, CancellationToken ct)
    {
        if (provider == DatabaseProvider.PostgreSql)
        {
            // Several instances may start at once against one database; a session-level advisory lock makes
            // them migrate one after another instead of racing on the same DDL.
            await db.Database.OpenConnectionAsync(ct);
            try
            {
                await db.Database.ExecuteSqlRawAsync("SELECT pg_advisory_lock(4242001)", ct);
                await db.Database.MigrateAsync(ct);
            }
            finally
            {
                await db.Database.ExecuteSqlRawAsync("SELECT pg_advisory_unlock(4242001)", CancellationToken.None);
                await db.Database.CloseConnectionAsync();
            }
        }
        else
        {
            await db.Database.MigrateAsync(ct);

            // Write-ahead logging lets readers (the check API) proceed while a change commits. The setting is
            // stored in the database file, so once is enough.
            await db.Database.ExecuteSqlRawAsync("PRAGMA journal_mode=WAL", ct);
        }

        var applied = (await db.Database.GetAppliedMigrationsAsync(ct)).LastOrDefault();
        logger.LogInformation("Database ({Provider}) is at migration {Migration}.", provider, applied);
    }
}

/// <summary>Where the first administrator's setup secret is shown.</summary>
public interface ISetupSecretOutput
{
    void Show(string administratorName, string secret, DateTimeOffset expiresAt);
}

/// <summary>
/// Writes the setup secret to the console, not to the log: logs are shipped and kept, and a secret does not belong
/// in them. The operator who started Elevate reads it once.
/// </summary>
public sealed class ConsoleSetupSecretOutput : ISetupSecretOutput
{
    public void Show(string administratorName, string secret, DateTimeOffset expiresAt)
    {
        var line = new string('=', 78);
        Console.Out.WriteLine(line);
        Console.Out.WriteLine($"  Elevate is ready. The first administrator is '{administratorName}'.");
        Console.Out.WriteLine("  Its one-time setup secret:");
        Console.Out.WriteLine();
        Console.Out.WriteLine($"    {secret}");
        Console.Out.WriteLine();
        Console.Out.WriteLine("  Set a password in the portal:  http://<host>/setup  (paste the secret there), or");
        Console.Out.WriteLine("  exchange it for an API token:");
        Console.Out.WriteLine("  curl -X POST http://<host>/api/v1/setup/redeem -H 'Content-Type: application/json' \\");
        Console.Out.WriteLine("       -d '{\"secret\": \"<the secret above>\"}'");
        Console.Out.WriteLine($"  It expires at {expiresAt:u}. Until the administrator has a password or a token, each start prints a new one.");
        Console.Out.WriteLine(line);
        Console.Out.Flush();
    }
}
