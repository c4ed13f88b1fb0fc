using System.Text.RegularExpressions;
using Elevate.Browser.Tests.Infrastructure;
using Elevate.Server.Tests.Approvals;
using Elevate.Server.Tests.Infrastructure;
using Elevate.Server.Tests.Reviews;
using Microsoft.Playwright;
using Xunit.Abstractions;

namespace Elevate.Browser.Tests;

/// <summary>
/// Every portal page, with data on it, checked by axe-core (WCAG 2.1 A and AA, best practices) in the browser, on a
/// desktop screen and, for the pages people use on call, on a phone (where nothing may scroll sideways either). Each
/// page is saved as a screenshot to look over; lesser violations are written to the test's output.
/// </summary>
[Collection(BrowserCollection.Name)]
public sealed partial class AccessibilityTests(BrowserFixture browser, ITestOutputHelper output)
{
    /// <summary>Who looks at a page: most need the administrator signed in; some are for people not signed in yet.</summary>
    public enum Visitor
    {
        Administrator,
        Anonymous,

        /// <summary>Password given, second factor still to come.</summary>
        HalfSignedIn,
    }

    /// <summary>A portal page; {braced} names in the path stand for ids of the data the test creates.</summary>
    public sealed record PortalPage(string Name, string Path, Visitor Visitor = Visitor.Administrator);

    /// <summary>Every page of the portal. A page that answers anything but 200 fails the test: add new pages here.</summary>
    public static readonly IReadOnlyList<PortalPage> Pages =
    [
        new("Home", "/"),
        new("My roles", "/roles"),
        new("My roles: eligible", "/roles?tab=eligible"),
        new("My roles: expired", "/roles?tab=expired"),
        new("My requests", "/requests"),
        new("Approvals", "/approvals"),
        new("Request to decide", "/approvals/{request}"),
        new("My reviews", "/reviews"),
        new("Review items", "/reviews/{reviewInstance}"),
        new("Administration", "/admin"),
        new("Manage reviews", "/admin/reviews"),
        new("Edit a review", "/admin/reviews/{review}"),
        new("Review instance", "/admin/reviews/instances/{reviewInstance}"),
        new("Manage roles", "/admin/roles"),
        new("Role settings", "/admin/roles/{role}"),
        new("Assignments", "/admin/assignments"),
        new("Add an assignment", "/admin/assignments/new"),
        new("Add assignments from a file", "/admin/assignments/bulk"),
        new("An assignment", "/admin/assignments/{assignment}"),
        new("Users", "/admin/users"),
        new("A user", "/admin/users/{user}"),
        new("Notifications", "/admin/notifications"),
        new("Sign-in settings", "/admin/sign-in"),
        new("Audit", "/audit"),
        new("Audit event", "/audit/{auditEvent}"),
        new("Account", "/account"),
        new("Security", "/account/security"),
        new("Tokens", "/account/tokens"),
        new("Sign in", "/signin", Visitor.Anonymous),
        new("Set up", "/setup", Visitor.Anonymous),
        new("Second factor", "/signin/factor", Visitor.HalfSignedIn),
    ];

    /// <summary>The pages someone paged at night opens on their phone.</summary>
    public static readonly IReadOnlyList<string> PhonePaths = ["/", "/approvals/{request}", "/roles"];

    private static readonly BrowserNewContextOptions Desktop = new()
    {
        ViewportSize = new() { Width = 1280, Height = 900 },
        Locale = "en-US",
        TimezoneId = "UTC",
    };

    private static readonly BrowserNewContextOptions Phone = new()
    {
        ViewportSize = new() { Width = 375, Height = 812 },
        DeviceScaleFactor = 2,
        IsMobile = true,
        HasTouch = true,
        Locale = "en-US",
        TimezoneId = "UTC",
    };

    [Fact]
    public async Task Every_portal_page_has_no_serious_accessibility_violations()
    {
        await using var elevate = await LiveElevate.StartAsync();
        await using var admin = await PortalSession.AdministratorAsync(browser, elevate, Desktop);
        var ids = await CreateDataAsync(elevate, admin);
        await using var anonymous = await PortalSession.OpenAsync(browser, elevate, Desktop);
        await using var halfSignedIn = await PortalSession.OpenAsync(browser, elevate, Desktop);
        await halfSignedIn.EnterPasswordAsync("admin");
        await Assertions.Expect(halfSignedIn.Page).ToHaveURLAsync(elevate.Url("/signin/factor"));

        var problems = new List<string>();
        foreach (var page in Pages)
        {
            var visitor = page.Visitor switch
            {
                Visitor.Anonymous => anonymous,
                Visitor.HalfSignedIn => halfSignedIn,
                _ => admin,
            };
            await CheckAsync(elevate, visitor.Page, page.Name, Resolve(page.Path, ids), problems);
        }

        var storage = await admin.Page.Context.StorageStateAsync();
        await using var phone = await browser.NewContextAsync(new BrowserNewContextOptions(Phone) { StorageState = storage });
        var phonePage = await phone.NewPageAsync();
        foreach (var path in PhonePaths)
        {
            var name = Pages.Single(p => p.Path == path).Name;
            await CheckAsync(elevate, phonePage, $"{name} on a phone", Resolve(path, ids), problems);
            var width = await phonePage.EvaluateAsync<int>("() => document.documentElement.scrollWidth");
            if (width > Phone.ViewportSize!.Width)
            {
                problems.Add($"{name} on a phone is {width} px wide on a {Phone.ViewportSize.Width} px screen: it scrolls sideways.");
            }
        }

        Assert.True(problems.Count == 0, string.Join("\n", problems));
    }

    /// <summary>Opens one page, checks it answers 200, every form it posts carries its antiforgery token and axe finds nothing serious, and saves a screenshot.</summary>
    private async Task CheckAsync(LiveElevate elevate, IPage page, string name, string path, List<string> problems)
    {
        var response = await page.GotoAsync(elevate.Url(path));
        if (response?.Status != 200)
        {
            problems.Add($"{name} ({path}) answered HTTP {response?.Status}.");
            return;
        }

        // A form the browser posts without its own antiforgery token is refused with 400, however well it renders.
        var tokenless = await page.EvaluateAsync<string[]>(
            "() => [...document.querySelectorAll('form')].filter(f => f.method === 'post' && !f.querySelector('input[name=__RequestVerificationToken]')).map(f => f.getAttribute('action') || f.id || '(this page)')");
        foreach (var form in tokenless)
        {
            problems.Add($"{name} ({path}): the form posting to {form} carries no antiforgery token.");
        }

        var screenshot = await Screenshots.SaveAsync(page, name);
        var violations = await Axe.RunAsync(page);
        var serious = violations.Where(v => v.IsSerious).ToList();
        if (serious.Count > 0)
        {
            problems.Add(Axe.Describe(name, path, serious));
        }

        output.WriteLine($"{name} ({path}): {screenshot}");
        foreach (var lesser in violations.Where(v => !v.IsSerious))
        {
            output.WriteLine($"  {lesser}"); // worth fixing, but they do not keep anyone from using the page
        }
    }

    /// <summary>
    /// What makes the pages show something: a role that waits for the administrator's approval and bob's pending
    /// request for it, roles the administrator holds, may activate and waits for (granted by a second administrator), a running access review the
    /// administrator reviews, and the audit events all this recorded. Returns the ids the page paths name.
    /// </summary>
    private static async Task<IReadOnlyDictionary<string, string>> CreateDataAsync(LiveElevate elevate, PortalSession admin)
    {
        var api = await admin.ApiAsync("accessibility");
        var adminId = await api.MyIdAsync();
        var (bobId, bob) = await elevate.CreateApiUserAsync(api, "bob");
        var (_, erin) = await elevate.CreateApiAdministratorAsync(api, "erin");

        var databases = await api.CreateRoleAsync("Database Administrator");
        (await api.RequireApprovalAsync(databases, [ApprovalScenario.Stage(adminId)])).ShouldBe(200);
        var assignment = await api.MakeEligibleAsync(bobId, databases);
        var request = await bob.ActivatePendingAsync(databases);

        var payments = await api.CreateRoleRequiringMfaAsync("Payments Operator");
        await erin.MakeEligibleAsync(adminId, payments);
        var network = await api.CreateRoleAsync("Network Operator");
        (await api.RequireApprovalAsync(network, [ApprovalScenario.Stage(bobId)])).ShouldBe(200);
        await erin.MakeEligibleAsync(adminId, network);
        await api.ActivatePendingAsync(network);
        var reader = await api.CreateRoleAsync("Log Reader");
        await erin.MakeEligibleAsync(adminId, reader);
        (await api.ActivateAsync(reader, "/", Scenario.For("PT1H"))).ShouldBe(201);

        var definition = ReviewScenario.Definition([databases], [ReviewScenario.Named(adminId)], elevate.Time.GetUtcNow());
        var review = (await api.CreateReviewAsync("Quarterly database access", definition)).ShouldBe(201).Id;
        var instance = await RunningInstanceAsync(elevate, api, review);

        var events = (await api.GetAsync("/api/v1/audit/events?limit=1")).ShouldBe(200)["items"];
        var auditEvent = events.EnumerateArray().First().GetProperty("sequence").GetInt64();

        return new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["request"] = request.ToString(),
            ["role"] = databases.ToString(),
            ["assignment"] = assignment.ToString(),
            ["user"] = bobId.ToString(),
            ["review"] = review.ToString(),
            ["reviewInstance"] = instance.ToString(),
            ["auditEvent"] = auditEvent.ToString(System.Globalization.CultureInfo.InvariantCulture),
        };
    }

    /// <summary>The review's first instance, once the scheduler (on the fake clock, nudged forward) has started it.</summary>
    private static async Task<Guid> RunningInstanceAsync(LiveElevate elevate, ApiClient api, Guid review)
    {
        for (var attempt = 0; attempt < 100; attempt++)
        {
            if (await api.InstancesOfAsync(review) is [var instance, ..])
            {
                return instance.GetProperty("id").GetGuid();
            }

            elevate.Time.Advance(TimeSpan.FromSeconds(10));
            await Task.Delay(100);
        }

        throw new TimeoutException("The access review did not start within 10 seconds.");
    }

    private static string Resolve(string path, IReadOnlyDictionary<string, string> ids) =>
        Placeholder().Replace(path, m => ids.TryGetValue(m.Groups[1].Value, out var id) ? id : throw new KeyNotFoundException($"No data for {m.Value} in {path}."));

    [GeneratedRegex(@"\{(\w+)\}")]
    private static partial Regex Placeholder();
}
