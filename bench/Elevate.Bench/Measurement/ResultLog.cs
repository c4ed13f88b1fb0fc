using System.Globalization;
using System.Text;
using System.Text.Json;

namespace Elevate.Bench.Measurement;

/// <summary>One measured figure against its target.</summary>
public sealed record BenchResult(
    string Provider,
    string Benchmark,
    string Measured,
    string Target,
    bool? Pass,
    int Run,
    string Notes,
    DateTimeOffset At,
    string LoadAverage);

/// <summary>Prints each result and appends it to a JSON-lines file that <c>report</c> turns into markdown tables.</summary>
public sealed class ResultLog(string file, string provider, string label = "")
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    public void Add(string benchmark, string measured, string target, bool? pass, int run, string notes)
    {
        var result = new BenchResult(provider, benchmark + label, measured, target, pass, run, notes, DateTimeOffset.UtcNow, LoadAverage());
        var verdict = pass switch { true => "PASS", false => "MISS", null => "info" };
        Console.WriteLine($"[{provider}] {benchmark} (run {run}): {measured}   target {target}   {verdict}   {notes}   (load {result.LoadAverage})");
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(file))!);
        File.AppendAllText(file, JsonSerializer.Serialize(result, Json) + "\n");
    }

    public static void Info(string message) => Console.WriteLine($"  {message}");

    /// <summary>The 1- and 5-minute load averages when the figure was taken: on 2 cores, anything above ~1 means other work competed.</summary>
    public static string LoadAverage() =>
        File.Exists("/proc/loadavg") ? string.Join(' ', File.ReadAllText("/proc/loadavg").Split(' ').Take(2)) : "?";

    /// <summary>The results of <paramref name="file"/>, one markdown table per provider, in the order measured.</summary>
    public static string Markdown(string file)
    {
        var results = File.ReadAllLines(file).Where(l => l.Length > 0).Select(l => JsonSerializer.Deserialize<BenchResult>(l, Json)!).ToList();
        var text = new StringBuilder();
        foreach (var provider in results.GroupBy(r => r.Provider))
        {
            text.AppendLine(CultureInfo.InvariantCulture, $"### {provider.Key}").AppendLine();
            text.AppendLine("| benchmark | run | measured | target | result | notes | load 1m 5m |");
            text.AppendLine("| --- | --- | --- | --- | --- | --- | --- |");
            foreach (var r in provider)
            {
                var verdict = r.Pass switch { true => "pass", false => "**miss**", null => "" };
                text.AppendLine(CultureInfo.InvariantCulture, $"| {r.Benchmark} | {r.Run} | {r.Measured} | {r.Target} | {verdict} | {r.Notes} | {r.LoadAverage} |");
            }

            text.AppendLine();
        }

        return text.ToString();
    }
}
