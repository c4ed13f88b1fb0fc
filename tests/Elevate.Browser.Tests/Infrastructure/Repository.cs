namespace Elevate.Browser.Tests.Infrastructure;

/// <summary>
/// The repository the tests were built from, found by walking up from the test's output folder: the tests read files
/// that are not copied to it (the server's web root, the npm packages) and write artifacts beside the code.
/// </summary>
public static class Repository
{
    private static readonly Lazy<string> FoundRoot = new(Find);

    /// <summary>The folder that holds Elevate.slnx.</summary>
    public static string Root => FoundRoot.Value;

    private static string Find()
    {
        var directory = new DirectoryInfo(AppContext.BaseDirectory);
        while (directory is not null && !File.Exists(Path.Combine(directory.FullName, "Elevate.slnx")))
        {
            directory = directory.Parent;
        }

        return directory?.FullName ?? throw new InvalidOperationException("The tests do not run inside the repository (no Elevate.slnx above the test's output folder).");
    }
}
