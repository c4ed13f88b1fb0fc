using System.Diagnostics;
using Elevate.Bench.Cli;
using Elevate.Bench.Hosting;
using Elevate.Bench.Measurement;
using Elevate.Core.Audit;
using Elevate.Core.Persistence;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;

namespace Elevate.Bench.Benchmarks;

/// <summary>
/// Audit events appended through ChangeSet, one writer: begin (transaction, audit head locked), record, commit (events
/// hashed and inserted, head updated, durable commit). Single-event change sets are what most API writes are; batched
/// ones (100 events) are what the scheduler's batches and bulk operations are. The server's commit observer is left
/// out here (it is part of the activation figure), so this is the append path itself.
/// </summary>
public static class AuditAppendBench
{
    private const int SingleEventChangeSets = 2_000;
    private const int BatchedChangeSets = 100;
    private const int EventsPerBatch = 100;

    public static async Task RunAsync(BenchOptions options, ResultLog log, CancellationToken ct)
    {
        await using var app = BenchHost.Build(options, customize: BenchHost.WithoutCommitObserver);
        var actor = new Actor(null, "system:bench");
        await AppendAsync(app, actor, 200, 1, ct);

        for (var run = 1; run <= options.Runs; run++)
        {
            var single = await AppendAsync(app, actor, SingleEventChangeSets, 1, ct);
            log.Add("audit append, 1 event per change set", $"{single.EventsPerSecond:N0} events/s", "≥ 5,000 events/s", single.EventsPerSecond >= 5000, run,
                $"{SingleEventChangeSets:N0} sequential change sets; commit latency {single.Latency.Describe()}");

            var batched = await AppendAsync(app, actor, BatchedChangeSets, EventsPerBatch, ct);
            log.Add($"audit append, {EventsPerBatch} events per change set", $"{batched.EventsPerSecond:N0} events/s", "≥ 5,000 events/s", batched.EventsPerSecond >= 5000, run,
                $"{BatchedChangeSets:N0} sequential change sets; commit latency {batched.Latency.Describe()}");
        }
    }

    private static async Task<(double EventsPerSecond, LatencySummary Latency)> AppendAsync(WebApplication app, Actor actor, int changeSets, int eventsEach, CancellationToken ct)
    {
        var latency = new LatencyRecorder(changeSets);
        var wall = Stopwatch.StartNew();
        for (var i = 0; i < changeSets; i++)
        {
            var start = Stopwatch.GetTimestamp();
            await using (var scope = app.Services.CreateAsyncScope())
            {
                var changes = scope.ServiceProvider.GetRequiredService<ChangeSets>();
                await using var cs = await changes.BeginAsync(actor, ct);
                for (var e = 0; e < eventsEach; e++)
                {
                    cs.Audit(new AuditRecord("bench.appended") { Details = AuditDetails.Of(new { changeSet = i, e }) });
                }

                var committed = await cs.CommitAsync(ct);
                if (!committed.IsSuccess)
                {
                    throw new InvalidOperationException($"Append failed: {committed.Error.Message}");
                }
            }

            latency.Record(Stopwatch.GetTimestamp() - start);
        }

        return (changeSets * eventsEach / wall.Elapsed.TotalSeconds, latency.Summarize());
    }
}
