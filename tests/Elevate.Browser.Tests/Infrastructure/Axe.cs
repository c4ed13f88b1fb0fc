using System.Text.Json;
using Microsoft.Playwright;

namespace Elevate.Browser.Tests.Infrastructure;

/// <summary>One rule axe-core found broken on a page, with the elements that break it.</summary>
/// <param name="Impact">minor, moderate, serious or critical.</param>
/// <param name="Targets">A CSS selector for each offending element.</param>
public sealed record AxeViolation(string Id, string? Impact, string Help, string HelpUrl, IReadOnlyList<string> Targets)
{
    /// <summary>Serious and critical violations keep someone from using the page; the others make it harder.</summary>
    public bool IsSerious => Impact is "serious" or "critical";

    public override string ToString() => $"{Id} ({Impact}): {Help} [{string.Join(", ", Targets)}] {HelpUrl}";
}

/// <summary>
/// Checks a page against WCAG 2.1 A and AA and axe's best practices with axe-core, the npm package the tests pin
/// (<c>npm ci</c> in this project's folder installs it). The script is handed to the page through the DevTools
/// protocol, which the portal's content security policy does not govern: the page is checked under its real policy.
/// </summary>
public static class Axe
{
    public static readonly IReadOnlyList<string> Tags = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "best-practice"];

    private static readonly Lazy<string> Script = new(Load);

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    /// <summary>Where npm puts axe-core: under this test project's node_modules.</summary>
    public static string ScriptPath => Path.Combine(Repository.Root, "tests", "Elevate.Browser.Tests", "node_modules", "axe-core", "axe.min.js");

    /// <summary>Runs axe-core over the whole document as it is now; returns every violation, whatever its impact.</summary>
    public static async Task<IReadOnlyList<AxeViolation>> RunAsync(IPage page)
    {
        if (!await page.EvaluateAsync<bool>("() => typeof window.axe === 'object'"))
        {
            // axe.min.js assigns window.axe when run; as a function body Playwright calls it rather than parsing it.
            await page.EvaluateAsync("() => {\n" + Script.Value + "\n}");
        }

        var found = await page.EvaluateAsync<string>(
            """
            async tags => {
              const results = await axe.run(document, { runOnly: { type: 'tag', values: tags } });
              return JSON.stringify(results.violations.map(v => ({
                id: v.id, impact: v.impact, help: v.help, helpUrl: v.helpUrl,
                targets: v.nodes.map(n => n.target.join(' '))
              })));
            }
            """,
            Tags);
        return JsonSerializer.Deserialize<List<AxeViolation>>(found, Json) ?? [];
    }

    /// <summary>Fails listing each serious or critical violation on the page (id, impact, help, elements).</summary>
    public static async Task AssertNoSeriousViolationsAsync(IPage page, string pageName)
    {
        var serious = (await RunAsync(page)).Where(v => v.IsSerious).ToList();
        Assert.True(serious.Count == 0, Describe(pageName, page.Url, serious));
    }

    /// <summary>A report of violations on one page, one per line.</summary>
    public static string Describe(string pageName, string url, IEnumerable<AxeViolation> violations) =>
        $"{pageName} ({url}) has serious accessibility violations:\n" + string.Join("\n", violations.Select(v => $"  - {v}"));

    private static string Load()
    {
        var path = ScriptPath;
        if (!File.Exists(path))
        {
            throw new InvalidOperationException(
                $"axe-core is not installed at {path}: run npm ci in tests/Elevate.Browser.Tests (./test.sh does).");
        }

        return File.ReadAllText(path);
    }
}
