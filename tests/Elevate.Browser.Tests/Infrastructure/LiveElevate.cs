using System.Globalization;
using System.Net;
using System.Net.Sockets;
using Elevate.Server.Hosting;
using Elevate.Server.Tests.Infrastructure;
using Elevate.Server.Tests.Notifications.Support;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Time.Testing;

namespace Elevate.Browser.Tests.Infrastructure;

/// <summary>
/// Elevate started for real (its own Program) on a loopback TCP port, so that a browser can reach it; SQLite in a
/// temporary folder; a fake clock that starts at the real time, because the browser's cookies and the identity
/// provider's tokens are judged by real time, and that tests can still move forward.
/// </summary>
public sealed class LiveElevate : WebApplicationFactory<Program>
{
    private readonly IReadOnlyDictionary<string, string?> _settings;
    private readonly List<HttpClient> _clients = [];
    private readonly LoopbackSmtpServer? _smtp;

    private LiveElevate(TestDatabase database, FakeTimeProvider time, IReadOnlyDictionary<string, string?> settings, LoopbackSmtpServer? smtp = null)
    {
        Database = database;
        Time = time;
        _settings = settings;
        _smtp = smtp;
    }

    public TestDatabase Database { get; }

    public FakeTimeProvider Time { get; }

    /// <summary>The first administrator's one-time setup secret, kept instead of printed (set once started).</summary>
    public CapturedSetupSecret SetupSecret { get; } = new();

    /// <summary>http://localhost:&lt;port&gt;, without a trailing slash.</summary>
    public string BaseUrl { get; private set; } = "";

    /// <summary>The mail server Elevate sends its notifications to (see <see cref="StartWithMailAsync"/>).</summary>
    public LoopbackSmtpServer Smtp => _smtp ?? throw new InvalidOperationException("This Elevate sends no mail: start it with StartWithMailAsync.");

    /// <summary>
    /// Starts Elevate on a new SQLite database. <paramref name="settings"/> are configuration keys such as
    /// "Elevate:Authentication:OpenIdConnect:Providers:0:Authority"; they reach Program as command-line arguments, so
    /// they are visible even to code that reads configuration while the host is being built.
    /// </summary>
    public static async Task<LiveElevate> StartAsync(IReadOnlyDictionary<string, string?>? settings = null)
    {
        var database = await TestDatabase.CreateAsync(DatabaseKind.Sqlite);
        var clock = new FakeTimeProvider(TimeProvider.System.GetUtcNow()) { AutoAdvanceAmount = TimeSpan.Zero };
        return await StartServerAsync(new LiveElevate(database, clock, settings ?? new Dictionary<string, string?>()));
    }

    /// <summary>
    /// Starts Elevate with notifications mailed to an SMTP server on loopback that this Elevate owns (<see cref="Smtp"/>;
    /// read it with <see cref="LiveMail"/>). Its public URL is its own address, so the links in the mails open in the
    /// browser. A public URL has to be configured before the host starts, so the port is picked beforehand (freed by
    /// the OS a moment before Kestrel takes it) rather than by Kestrel.
    /// </summary>
    public static async Task<LiveElevate> StartWithMailAsync(IReadOnlyDictionary<string, string?>? settings = null)
    {
        var smtp = new LoopbackSmtpServer();
        try
        {
            await smtp.StartAsync();
        }
        catch
        {
            await smtp.DisposeAsync();
            throw;
        }

        var port = FreeLoopbackPort().ToString(CultureInfo.InvariantCulture);
        var all = new Dictionary<string, string?>
        {
            ["urls"] = $"http://127.0.0.1:{port}",
            ["Elevate:PublicUrl"] = $"http://localhost:{port}",
            ["Elevate:Notifications:Smtp:Host"] = smtp.Host,
            ["Elevate:Notifications:Smtp:Port"] = smtp.Port.ToString(CultureInfo.InvariantCulture),
            ["Elevate:Notifications:Smtp:Security"] = "None",
            ["Elevate:Notifications:Smtp:From"] = "elevate@example.com",
        };
        foreach (var (key, value) in settings ?? new Dictionary<string, string?>())
        {
            all[key] = value;
        }

        TestDatabase database;
        try
        {
            database = await TestDatabase.CreateAsync(DatabaseKind.Sqlite);
        }
        catch
        {
            await smtp.DisposeAsync();
            throw;
        }

        var clock = new FakeTimeProvider(TimeProvider.System.GetUtcNow()) { AutoAdvanceAmount = TimeSpan.Zero };
        return await StartServerAsync(new LiveElevate(database, clock, all, smtp));
    }

    private static async Task<LiveElevate> StartServerAsync(LiveElevate elevate)
    {
        try
        {
            elevate.UseKestrel();
            elevate.StartServer();
            elevate.BaseUrl = LoopbackApp.LocalhostUrl(elevate.Services);
            return elevate;
        }
        catch
        {
            await elevate.DisposeAsync();
            throw;
        }
    }

    /// <summary>An absolute URL on this Elevate: <c>Url("/healthz")</c>.</summary>
    public string Url(string path) => BaseUrl + path;

    /// <summary>A caller of the API over real HTTP, with or without a bearer token.</summary>
    public ApiClient Api(string? token = null)
    {
        var http = new HttpClient(new SocketsHttpHandler { AllowAutoRedirect = false, UseCookies = false }) { BaseAddress = new Uri(BaseUrl) };
        _clients.Add(http);
        return new ApiClient(http, token);
    }

    /// <summary>Exchanges the setup secret printed at start for the first administrator's API token.</summary>
    public async Task<ApiClient> RedeemAdministratorAsync()
    {
        var secret = SetupSecret.Value ?? throw new InvalidOperationException("No setup secret was issued.");
        var redeemed = (await Api().PostAsync("/api/v1/setup/redeem", new { secret })).ShouldBe(201);
        return Api(redeemed["secret"].GetString());
    }

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseEnvironment("Testing");

        // Port 0 on 127.0.0.1: the OS picks a free port without a race (Kestrel refuses port 0 on "localhost"). The
        // browser still calls it localhost, a secure context where WebAuthn works (see LoopbackApp).
        builder.UseSetting("urls", "http://127.0.0.1:0");
        builder.UseSetting("Logging:LogLevel:Default", "Warning");

        // Static files: the content root is this test's output folder, which has no wwwroot. Outside Development the
        // host does not read the static web assets manifest (which maps to the server project's wwwroot) by itself.
        builder.UseStaticWebAssets();

        builder.UseSetting("Elevate:Database:Provider", Database.Provider.ToString());
        builder.UseSetting("Elevate:Database:ConnectionString", Database.ConnectionString);
        builder.UseSetting("Elevate:DataDirectory", Database.DataDirectory);
        foreach (var (key, value) in _settings) // last, so a test may override any of the above
        {
            builder.UseSetting(key, value);
        }

        builder.ConfigureTestServices(services =>
        {
            services.RemoveAll<TimeProvider>();
            services.AddSingleton<TimeProvider>(Time);
            services.RemoveAll<ISetupSecretOutput>();
            services.AddSingleton<ISetupSecretOutput>(SetupSecret);
        });
    }

    private static int FreeLoopbackPort()
    {
        var probe = new TcpListener(IPAddress.Loopback, 0);
        probe.Start();
        try
        {
            return ((IPEndPoint)probe.LocalEndpoint).Port;
        }
        finally
        {
            probe.Stop();
        }
    }

    public override async ValueTask DisposeAsync()
    {
        foreach (var client in _clients)
        {
            client.Dispose();
        }

        await base.DisposeAsync();
        await Database.DisposeAsync();
        if (_smtp is not null)
        {
            await _smtp.DisposeAsync();
        }

        GC.SuppressFinalize(this);
    }
}
