using Elevate.Browser.Tests.Infrastructure;
using Microsoft.Playwright;
using Xunit.Sdk;

namespace Elevate.Browser.Tests;

/// <summary>The accessibility checker itself: it runs under the portal's strict content security policy and does
/// report what it should.</summary>
[Collection(BrowserCollection.Name)]
public sealed class AxeTests(BrowserFixture browser)
{
    [Fact]
    public async Task Axe_runs_under_the_portals_policy_and_reports_a_field_without_a_label()
    {
        await using var elevate = await LiveElevate.StartAsync();
        var (context, page) = await browser.NewPageAsync();
        await using var _ = context;
        var blocked = new List<string>();
        page.Console += (_, message) =>
        {
            if (message.Text.Contains("Content Security Policy", StringComparison.Ordinal))
            {
                blocked.Add(message.Text);
            }
        };
        var response = await page.GotoAsync(elevate.Url("/signin"));
        Assert.Contains("script-src 'self'", await response!.HeaderValueAsync("content-security-policy"), StringComparison.Ordinal);

        await Axe.AssertNoSeriousViolationsAsync(page, "Sign in");
        Assert.Equal("object", await page.EvaluateAsync<string>("() => typeof window.axe"));

        await page.EvaluateAsync("() => { const i = document.createElement('input'); i.id = 'unlabelled'; document.querySelector('main').appendChild(i); }");
        var found = await Axe.RunAsync(page);
        var label = Assert.Single(found, v => v.Id == "label");
        Assert.Equal("critical", label.Impact);
        Assert.Equal(["#unlabelled"], label.Targets);
        var failure = await Assert.ThrowsAsync<TrueException>(() => Axe.AssertNoSeriousViolationsAsync(page, "Sign in"));
        Assert.Contains("Sign in", failure.Message, StringComparison.Ordinal);
        Assert.Contains("label (critical)", failure.Message, StringComparison.Ordinal);
        Assert.Contains("#unlabelled", failure.Message, StringComparison.Ordinal);
        Assert.Empty(blocked);
    }

    [Fact]
    public async Task Screenshots_are_saved_as_full_page_pngs_in_the_artifacts_folder()
    {
        await using var elevate = await LiveElevate.StartAsync();
        var (context, page) = await browser.NewPageAsync();
        await using var _ = context;
        await page.GotoAsync(elevate.Url("/signin"));

        var path = await Screenshots.SaveAsync(page, "Sign in / self-test");

        Assert.Equal(Path.Combine(Screenshots.Folder, "sign-in-self-test.png"), path);
        var bytes = await File.ReadAllBytesAsync(path);
        Assert.Equal([0x89, (byte)'P', (byte)'N', (byte)'G'], bytes[..4]);
    }
}
