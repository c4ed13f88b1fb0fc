using System.Diagnostics;
using Elevate.Bench.Cli;
using Elevate.Bench.Hosting;
using Elevate.Bench.Measurement;
using Elevate.Bench.Seeding;
using Elevate.Core.Access;
using Elevate.Core.Assignments;
using Elevate.Core.Scheduling;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Elevate.Bench.Benchmarks;

/// <summary>
/// A restart after downtime: 100k grants ended while Elevate was down. A fresh host loads the index (as StartupTasks
/// does), then the scheduler's first pass (GrantScheduler.RunPassAsync, batches of 500 through DueWork, with the
/// server's commit observer keeping the index current after each batch) is timed until nothing is due. Then the chain
/// is verified.
/// </summary>
public static class CatchUpBench
{
    public static async Task RunAsync(BenchOptions options, ResultLog log, CancellationToken ct)
    {
        var shape = new SeedShape(options.Scale);
        for (var run = 1; run <= options.Runs; run++)
        {
            var seeding = Stopwatch.StartNew();
            var added = await OverdueSeeder.AddAsync(options, shape.OverdueExpiries, ct);
            ResultLog.Info($"added {added:N0} overdue active assignments in {seeding.Elapsed.TotalSeconds:0.0} s");

            await using (var app = BenchHost.Build(options))
            {
                var load = Stopwatch.StartNew();
                await app.Services.GetRequiredService<AccessIndexFeed>().CatchUpAsync(ct);
                ResultLog.Info($"index loaded in {load.Elapsed.TotalSeconds:0.0} s ({app.Services.GetRequiredService<AccessIndex>().GrantCount:N0} open grants)");

                var scheduler = app.Services.GetRequiredService<GrantScheduler>();
                var clock = Stopwatch.StartNew();
                var pass = await scheduler.RunPassAsync(ct);
                var seconds = clock.Elapsed.TotalSeconds;
                var stillDue = await CountDueAsync(options, ct);
                log.Add("catch-up of overdue expiries", $"{seconds:0.0} s for {pass.Expired:N0}", "≤ 60 s for 100,000", seconds <= 60 && pass.Expired >= added && stillDue == 0, run,
                    $"one RunPassAsync: {Math.Ceiling(pass.Expired / (double)DueWork.BatchSize):N0} batches of ≤ {DueWork.BatchSize}, {pass.Expired / seconds:N0} expiries/s; still due afterwards: {stillDue}");
            }

            var verification = await VerifyBench.VerifyAsync(options, ct);
            log.Add("verify chain after catch-up", $"{verification.Elapsed.TotalSeconds:0.00} s for {verification.Result.EventsChecked:N0} events", "valid", verification.Result.Valid, run,
                verification.Result.FirstBreak is { } broken ? $"first break {broken.Reason} at {broken.Sequence}" : "chain intact");
        }
    }

    private static async Task<int> CountDueAsync(BenchOptions options, CancellationToken ct)
    {
        await using var db = BenchHost.OpenContext(options);
        var now = DateTimeOffset.UtcNow;
        return await db.Assignments.CountAsync(a => (a.Status == AssignmentStatus.Scheduled || a.Status == AssignmentStatus.Active) && a.EndsAt != null && a.EndsAt <= now, ct);
    }
}
