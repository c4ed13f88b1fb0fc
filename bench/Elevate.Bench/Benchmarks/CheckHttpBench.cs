using Elevate.Bench.Cli;
using Elevate.Bench.Hosting;
using Elevate.Bench.Measurement;
using Elevate.Bench.Seeding;

namespace Elevate.Bench.Benchmarks;

/// <summary>
/// GET /api/v1/check against the Release server with wrk on the same 2-core machine: every request authenticated with
/// the checker service account's token (Access Checker active at "/"), rotating through 20,000 different questions.
/// </summary>
public static class CheckHttpBench
{
    private static readonly (int Threads, int Connections)[] Settings = [(1, 8), (1, 16), (2, 16), (2, 32)];

    public static async Task RunAsync(BenchOptions options, ResultLog log, CancellationToken ct)
    {
        var cases = await CheckCases.LoadAsync(options, 20_000, ct);
        var folder = Directory.CreateTempSubdirectory("elevate-wrk-").FullName;
        var paths = Path.Combine(folder, "paths.txt");
        await File.WriteAllLinesAsync(paths, cases.Select(c => c.Path), ct);
        var script = Path.Combine(folder, "check.lua");
        await File.WriteAllTextAsync(script, LuaScript(paths, SeedShape.TokenSecret(SeedShape.CheckerName)), ct);

        try
        {
            await MeasureAsync(options, log, script, cases[0], ct);
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    private static async Task MeasureAsync(BenchOptions options, ResultLog log, string script, CheckCase sample, CancellationToken ct)
    {
        await using var server = await ServerProcess.StartAsync(options, ct);
        await ShowOneAnswerAsync(server.Address, sample, ct);

        // JIT, tiered compilation and connection set-up happen here, not in the measured runs.
        await Wrk.RunAsync(server.Address, script, 2, 32, 10, ct);

        for (var run = 1; run <= options.Runs; run++)
        {
            foreach (var (threads, connections) in Settings)
            {
                var result = await Wrk.RunAsync(server.Address, script, threads, connections, options.WrkSeconds, ct);
                var pass = result.RequestsPerSecond >= 10_000 && result.P99Micros <= 5_000 && result.Errors == 0 && result.Non2xx == 0;
                log.Add($"check HTTP (wrk -t{threads} -c{connections})", $"{result.RequestsPerSecond:N0} req/s, p99 {LatencySummary.Format(result.P99Micros)}",
                    "≥ 10,000 req/s and p99 ≤ 5 ms", pass, run,
                    $"{options.WrkSeconds} s run, {result.Requests:N0} requests, p50 {LatencySummary.Format(result.P50Micros)}, p90 {LatencySummary.Format(result.P90Micros)}, " +
                    $"socket errors {result.Errors}, non-2xx {result.Non2xx}");
            }
        }
    }

    private static async Task ShowOneAnswerAsync(Uri server, CheckCase sample, CancellationToken ct)
    {
        using var http = new HttpClient { BaseAddress = server };
        using var request = new HttpRequestMessage(HttpMethod.Get, new Uri(sample.Path, UriKind.Relative));
        request.Headers.Authorization = new("Bearer", SeedShape.TokenSecret(SeedShape.CheckerName));
        using var response = await http.SendAsync(request, ct);
        var body = await response.Content.ReadAsStringAsync(ct);
        ResultLog.Info($"sample GET {sample.Path} -> {(int)response.StatusCode} {body}");
        response.EnsureSuccessStatusCode();
    }

    /// <summary>Each wrk thread walks the list from its own offset, so connections ask different questions.</summary>
    private static string LuaScript(string pathsFile, string token) => $$"""
        local paths = {}
        for line in io.lines("{{pathsFile}}") do paths[#paths + 1] = line end
        local count = #paths
        local threads = 0
        wrk.headers["Authorization"] = "Bearer {{token}}"

        function setup(thread)
          threads = threads + 1
          thread:set("offset", threads * 4099)
        end

        function init(args)
          position = offset or 0
        end

        function request()
          position = position + 1
          return wrk.format("GET", paths[(position % count) + 1])
        end
        """;
}
