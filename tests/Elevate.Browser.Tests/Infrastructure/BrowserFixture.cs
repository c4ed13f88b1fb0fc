using Microsoft.Playwright;

namespace Elevate.Browser.Tests.Infrastructure;

/// <summary>
/// One headless Chromium for a test collection, driven by Playwright. The browser is Debian's (test.sh installs the
/// package); Playwright never downloads one. Without it the tests fail rather than skip: the portal is tested in a
/// real browser in every run.
/// </summary>
public sealed class BrowserFixture : IAsyncLifetime
{
    /// <summary>Overrides where Chromium is (a developer's machine may have it elsewhere).</summary>
    public const string ChromiumVariable = "ELEVATE_TEST_CHROMIUM";

    public const string DefaultChromiumPath = "/usr/bin/chromium";

    private IPlaywright? _playwright;
    private IBrowser? _browser;

    public IBrowser Browser => _browser ?? throw new InvalidOperationException("The browser has not been started.");

    public static string ChromiumPath =>
        Environment.GetEnvironmentVariable(ChromiumVariable) is { Length: > 0 } path ? path : DefaultChromiumPath;

    public async Task InitializeAsync()
    {
        var path = ChromiumPath;
        if (!File.Exists(path))
        {
            throw new InvalidOperationException(
                $"Chromium is not at {path}. Run the tests with ./test.sh, which installs Debian's chromium package, or set {ChromiumVariable}; browser tests are never skipped.");
        }

        _playwright = await Playwright.CreateAsync();
        _browser = await _playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = path,
            Headless = true,
            Args = ["--no-sandbox", "--disable-gpu", "--disable-background-networking"],
        });
    }

    /// <summary>
    /// A fresh browser context: its own cookies and storage, like a separate browser. Give each user in a test
    /// their own. Dispose it (await using) at the end of the test.
    /// </summary>
    public Task<IBrowserContext> NewContextAsync(BrowserNewContextOptions? options = null) =>
        Browser.NewContextAsync(options ?? new BrowserNewContextOptions { Locale = "en-US", TimezoneId = "UTC" });

    /// <summary>A fresh context with one page in it, for the common case of one user in one tab.</summary>
    public async Task<(IBrowserContext Context, IPage Page)> NewPageAsync(BrowserNewContextOptions? options = null)
    {
        var context = await NewContextAsync(options);
        return (context, await context.NewPageAsync());
    }

    public async Task DisposeAsync()
    {
        if (_browser is not null)
        {
            await _browser.DisposeAsync();
        }

        _playwright?.Dispose();
    }
}
