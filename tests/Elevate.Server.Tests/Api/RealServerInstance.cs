using Elevate.Server.Hosting;
using Elevate.Server.Tests.Infrastructure;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;

namespace Elevate.Server.Tests.Api;

/// <summary>
/// A second Elevate instance on the same database and clock as <paramref name="peer"/>, served by Kestrel on a
/// loopback port. The in-memory test server skips what only a real server enforces (the request body limit is a
/// Kestrel limit), so input that depends on it is sent here.
/// </summary>
public sealed class RealServerInstance : WebApplicationFactory<Program>
{
    private readonly ElevateApp _peer;

    public RealServerInstance(ElevateApp peer)
    {
        _peer = peer;
        UseKestrel(0);
    }

    /// <summary>Starts the server (once) and returns a caller of it with <paramref name="token"/>.</summary>
    public ApiClient Client(string token)
    {
        StartServer();
        var address = Services.GetRequiredService<IServer>().Features.GetRequiredFeature<IServerAddressesFeature>().Addresses.First();
        return new ApiClient(new HttpClient { BaseAddress = new Uri(address) }, token);
    }

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseEnvironment("Testing");
        builder.UseSetting("Elevate:Database:Provider", _peer.Database.Provider.ToString());
        builder.UseSetting("Elevate:Database:ConnectionString", _peer.Database.ConnectionString);
        builder.UseSetting("Elevate:DataDirectory", _peer.Database.DataDirectory);
        builder.UseSetting("Elevate:RunScheduler", "false");
        builder.ConfigureLogging(logging => logging.SetMinimumLevel(LogLevel.Warning));
        builder.ConfigureTestServices(services =>
        {
            services.RemoveAll<TimeProvider>();
            services.AddSingleton<TimeProvider>(_peer.Time);
            services.RemoveAll<ISetupSecretOutput>();
            services.AddSingleton<ISetupSecretOutput>(new CapturedSetupSecret());
        });
    }
}
