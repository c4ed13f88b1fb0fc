using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using Elevate.Bench.Cli;
using Elevate.Bench.Hosting;
using Elevate.Bench.Measurement;
using Elevate.Bench.Seeding;
using Elevate.Core.Common;
using Elevate.Core.Mfa;
using Microsoft.EntityFrameworkCore;

namespace Elevate.Bench.Benchmarks;

/// <summary>
/// What each portal page costs on the seeded data set (100,000 users, 1,000,000 eligible assignments, ~1,100,000
/// audit events): the Release server as a separate process on loopback, the first administrator signed in to the
/// portal (through a fresh setup link, as an administrator who lost their password would), and every page fetched
/// one after another as a browser would, without following redirects. The time is the client's, from sending the
/// request to the last byte of the page, so it includes loopback HTTP and the page's HTML; the server's own time is
/// at most this.
/// </summary>
public static class PageBench
{
    private const int WarmUp = 3;
    private const int Samples = 40;
    private const string Password = "violet harbour lantern tide";
    private const double PageTargetMs = 100;
    private const double AssignmentsByRoleTargetMs = 150;
    private const double AuditSearchTargetMs = 200;

    private sealed record PageCase(string Name, string Path, double TargetMs);

    public static async Task RunAsync(BenchOptions options, ResultLog log, CancellationToken ct)
    {
        var administratorToken = await SignInBench.EnsureAdministratorTokenAsync(options, ct);
        await using var server = await ServerProcess.StartAsync(options, ct);
        using var api = new HttpClient { BaseAddress = server.Address };
        api.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", administratorToken);

        Guid administratorId, roleId, userId;
        long lastSequence;
        await using (var db = BenchHost.OpenContext(options))
        {
            administratorId = await db.Principals.Where(p => p.Name == "admin").Select(p => p.Id).SingleAsync(ct);
            userId = await db.Principals.Where(p => p.Name == SeedShape.UserName(50_000)).Select(p => p.Id).SingleAsync(ct);
            roleId = await db.Roles.Where(r => r.Name == SeedShape.RoleName(1)).Select(r => r.Id).SingleAsync(ct);
            lastSequence = (await db.AuditHead.AsNoTracking().SingleAsync(ct)).LastSequence;
        }

        using var browser = await SignInAsync(options, server.Address, api, administratorId, ct);
        var user = SeedShape.UserName(50_000);
        PageCase[] pages =
        [
            new("home", "/", PageTargetMs),
            new("my roles", "/roles", PageTargetMs),
            new("my roles, eligible", "/roles?tab=eligible", PageTargetMs),
            new("my roles, expired", "/roles?tab=expired", PageTargetMs),
            new("my requests", "/requests", PageTargetMs),
            new("approvals", "/approvals", PageTargetMs),
            new("my reviews", "/reviews", PageTargetMs),
            new("administration", "/admin", PageTargetMs),
            new("admin: roles", "/admin/roles", PageTargetMs),
            new("admin: role settings", $"/admin/roles/{roleId}", PageTargetMs),
            new("admin: assignments, first page", "/admin/assignments", PageTargetMs),
            new("admin: assignments filtered by a role", $"/admin/assignments?role={SeedShape.RoleName(1)}", AssignmentsByRoleTargetMs),
            new("admin: assignments filtered by a principal", $"/admin/assignments?principal={user}", PageTargetMs),
            new("admin: assignments filtered by a role, eligible, open", $"/admin/assignments?role={SeedShape.RoleName(1)}&kind=eligible&state=open", AssignmentsByRoleTargetMs),
            new("admin: a user", $"/admin/users/{userId}", PageTargetMs),
            new("admin: users, first page", "/admin/users", PageTargetMs),
            new("admin: users, search", "/admin/users?q=user0500", PageTargetMs),
            new("admin: notification channels", "/admin/notifications", PageTargetMs),
            new("admin: sign-in providers", "/admin/sign-in", PageTargetMs),
            new("admin: access reviews", "/admin/reviews", PageTargetMs),
            new("audit, newest first", "/audit", AuditSearchTargetMs),
            new("audit search by principal", $"/audit?principal={user}", AuditSearchTargetMs),
            new("audit search by action", "/audit?action=assignment.created", AuditSearchTargetMs),
            new("audit event", $"/audit/{lastSequence}", PageTargetMs),
            new("account", "/account", PageTargetMs),
            new("security", "/account/security", PageTargetMs),
        ];

        for (var run = 1; run <= options.Runs; run++)
        {
            foreach (var page in pages)
            {
                var timings = await MeasureAsync(browser, page, ct);
                var p95 = timings.P(0.95);
                log.Add($"page {page.Name}", $"p50 {Ms(timings.P(0.50))}, p95 {Ms(p95)}", $"p95 <= {page.TargetMs:0} ms", p95 <= page.TargetMs, run,
                    $"GET {page.Path}: {Samples} sequential after {WarmUp} warm-up; max {Ms(timings.P(1))}; {timings.Bytes / 1024.0:0.0} KiB");
            }
        }
    }

    /// <summary>
    /// A portal session for the first administrator: a new setup link through the API, then /setup with a password.
    /// The first run enrols an authenticator app and keeps its secret in the data directory (administrators may not
    /// reset their own factors); later runs answer the factor page with it.
    /// </summary>
    private static async Task<PortalBrowser> SignInAsync(BenchOptions options, Uri server, HttpClient api, Guid administratorId, CancellationToken ct)
    {
        var secretFile = Path.Combine(options.DataDirectory, $"pages-admin-totp-{options.ProviderName}.txt");
        var setup = await SignInBench.SendAsync(api, HttpMethod.Post, $"/api/v1/users/{administratorId}/setup-secret", null, HttpStatusCode.Created, ct);
        var browser = new PortalBrowser(server);
        var form = await browser.GetAsync("/setup", ct);
        var signedIn = await browser.PostAsync("/setup", form,
            [("Secret", setup.GetProperty("secret").GetString()!), ("NewPassword", Password), ("ConfirmPassword", Password)], ct);
        if (signedIn.RedirectPath == "/signin/factor")
        {
            var saved = File.Exists(secretFile) ? Base32.Decode(File.ReadAllText(secretFile).Trim()) : null;
            if (saved is null)
            {
                throw new InvalidOperationException($"The administrator has a second factor this benchmark did not enrol (no {secretFile}); seed a fresh database.");
            }

            await WaitForNextStepAsync(ct);
            var factor = await browser.PostAsync("/signin/factor", await browser.GetAsync("/signin/factor", ct), [("Code", Totp.Code(saved, Totp.StepAt(TimeProvider.System.GetUtcNow())))], ct);
            factor.ShouldRedirectTo("/");
            return browser;
        }

        signedIn.ShouldRedirectTo("/account/security");
        var started = await browser.PostAsync("/account/security?handler=StartTotp", await browser.GetAsync("/account/security", ct), [], ct);
        var text = started.TextOf("totp-secret") ?? throw started.Unexpected("no authenticator secret");
        var secret = Base32.Decode(text)!;
        await WaitForNextStepAsync(ct);
        var confirmed = await browser.PostAsync("/account/security?handler=ConfirmTotp", started, [("Code", Totp.Code(secret, Totp.StepAt(TimeProvider.System.GetUtcNow())))], ct);
        if (confirmed.Section("recovery-codes") is null)
        {
            throw confirmed.Unexpected($"the authenticator app was not confirmed: {confirmed.Html[..Math.Min(3000, confirmed.Html.Length)]}");
        }

        Directory.CreateDirectory(options.DataDirectory);
        await File.WriteAllTextAsync(secretFile, text, ct);
        return browser;
    }

    /// <summary>A code works once: waits (untimed) for the next 30-second step so this run's code is a new one.</summary>
    private static async Task WaitForNextStepAsync(CancellationToken ct)
    {
        var now = TimeProvider.System.GetUtcNow();
        var next = DateTimeOffset.FromUnixTimeSeconds((Totp.StepAt(now) + 1) * (long)Totp.Period.TotalSeconds);
        await Task.Delay(next - now + TimeSpan.FromMilliseconds(20), ct);
    }

    private static async Task<Timings> MeasureAsync(PortalBrowser browser, PageCase page, CancellationToken ct)
    {
        var timings = new Timings();
        for (var i = 0; i < WarmUp + Samples; i++)
        {
            var start = Stopwatch.GetTimestamp();
            var answer = await browser.GetAsync(page.Path, ct);
            var elapsed = Stopwatch.GetElapsedTime(start);
            if (answer.Status != 200)
            {
                throw answer.Unexpected($"GET {page.Path} did not return the page");
            }

            if (i >= WarmUp)
            {
                timings.Add(elapsed.TotalMilliseconds, answer.Html.Length);
            }
        }

        return timings;
    }

    private static string Ms(double ms) => $"{ms:0.0} ms";

    /// <summary>Page times in milliseconds; percentiles by nearest rank (each one a value that was measured).</summary>
    private sealed class Timings
    {
        private readonly List<double> _ms = [];

        public long Bytes { get; private set; }

        public void Add(double ms, int bytes)
        {
            _ms.Add(ms);
            Bytes = bytes;
        }

        public double P(double percentile)
        {
            var sorted = _ms.Order().ToList();
            return sorted[Math.Clamp((int)Math.Ceiling(percentile * sorted.Count) - 1, 0, sorted.Count - 1)];
        }
    }
}
