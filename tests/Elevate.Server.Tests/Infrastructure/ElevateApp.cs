using Elevate.Core.Persistence;
using Elevate.Core.Scheduling;
using Elevate.Server.Hosting;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Time.Testing;

namespace Elevate.Server.Tests.Infrastructure;

/// <summary>
/// Elevate hosted in-process on a real database, with a fake clock. Several apps may share one database (as several
/// instances behind a load balancer do) and one clock.
/// </summary>
public sealed class ElevateApp : WebApplicationFactory<Program>
{
    public static readonly DateTimeOffset Epoch = new(2026, 11, 27, 9, 0, 0, TimeSpan.Zero);

    static ElevateApp()
    {
        // Every host watches its web root (for the portal's versioned links) and its configuration files, and the
        // watcher of a disposed host's web root is not released: hundreds of hosts in one run exhaust the user's
        // inotify instances (128 by default), after which a page fails to render. Polling watchers use none.
        Environment.SetEnvironmentVariable("DOTNET_USE_POLLING_FILE_WATCHER", "true");
    }

    private readonly bool _runScheduler;

    public ElevateApp(TestDatabase database, FakeTimeProvider time, bool runScheduler = true)
    {
        Database = database;
        Time = time;
        _runScheduler = runScheduler;
    }

    public TestDatabase Database { get; }

    public FakeTimeProvider Time { get; }

    public CapturedSetupSecret SetupSecret { get; } = new();

    /// <summary>Extra configuration ("Elevate:Notifications:Smtp:Host", ...), read when the host starts.</summary>
    public Dictionary<string, string?> Settings { get; } = [];

    public GrantScheduler Scheduler => Services.GetRequiredService<GrantScheduler>();

    public static FakeTimeProvider NewClock() => new(Epoch) { AutoAdvanceAmount = TimeSpan.Zero };

    /// <summary>Starts a host on a new database (or <paramref name="database"/>) and signs the first administrator in.</summary>
    public static async Task<(ElevateApp App, ApiClient Admin)> StartAsync(DatabaseKind kind, bool runScheduler = true, Action<Dictionary<string, string?>>? settings = null)
    {
        var database = await TestDatabase.CreateAsync(kind);
        var app = new ElevateApp(database, NewClock(), runScheduler);
        settings?.Invoke(app.Settings);
        return (app, await app.RedeemAdministratorAsync());
    }

    /// <summary>Exchanges the setup secret the first start printed for the administrator's token.</summary>
    public async Task<ApiClient> RedeemAdministratorAsync()
    {
        var anonymous = Anonymous();
        await anonymous.GetAsync("/healthz");
        var secret = SetupSecret.Value ?? throw new InvalidOperationException("No setup secret was issued.");
        var redeemed = await anonymous.PostAsync("/api/v1/setup/redeem", new { secret });
        redeemed.ShouldBe(201);
        return Client(redeemed.Body.GetProperty("secret").GetString()!);
    }

    public ApiClient Anonymous() => new(CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false }), null);

    public ApiClient Client(string token) => new(CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false }), token);

    /// <summary>Moves the clock and waits until the scheduler has processed everything due by the new time.</summary>
    public async Task AdvanceAsync(TimeSpan by)
    {
        Time.Advance(by);
        await SettleAsync();
    }

    /// <summary>
    /// Waits for a scheduler pass that began after this call (so after every change made before it) and looked at
    /// what is due as of the current fake time. Without <paramref name="poke"/>, only the scheduler's own timer can
    /// start that pass.
    /// </summary>
    public async Task SettleAsync(bool poke = true)
    {
        var target = Time.GetUtcNow();
        var startedBefore = Scheduler.PassesStarted;
        if (poke)
        {
            Scheduler.Poke();
        }

        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        await Scheduler.WaitForPassAsync(p => p.Number > startedBefore && p.DueCheckedAt >= target, timeout.Token);
    }

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseEnvironment("Testing");
        builder.UseSetting("Elevate:Database:Provider", Database.Provider.ToString());
        builder.UseSetting("Elevate:Database:ConnectionString", Database.ConnectionString);
        builder.UseSetting("Elevate:DataDirectory", Database.DataDirectory);
        builder.UseSetting("Elevate:RunScheduler", _runScheduler ? "true" : "false");
        // The alert monitor evaluates in the background when changes happen; suites evaluate explicitly (or turn it on).
        builder.UseSetting("Elevate:Alerts:Enabled", "false");
        foreach (var (key, value) in Settings)
        {
            builder.UseSetting(key, value);
        }

        builder.ConfigureLogging(logging => logging.SetMinimumLevel(LogLevel.Warning));
        builder.ConfigureTestServices(services =>
        {
            services.AddSingleton<IStartupFilter, LoopbackClientAddress>();
            services.RemoveAll<TimeProvider>();
            services.AddSingleton<TimeProvider>(Time);
            services.RemoveAll<ISetupSecretOutput>();
            services.AddSingleton<ISetupSecretOutput>(SetupSecret);
        });
    }

    public override async ValueTask DisposeAsync()
    {
        await base.DisposeAsync();
        GC.SuppressFinalize(this);
    }
}

/// <summary>The in-memory test server has no network peer; give requests the loopback address a real client would have.</summary>
public sealed class LoopbackClientAddress : IStartupFilter
{
    public Action<IApplicationBuilder> Configure(Action<IApplicationBuilder> next) => app =>
    {
        app.Use((context, nextMiddleware) =>
        {
            context.Connection.RemoteIpAddress ??= System.Net.IPAddress.Loopback;
            return nextMiddleware(context);
        });
        next(app);
    };
}

/// <summary>Keeps the setup secret instead of printing it.</summary>
public sealed class CapturedSetupSecret : ISetupSecretOutput
{
    public string? Value { get; private set; }

    public void Show(string administratorName, string secret, DateTimeOffset expiresAt) => Value = secret;
}

/// <summary>The database provider name, as tests print it.</summary>
public static class DatabaseKindExtensions
{
    public static DatabaseProvider ToProvider(this DatabaseKind kind) => kind == DatabaseKind.Sqlite ? DatabaseProvider.Sqlite : DatabaseProvider.PostgreSql;
}
