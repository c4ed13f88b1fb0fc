using Elevate.Bench.Cli;
using Elevate.Core.Persistence;
using Elevate.Server.Hosting;
using Microsoft.AspNetCore.Builder;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Elevate.Bench.Hosting;

/// <summary>
/// Elevate's own composition (AddElevate/UseElevate) inside the bench process, so what is measured is wired exactly as
/// in the server: the pooled context factory, ChangeSets, the commit observer, DueWork, the GrantScheduler. Most
/// benchmarks only resolve services from it; the lag benchmark starts it, hosted services and all.
/// </summary>
public static class BenchHost
{
    public static WebApplication Build(BenchOptions options, bool runScheduler = false, Action<IServiceCollection>? customize = null)
    {
        Directory.CreateDirectory(options.DataDirectory);
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions
        {
            EnvironmentName = "Production",
            ContentRootPath = options.DataDirectory,
        });
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Urls"] = "http://127.0.0.1:0",
            ["Logging:LogLevel:Default"] = "Warning",
            ["Elevate:Database:Provider"] = options.Provider.ToString(),
            ["Elevate:Database:ConnectionString"] = options.ConnectionString,
            ["Elevate:DataDirectory"] = options.DataDirectory,
            ["Elevate:RunScheduler"] = runScheduler ? "true" : "false",
        });
        builder.AddElevate();
        builder.Services.RemoveAll<ISetupSecretOutput>();
        builder.Services.AddSingleton<ISetupSecretOutput, DiscardedSetupSecret>();
        if (options.ConnectionSql is { } sql)
        {
            builder.Services.ConfigureDbContext<ElevateDbContext>(o => o.AddInterceptors(new ConnectionSetup(sql)));
        }

        customize?.Invoke(builder.Services);
        var app = builder.Build();
        app.UseElevate();
        return app;
    }

    /// <summary>Replaces the server's commit observer (index catch-up and scheduler wake-up) with one that does nothing.</summary>
    public static void WithoutCommitObserver(IServiceCollection services)
    {
        services.RemoveAll<IChangeObserver>();
        services.AddSingleton<IChangeObserver, NoCommitObserver>();
    }

    public static ElevateDbContext OpenContext(BenchOptions options) =>
        new(ElevateDatabase.Options(options.Provider, options.ConnectionString));

    /// <summary>A context with a long command timeout, for the bulk statements of seeding and analysis.</summary>
    public static ElevateDbContext OpenPatientContext(BenchOptions options)
    {
        var db = OpenContext(options);
        db.Database.SetCommandTimeout(TimeSpan.FromMinutes(30));
        return db;
    }

    private sealed class DiscardedSetupSecret : ISetupSecretOutput
    {
        // The bench never signs in as the first administrator; its tokens are seeded.
        public void Show(string administratorName, string secret, DateTimeOffset expiresAt)
        {
        }
    }

    private sealed class NoCommitObserver : IChangeObserver
    {
        public ValueTask CommittedAsync(long sequence, CancellationToken ct) => ValueTask.CompletedTask;
    }
}
