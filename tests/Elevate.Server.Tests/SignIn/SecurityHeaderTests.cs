using System.Text.RegularExpressions;
using Elevate.Server.Tests.Infrastructure;

namespace Elevate.Server.Tests.SignIn;

/// <summary>
/// Every portal page tells the browser to run only Elevate's own script files, never to frame the page, to send no
/// referrer and to keep no copy; and no page relies on script the policy forbids (inline script, inline event
/// handlers, javascript: URLs), so the policy can stay strict.
/// </summary>
public abstract partial class SecurityHeaderTests(DatabaseKind kind) : PortalTest(kind)
{
    [Fact]
    public async Task Every_portal_page_sends_a_strict_content_security_policy_and_forbids_framing_and_caching()
    {
        var failures = new List<string>();
        foreach (var (name, page) in await EveryPageAsync())
        {
            var policy = Directives(page.Header("Content-Security-Policy") ?? "");
            Expect(failures, name, "script-src", Value(policy, "script-src"), "'self'");
            Expect(failures, name, "default-src", Value(policy, "default-src"), "'self'");
            Expect(failures, name, "frame-ancestors", Value(policy, "frame-ancestors"), "'none'");
            Expect(failures, name, "object-src", Value(policy, "object-src"), "'none'");
            Expect(failures, name, "base-uri", Value(policy, "base-uri"), "'none'");
            Expect(failures, name, "form-action", Value(policy, "form-action"), "'self'");
            if (policy.Values.Any(v => v.Contains("'unsafe-inline'", StringComparison.Ordinal) || v.Contains("'unsafe-eval'", StringComparison.Ordinal)))
            {
                failures.Add($"{name}: the policy allows unsafe-inline or unsafe-eval");
            }

            Expect(failures, name, "X-Frame-Options", page.Header("X-Frame-Options"), "DENY");
            Expect(failures, name, "Referrer-Policy", page.Header("Referrer-Policy"), "no-referrer");
            Expect(failures, name, "X-Content-Type-Options", page.Header("X-Content-Type-Options"), "nosniff");
            if (!(page.Header("Cache-Control") ?? "").Contains("no-store", StringComparison.Ordinal))
            {
                failures.Add($"{name}: Cache-Control is '{page.Header("Cache-Control")}', not no-store");
            }
        }

        Assert.True(failures.Count == 0, string.Join(Environment.NewLine, failures));
    }

    [Fact]
    public async Task No_portal_page_has_inline_script_or_inline_event_handlers()
    {
        var failures = new List<string>();
        foreach (var (name, page) in await EveryPageAsync())
        {
            failures.AddRange(InlineScript().Matches(page.Html).Select(m => $"{name}: inline script {m.Value}"));
            failures.AddRange(EventHandler().Matches(page.Html).Select(m => $"{name}: inline event handler {m.Value}"));
            failures.AddRange(JavaScriptUrl().Matches(page.Html).Select(m => $"{name}: javascript: URL {m.Value}"));
            if (!page.Html.Contains("<script src=\"/js/portal.js", StringComparison.Ordinal))
            {
                failures.Add($"{name}: does not load /js/portal.js");
            }
        }

        Assert.True(failures.Count == 0, string.Join(Environment.NewLine, failures));
    }

    [Fact]
    public async Task Over_https_the_portal_sends_hsts_and_its_cookies_are_secure_http_only_and_same_site()
    {
        var alice = await UserWithTotpAsync("alice");
        var browser = Browser(https: true);

        var signInPage = (await browser.GetPageAsync("/signin")).ShouldBe(200);
        var (_, password, code) = await SignInStepsAsync(alice, browser);

        Assert.Equal("max-age=31536000", signInPage.Header("Strict-Transport-Security"));
        var cookies = new[]
        {
            (Name: "elevate_csrf", SetBy: signInPage, SameSite: "strict"),
            (Name: PortalClient.PendingCookie, SetBy: password, SameSite: "strict"),
            (Name: PortalClient.SessionCookie, SetBy: code, SameSite: "lax"),
        };
        foreach (var (name, setBy, sameSite) in cookies)
        {
            var header = setBy.SetCookie(name)?.ToLowerInvariant() ?? "";
            Assert.True(header.Contains("; secure", StringComparison.Ordinal) && header.Contains("; httponly", StringComparison.Ordinal)
                && header.Contains($"; samesite={sameSite}", StringComparison.Ordinal), $"{name}: Set-Cookie '{header}'");
        }

        // The session cookie lives as long as the browser; the server ends the session itself.
        Assert.DoesNotContain("expires=", code.SetCookie(PortalClient.SessionCookie)!, StringComparison.OrdinalIgnoreCase);
        Assert.Null((await Browser().GetPageAsync("/signin")).Header("Strict-Transport-Security"));
    }

    /// <summary>
    /// Every portal page, signed out and signed in, in the states that render the most: the factor page after the
    /// password, the security page with a pending authenticator app (QR code) and with new recovery codes, the tokens
    /// page with a new token, and My roles with an eligible role that requires MFA.
    /// </summary>
    private async Task<List<(string Name, PortalPage Page)>> EveryPageAsync()
    {
        var pages = new List<(string, PortalPage)>();
        var stranger = Browser();
        pages.Add(("/signin", (await stranger.GetPageAsync("/signin")).ShouldBe(200)));
        pages.Add(("/setup", (await stranger.GetPageAsync("/setup")).ShouldBe(200)));

        var alice = await NewUserAsync("alice");
        var started = (await alice.Browser.PostFormAsync("/account/security?handler=StartTotp")).ShouldBe(200);
        pages.Add(("/account/security (pending app)", started));
        var secret = started.TextOf("totp-secret")!;
        pages.Add(("/account/security (recovery codes)", (await alice.Browser.PostFormAsync("/account/security?handler=ConfirmTotp", new { Code = CodeNow(secret) }, started)).ShouldBe(200)));
        var role = await Admin.CreateRoleAsync("db-admin");
        (await Admin.PutAsync($"/api/v1/roles/{role}/settings", new { activation = new { requireMfa = true, requireTicket = true } })).ShouldBe(200);
        await Admin.MakeEligibleAsync(alice.Id, role);

        var browser = Browser();
        (await EnterPasswordAsync(browser, "alice", Password)).ShouldRedirectTo("/signin/factor");
        pages.Add(("/signin/factor", (await browser.GetPageAsync("/signin/factor")).ShouldBe(200)));
        (await EnterCodeAsync(browser, NextCode(secret))).ShouldRedirectTo("/");
        foreach (var path in new[] { "/", "/account", "/account/security", "/account/tokens", "/roles", "/signout" })
        {
            pages.Add((path, (await browser.GetPageAsync(path)).ShouldBe(200)));
        }

        pages.Add(("/account/tokens (new token)", (await browser.PostFormAsync("/account/tokens?handler=Create", new { Name = "cli", LifetimeDays = 30 })).ShouldBe(200)));
        return pages;
    }

    private static Dictionary<string, string> Directives(string policy) =>
        policy.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Select(d => d.Split(' ', 2))
            .ToDictionary(d => d[0], d => d.Length > 1 ? d[1].Trim() : "", StringComparer.OrdinalIgnoreCase);

    private static string? Value(Dictionary<string, string> policy, string directive) => policy.TryGetValue(directive, out var value) ? value : null;

    private static void Expect(List<string> failures, string page, string what, string? actual, string expected)
    {
        if (actual != expected)
        {
            failures.Add($"{page}: {what} is '{actual ?? "(missing)"}', expected '{expected}'");
        }
    }

    [GeneratedRegex("""<script\b(?![^>]*\bsrc\s*=)[^>]*>""", RegexOptions.IgnoreCase)]
    private static partial Regex InlineScript();

    [GeneratedRegex("""<[a-z][^>]*\son[a-z]+\s*=[^>]*>""", RegexOptions.IgnoreCase)]
    private static partial Regex EventHandler();

    [GeneratedRegex("""(?:href|src|action)\s*=\s*["']?\s*javascript:""", RegexOptions.IgnoreCase)]
    private static partial Regex JavaScriptUrl();
}

public sealed class SecurityHeaderTestsOnSqlite() : SecurityHeaderTests(DatabaseKind.Sqlite);

public sealed class SecurityHeaderTestsOnPostgres() : SecurityHeaderTests(DatabaseKind.Postgres);
