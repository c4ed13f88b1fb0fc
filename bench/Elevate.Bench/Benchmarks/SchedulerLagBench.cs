using System.Diagnostics;
using Elevate.Bench.Cli;
using Elevate.Bench.Hosting;
using Elevate.Bench.Measurement;
using Elevate.Core.Assignments;
using Elevate.Core.Audit;
using Elevate.Core.Common;
using Elevate.Core.Persistence;
using Elevate.Core.Principals;
using Elevate.Core.Scheduling;
using Microsoft.AspNetCore.Builder;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Elevate.Bench.Benchmarks;

/// <summary>
/// The real scheduler loop on the real clock: a started host (StartupTasks, SchedulerService, ChangeWatcher), grants
/// created through change sets (whose commits wake the loop, as API writes do) that end 3 to 13 seconds later at
/// scattered times. Lag = when the scheduler processed the end (the expiry event's time) minus the planned end;
/// SchedulerPass.MaxLag of the passes that expired something is reported alongside.
/// </summary>
public static class SchedulerLagBench
{
    private const int Grants = 2_000;
    private const int GrantsPerChangeSet = 500;

    public static async Task RunAsync(BenchOptions options, ResultLog log, CancellationToken ct)
    {
        for (var run = 1; run <= options.Runs; run++)
        {
            await using var app = BenchHost.Build(options, runScheduler: true);
            await app.StartAsync(ct);
            var scheduler = app.Services.GetRequiredService<GrantScheduler>();
            await scheduler.WaitForPassAsync(_ => true, ct);

            using var watching = CancellationTokenSource.CreateLinkedTokenSource(ct);
            var passes = new List<SchedulerPass>();
            var watcher = WatchPassesAsync(scheduler, passes, watching.Token);
            var created = await CreateGrantsAsync(app, ct);
            var lastDue = created.Values.Max();
            await WaitUntilExpiredAsync(options, created, lastDue, ct);
            await watching.CancelAsync();
            await watcher;
            await app.StopAsync(ct);

            var lags = await LagsAsync(options, created, ct);
            var recorder = new LatencyRecorder(lags.Count);
            foreach (var lag in lags)
            {
                recorder.Record((long)(lag.TotalSeconds * Stopwatch.Frequency));
            }

            var summary = recorder.Summarize();
            var expiring = passes.Where(p => p.Expired > 0).ToList();
            var passLag = expiring.Count == 0 ? TimeSpan.Zero : expiring.Max(p => p.MaxLag);
            log.Add("scheduler lag after due time (max)", LatencySummary.Format(summary.Max), "≤ 1 s", summary.Max <= 1_000_000 && lags.Count == Grants, run,
                $"{lags.Count:N0} of {Grants:N0} grants expired, ends spread over 10 s; per-grant lag {summary.Describe()}; " +
                $"{expiring.Count} passes expired something, max SchedulerPass.MaxLag {passLag.TotalMilliseconds:0.0} ms");
        }
    }

    private static async Task WatchPassesAsync(GrantScheduler scheduler, List<SchedulerPass> passes, CancellationToken ct)
    {
        long last = scheduler.LastPass?.Number ?? 0;
        try
        {
            while (true)
            {
                var pass = await scheduler.WaitForPassAsync(p => p.Number > last, ct);
                passes.Add(pass);
                last = pass.Number;
            }
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
            // Done watching.
        }
    }

    /// <summary>Active grants to random users, each ending at its own time 3 to 13 seconds from now.</summary>
    private static async Task<Dictionary<Guid, DateTimeOffset>> CreateGrantsAsync(WebApplication app, CancellationToken ct)
    {
        await using var scope = app.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<ElevateDbContext>();
        var users = await db.Principals.AsNoTracking().Where(p => p.Kind == PrincipalKind.User).OrderBy(p => p.Id).Take(20_000).Select(p => new { p.Id, p.Name }).ToListAsync(ct);
        var roles = await db.Roles.AsNoTracking().Where(r => r.BuiltIn == null).Select(r => new { r.Id, r.Name }).ToListAsync(ct);
        var administrator = await db.Principals.AsNoTracking().SingleAsync(p => p.Name == "admin", ct);
        var random = new Random();
        var created = new Dictionary<Guid, DateTimeOffset>();
        var changes = scope.ServiceProvider.GetRequiredService<ChangeSets>();
        while (created.Count < Grants)
        {
            await using var cs = await changes.BeginAsync(new Actor(administrator.Id, administrator.Name), ct);
            var audit = new AssignmentAudit();
            for (var i = 0; i < GrantsPerChangeSet; i++)
            {
                var user = users[random.Next(users.Count)];
                var role = roles[random.Next(roles.Count)];
                audit.Know(user.Id, user.Name);
                audit.KnowRole(role.Id, role.Name);
                var assignment = new Assignment
                {
                    Id = Ids.New(cs.Now),
                    Kind = AssignmentKind.Active,
                    Origin = AssignmentOrigin.Administrator,
                    PrincipalId = user.Id,
                    RoleId = role.Id,
                    Scope = Seeding.SeedShape.RandomAssignmentScope(random),
                    StartsAt = cs.Now,
                    EndsAt = Clock.Truncate(cs.Now + TimeSpan.FromMilliseconds(3_000 + random.Next(10_000))),
                    Status = AssignmentStatus.Active,
                    CreatedByRequestId = Ids.New(cs.Now),
                    CreatedAt = cs.Now,
                };
                cs.Db.Assignments.Add(assignment);
                cs.Audit(audit.Record("assignment.created", assignment, assignment.CreatedByRequestId));
                created[assignment.Id] = assignment.EndsAt!.Value;
            }

            var committed = await cs.CommitAsync(ct);
            if (!committed.IsSuccess)
            {
                throw new InvalidOperationException($"Creating grants failed: {committed.Error.Message}");
            }
        }

        return created;
    }

    private static async Task WaitUntilExpiredAsync(BenchOptions options, Dictionary<Guid, DateTimeOffset> created, DateTimeOffset lastDue, CancellationToken ct)
    {
        var ids = created.Keys.ToList();
        while (true)
        {
            await Task.Delay(500, ct);
            await using var db = BenchHost.OpenContext(options);
            var expired = await db.Assignments.CountAsync(a => ids.Contains(a.Id) && a.Status == AssignmentStatus.Expired, ct);
            if (expired == ids.Count || DateTimeOffset.UtcNow > lastDue + TimeSpan.FromSeconds(60))
            {
                return;
            }
        }
    }

    private static async Task<List<TimeSpan>> LagsAsync(BenchOptions options, Dictionary<Guid, DateTimeOffset> created, CancellationToken ct)
    {
        await using var db = BenchHost.OpenContext(options);
        var ids = created.Keys.Select(id => (Guid?)id).ToList();
        var expiries = await db.AuditEvents.AsNoTracking()
            .Where(e => e.Action == "assignment.expired" && ids.Contains(e.AssignmentId))
            .Select(e => new { e.AssignmentId, e.OccurredAt })
            .ToListAsync(ct);
        return expiries.Select(e => e.OccurredAt - created[e.AssignmentId!.Value]).ToList();
    }
}
