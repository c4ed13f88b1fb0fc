using Elevate.Browser.Tests.Infrastructure;
using Elevate.Server.Hosting;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Configuration.CommandLine;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Microsoft.Playwright;

namespace Elevate.Browser.Tests;

[Collection(BrowserCollection.Name)]
public sealed class LiveElevateTests(BrowserFixture browser)
{
    [Fact]
    public async Task Chromium_loads_health_and_api_docs_from_a_live_Elevate()
    {
        await using var elevate = await LiveElevate.StartAsync();
        var (context, page) = await browser.NewPageAsync();
        await using var _ = context;

        var health = await page.GotoAsync(elevate.Url("/healthz"));
        Assert.Equal(200, health?.Status);
        Assert.Equal("ok", (await health!.JsonAsync())?.GetProperty("status").GetString());

        var docs = await page.GotoAsync(elevate.Url("/docs"));
        Assert.Equal(200, docs?.Status);
        await Assertions.Expect(page).ToHaveTitleAsync("Elevate API");
        await Assertions.Expect(page.GetByText("Just-in-time privileged access").First).ToBeVisibleAsync();
    }

    [Fact]
    public async Task Live_Elevate_serves_every_file_of_the_servers_web_root()
    {
        // The host's content root is the test's output folder, which has no wwwroot; the files come from the
        // project through its static web assets manifest.
        var webRoot = Path.Combine(Repository.Root, "src", "Elevate.Server", "wwwroot");
        var files = Directory.EnumerateFiles(webRoot, "*", SearchOption.AllDirectories).ToList();
        Assert.NotEmpty(files);
        await using var elevate = await LiveElevate.StartAsync();
        var http = elevate.Api().Http;

        foreach (var file in files)
        {
            var path = "/" + Path.GetRelativePath(webRoot, file).Replace('\\', '/');
            using var response = await http.GetAsync(path);
            Assert.True(response.IsSuccessStatusCode, $"GET {path} answered HTTP {(int)response.StatusCode}.");
        }
    }

    [Fact]
    public async Task Live_Elevate_runs_on_a_fake_clock_that_starts_at_the_real_time()
    {
        await using var elevate = await LiveElevate.StartAsync();

        Assert.Same(elevate.Time, elevate.Services.GetRequiredService<TimeProvider>());
        Assert.InRange(elevate.Time.GetUtcNow() - TimeProvider.System.GetUtcNow(), TimeSpan.FromMinutes(-1), TimeSpan.FromMinutes(1));
        Assert.StartsWith("http://localhost:", elevate.BaseUrl, StringComparison.Ordinal);

        var admin = await elevate.RedeemAdministratorAsync();
        (await admin.GetAsync("/api/v1/roles")).ShouldBe(200);
    }

    [Fact]
    public async Task Settings_reach_Elevate_before_its_host_is_built()
    {
        await using var elevate = await LiveElevate.StartAsync(new Dictionary<string, string?> { ["Elevate:Bootstrap:AdministratorName"] = "root" });

        // Command-line arguments are read by WebApplication.CreateBuilder, so code that reads configuration while
        // services are registered (an authentication scheme per configured provider, say) sees the setting too.
        var configuration = (IConfigurationRoot)elevate.Services.GetRequiredService<IConfiguration>();
        var fromArguments = configuration.Providers.OfType<CommandLineConfigurationProvider>()
            .Any(p => p.TryGet("Elevate:Bootstrap:AdministratorName", out var name) && name == "root");
        Assert.True(fromArguments, "The setting did not arrive as a command-line argument.");
        Assert.Equal("root", elevate.Services.GetRequiredService<IOptions<ElevateOptions>>().Value.Bootstrap.AdministratorName);
    }
}
