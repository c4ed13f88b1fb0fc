using System.Text;
using Microsoft.Playwright;

namespace Elevate.Browser.Tests.Infrastructure;

/// <summary>
/// Full-page pictures of what the browser showed, kept as test artifacts for a person to look over (layout, a phone's
/// narrow screen): in TestResults/screenshots at the repository's root, or in the folder the environment names.
/// </summary>
public static class Screenshots
{
    public const string FolderVariable = "ELEVATE_SCREENSHOTS";

    public static string Folder =>
        Environment.GetEnvironmentVariable(FolderVariable) is { Length: > 0 } folder
            ? folder
            : Path.Combine(Repository.Root, "TestResults", "screenshots");

    /// <summary>Saves the whole page as &lt;name&gt;.png (the name made safe for a file) and returns the file's path.</summary>
    public static async Task<string> SaveAsync(IPage page, string name)
    {
        Directory.CreateDirectory(Folder);
        var path = Path.Combine(Folder, FileName(name) + ".png");
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = path, FullPage = true });
        return path;
    }

    private static string FileName(string name)
    {
        var file = new StringBuilder(name.Length);
        foreach (var c in name.Trim().ToLowerInvariant())
        {
            var safe = char.IsAsciiLetterOrDigit(c) || c is '-' or '_' || c == '.' ? c : '-';
            if (safe != '-' || (file.Length > 0 && file[^1] != '-'))
            {
                file.Append(safe);
            }
        }

        return file.ToString().Trim('-') is { Length: > 0 } safeName ? safeName : "page";
    }
}
