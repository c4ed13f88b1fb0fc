using System.Diagnostics;
using Elevate.Bench.Cli;
using Elevate.Bench.Hosting;
using Elevate.Bench.Measurement;
using Elevate.Core.Audit;
using Elevate.Core.Persistence;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Elevate.Bench.Benchmarks;

/// <summary>AuditService.VerifyChainAsync: every stored event read in order, re-hashed and linked, then the head compared.</summary>
public static class VerifyBench
{
    public static async Task RunAsync(BenchOptions options, ResultLog log, CancellationToken ct)
    {
        for (var run = 1; run <= options.Runs; run++)
        {
            var verification = await VerifyAsync(options, ct);
            var seconds = verification.Elapsed.TotalSeconds;
            var perMillion = seconds / verification.Result.EventsChecked * 1_000_000;
            log.Add("verify chain", $"{seconds:0.00} s for {verification.Result.EventsChecked:N0} events", "≤ 10 s per 1M events",
                verification.Result.Valid && perMillion <= 10, run,
                $"{perMillion:0.00} s per 1M events, {verification.Result.EventsChecked / seconds:N0} events/s; valid={verification.Result.Valid}" +
                (verification.Result.FirstBreak is { } broken ? $" first break {broken.Reason} at {broken.Sequence}" : ""));
        }
    }

    public static async Task<(ChainVerification Result, TimeSpan Elapsed)> VerifyAsync(BenchOptions options, CancellationToken ct)
    {
        await using var app = BenchHost.Build(options, customize: BenchHost.WithoutCommitObserver);
        await using var scope = app.Services.CreateAsyncScope();
        var audit = scope.ServiceProvider.GetRequiredService<AuditService>();

        // A running server has its EF model built and its code jitted; a first query and a few hashes do that here.
        var db = scope.ServiceProvider.GetRequiredService<ElevateDbContext>();
        foreach (var e in await db.AuditEvents.AsNoTracking().OrderBy(e => e.Sequence).Take(1_000).ToListAsync(ct))
        {
            AuditHasher.Compute(e);
        }

        var clock = Stopwatch.StartNew();
        var result = await audit.VerifyChainAsync(ct);
        return (result, clock.Elapsed);
    }
}
