using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using Elevate.Bench.Cli;
using Elevate.Bench.Hosting;
using Elevate.Bench.Measurement;
using Elevate.Bench.Seeding;
using Elevate.Core.Assignments;
using Microsoft.EntityFrameworkCore;

namespace Elevate.Bench.Benchmarks;

/// <summary>
/// selfActivate end to end: POST /api/v1/requests from many different users (each eligible for the activation role at
/// /prod, each with their own token), each activating once at /prod/payments for PT2H with no approval, against the
/// Release server. Timed from sending the request to reading the whole 201 response.
/// </summary>
public static class ActivationBench
{
    private const int WarmUp = 50;
    private const int Sequential = 1_000;
    private const int Concurrent = 2_000;
    private const int Concurrency = 8;

    public static async Task RunAsync(BenchOptions options, ResultLog log, CancellationToken ct)
    {
        var (roleId, users) = await LoadActivatorsAsync(options, ct);
        var needed = WarmUp + (options.Runs * (Sequential + Concurrent));
        var scale = Math.Min(1.0, users.Count / (double)needed);
        if (scale < 1)
        {
            ResultLog.Info($"only {users.Count} activators left; running {scale:P0} of the usual counts");
        }

        var body = $$"""
            {"action":"selfActivate","roleId":"{{roleId}}","scope":"{{SeedShape.ActivationScope}}","schedule":{"expiration":"afterDuration","duration":"PT2H"},"justification":"Benchmark activation"}
            """;
        await using var server = await ServerProcess.StartAsync(options, ct);
        using var http = new HttpClient(new SocketsHttpHandler { MaxConnectionsPerServer = Concurrency * 2 }) { BaseAddress = server.Address };
        var next = 0;
        IReadOnlyList<string> Take(int count)
        {
            var taken = users.Skip(next).Take((int)(count * scale)).ToList();
            next += taken.Count;
            return taken;
        }

        await ActivateAllAsync(http, body, Take(WarmUp), 1, ct);
        for (var run = 1; run <= options.Runs; run++)
        {
            var sequential = await ActivateAllAsync(http, body, Take(Sequential), 1, ct);
            Report(log, "activation over HTTP, sequential", sequential, run);
            var concurrent = await ActivateAllAsync(http, body, Take(Concurrent), Concurrency, ct);
            Report(log, $"activation over HTTP, {Concurrency} concurrent clients", concurrent, run);
        }
    }

    private static void Report(ResultLog log, string name, Outcome outcome, int run) =>
        log.Add($"{name} p99", LatencySummary.Format(outcome.Latency.P99), "≤ 20 ms", outcome.Latency.P99 <= 20_000 && outcome.Failures == 0, run,
            $"{outcome.Latency.Describe()}; {outcome.Slow} of them ≥ 150 ms; {outcome.PerSecond:N0} activations/s; {outcome.Failures} failed{outcome.FirstFailure}");

    /// <remarks><see cref="Slow"/> counts requests of 150 ms or more: Microsoft.Data.Sqlite sleeps 150 ms whenever the database is busy.</remarks>
    private sealed record Outcome(LatencySummary Latency, int Slow, double PerSecond, int Failures, string FirstFailure);

    private static async Task<Outcome> ActivateAllAsync(HttpClient http, string body, IReadOnlyList<string> users, int concurrency, CancellationToken ct)
    {
        var latency = new LatencyRecorder(users.Count);
        var failures = 0;
        var slow = 0;
        var firstFailure = "";
        var cursor = -1;
        var wall = Stopwatch.StartNew();
        await Task.WhenAll(Enumerable.Range(0, concurrency).Select(async _ =>
        {
            int i;
            while ((i = Interlocked.Increment(ref cursor)) < users.Count)
            {
                using var request = new HttpRequestMessage(HttpMethod.Post, new Uri("/api/v1/requests", UriKind.Relative))
                {
                    Content = new StringContent(body, Encoding.UTF8, "application/json"),
                };
                request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", SeedShape.TokenSecret(users[i]));
                var start = Stopwatch.GetTimestamp();
                using var response = await http.SendAsync(request, ct);
                var text = await response.Content.ReadAsStringAsync(ct);
                var elapsed = Stopwatch.GetTimestamp() - start;
                latency.Record(elapsed);
                if (elapsed >= Stopwatch.Frequency * 150 / 1000)
                {
                    Interlocked.Increment(ref slow);
                }
                if (response.StatusCode != HttpStatusCode.Created && Interlocked.Increment(ref failures) == 1)
                {
                    firstFailure = $" (first: {(int)response.StatusCode} {text})";
                }
            }
        }));
        return new Outcome(latency.Summarize(), slow, users.Count / wall.Elapsed.TotalSeconds, failures, firstFailure);
    }

    /// <summary>The activation role and the activators who have not activated it yet (each activates once).</summary>
    private static async Task<(Guid RoleId, List<string> Users)> LoadActivatorsAsync(BenchOptions options, CancellationToken ct)
    {
        await using var db = BenchHost.OpenContext(options);
        var roleId = await db.Roles.Where(r => r.Name == SeedShape.ActivationRoleName).Select(r => r.Id).SingleAsync(ct);
        var activated = (await db.Assignments.Where(a => a.RoleId == roleId && a.Origin == AssignmentOrigin.Activation)
            .Select(a => a.PrincipalId).ToListAsync(ct)).ToHashSet();
        var eligible = await (from a in db.Assignments
                              join p in db.Principals on a.PrincipalId equals p.Id
                              where a.RoleId == roleId && a.Kind == AssignmentKind.Eligible
                              select new { p.Id, p.Name }).ToListAsync(ct);
        return (roleId, eligible.Where(u => !activated.Contains(u.Id)).Select(u => u.Name).Order(StringComparer.Ordinal).ToList());
    }
}
