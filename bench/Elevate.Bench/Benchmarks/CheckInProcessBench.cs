using System.Diagnostics;
using Elevate.Bench.Cli;
using Elevate.Bench.Hosting;
using Elevate.Bench.Measurement;
using Elevate.Bench.Seeding;
using Elevate.Core.Access;
using Elevate.Core.Audit;
using Microsoft.Extensions.DependencyInjection;

namespace Elevate.Bench.Benchmarks;

/// <summary>
/// AccessCheck.Check, the check API's whole decision (name lookups, the caller's right to ask, the index walk over
/// direct, group and ancestor-scope grants), timed call by call on one thread against the fully loaded index.
/// </summary>
public static class CheckInProcessBench
{
    private const int Calls = 1_000_000;
    private const int WarmUpCalls = 300_000;

    public static async Task RunAsync(BenchOptions options, ResultLog log, CancellationToken ct)
    {
        await using var app = BenchHost.Build(options);
        var index = app.Services.GetRequiredService<AccessIndex>();
        var load = Stopwatch.StartNew();
        await app.Services.GetRequiredService<AccessIndexFeed>().CatchUpAsync(ct);
        log.Add("index full load (start-up)", $"{load.Elapsed.TotalSeconds:0.00} s", "-", null, 1, $"{index.GrantCount:N0} open grants loaded by AccessIndexFeed.CatchUpAsync");

        var check = app.Services.GetRequiredService<AccessCheck>();
        var checker = index.FindPrincipal(SeedShape.CheckerName) ?? throw new InvalidOperationException("Seed the database first.");
        var caller = new Actor(checker.Id, checker.Name);
        var cases = await CheckCases.LoadAsync(options, 20_000, ct);

        for (var i = 0; i < WarmUpCalls; i++)
        {
            var c = cases[i % cases.Count];
            check.Check(caller, c.Principal, c.Role, c.Scope);
        }

        for (var run = 1; run <= options.Runs; run++)
        {
            var all = new LatencyRecorder(Calls);
            var byKind = cases.Select(c => c.Kind).Distinct().ToDictionary(k => k, _ => new LatencyRecorder(Calls));
            int allowed = 0, failed = 0;
            var wall = Stopwatch.StartNew();
            for (var i = 0; i < Calls; i++)
            {
                var c = cases[i % cases.Count];
                var start = Stopwatch.GetTimestamp();
                var result = check.Check(caller, c.Principal, c.Role, c.Scope);
                var elapsed = Stopwatch.GetTimestamp() - start;
                all.Record(elapsed);
                byKind[c.Kind].Record(elapsed);
                if (!result.IsSuccess)
                {
                    failed++;
                }
                else if (result.Value.Allowed)
                {
                    allowed++;
                }
            }

            wall.Stop();
            var summary = all.Summarize();
            var kinds = string.Join(", ", byKind.Select(k => $"{k.Key} p99 {LatencySummary.Format(k.Value.Summarize().P99)}"));
            log.Add("check in-process p99", LatencySummary.Format(summary.P99), "≤ 100 µs", summary.P99 <= 100, run,
                $"{summary.Describe()}; {Calls / wall.Elapsed.TotalSeconds:N0} checks/s on 1 thread; {allowed * 100.0 / Calls:0.0}% allowed, {failed} errors; {kinds}");
        }
    }
}
