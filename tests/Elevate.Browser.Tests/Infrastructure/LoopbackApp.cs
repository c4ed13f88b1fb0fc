using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Elevate.Browser.Tests.Infrastructure;

/// <summary>
/// A small ASP.NET Core app on its own loopback port, for what a browser test needs besides Elevate: an identity
/// provider, a relying party, a static page.
/// </summary>
public sealed class LoopbackApp : IAsyncDisposable
{
    private LoopbackApp(WebApplication app, string baseUrl)
    {
        App = app;
        BaseUrl = baseUrl;
    }

    public WebApplication App { get; }

    /// <summary>http://localhost:&lt;port&gt;, without a trailing slash.</summary>
    public string BaseUrl { get; }

    public IServiceProvider Services => App.Services;

    /// <summary>A builder that reads no configuration files and listens on a free loopback port.</summary>
    public static WebApplicationBuilder CreateBuilder()
    {
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions { EnvironmentName = "Testing", ContentRootPath = AppContext.BaseDirectory });

        // The test's output folder holds Elevate's appsettings.json; a throwaway app must not pick it up.
        builder.Configuration.Sources.Clear();
        builder.Logging.ClearProviders().AddConsole().SetMinimumLevel(LogLevel.Warning);
        builder.WebHost.UseKestrel(options => ListenOnFreeLoopbackPort(options));
        return builder;
    }

    /// <summary>Starts the app built from <see cref="CreateBuilder"/> and learns its port.</summary>
    public static async Task<LoopbackApp> StartAsync(WebApplication app)
    {
        await app.StartAsync();
        return new LoopbackApp(app, LocalhostUrl(app.Services));
    }

    /// <summary>
    /// Port 0 lets the OS pick a free port without a race. Kestrel refuses port 0 on "localhost" (it would bind two
    /// addresses), so it binds 127.0.0.1 and the URL names localhost: browsers treat http://localhost as a secure
    /// context (WebAuthn needs one) and use "localhost" as the WebAuthn relying-party id.
    /// </summary>
    public static void ListenOnFreeLoopbackPort(Microsoft.AspNetCore.Server.Kestrel.Core.KestrelServerOptions options) =>
        options.Listen(IPAddress.Loopback, 0);

    /// <summary>The started server's address, spelled with "localhost".</summary>
    public static string LocalhostUrl(IServiceProvider services)
    {
        var addresses = services.GetRequiredService<IServer>().Features.GetRequiredFeature<IServerAddressesFeature>().Addresses;
        var address = new Uri(addresses.Single());
        return $"http://localhost:{address.Port}";
    }

    public async ValueTask DisposeAsync()
    {
        await App.StopAsync();
        await App.DisposeAsync();
    }
}
