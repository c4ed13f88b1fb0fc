using System.Diagnostics;
using System.Globalization;
using Elevate.Bench.Cli;
using Elevate.Bench.Hosting;
using Elevate.Bench.Measurement;
using Elevate.Bench.Seeding;
using Elevate.Core.Access;
using Elevate.Core.Audit;
using Elevate.Core.Persistence;
using Elevate.Core.Principals;
using Elevate.Core.Reviews;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Elevate.Bench.Benchmarks;

/// <summary>
/// Access reviews on the seeded data, with the system clock, in a host wired by AddElevate and not started (the commit
/// observer replaced by a no-op; no SMTP, so the notification planner writes nothing). The first administrator creates
/// a one-time review through <see cref="ReviewService.CreateAsync"/> (the access index is loaded first so that its
/// Administrator grant authorises it) of the eligibilities of one custom role (about 5,000; groups as a whole), one
/// named reviewer (a seeded user), starting now. Then: <see cref="ReviewRunner.StartAsync"/> (snapshot and insert in
/// one change set) cold; the owner's <see cref="ReviewService.ProgressAsync"/>, the reviewer's
/// <see cref="ReviewService.MyPendingAsync"/> and first page of <see cref="ReviewService.ReviewerItemsAsync"/> (50,
/// pending only), warm, 20 runs each; one <see cref="ReviewService.DecideAsync"/> of 500 items and
/// <see cref="ReviewService.AcceptRecommendationsAsync"/> for the rest; <see cref="ReviewRunner.CloseAsync"/> (early,
/// by the administrator, as ReviewService.CloseAsync calls it). Then the same start, reads and close with 20 roles
/// (about 100,000 items, nobody deciding), each start and close with a concurrent one-event write timed (how long
/// other writes wait). Every call runs in a fresh DI scope, as a request does; the time in database commands
/// (<see cref="CommandTimer"/>), the process's CPU time and allocations are noted beside each figure. The review rows
/// the benchmark made are deleted before and after (ExecuteDeleteAsync); the audit events stay.
/// </summary>
public static class ReviewBench
{
    private const int WarmRuns = 20;
    private const int PageSize = 50;
    private const int BulkDecisions = 500;
    private const string NamePrefix = "bench-review-";

    /// <summary>The database commands of the call being timed (observed by an EF interceptor; see <see cref="CommandTimer"/>).</summary>
    private static readonly CommandTimer Commands = new();

    public static async Task RunAsync(BenchOptions options, ResultLog log, CancellationToken ct)
    {
        await using var app = BenchHost.Build(options, customize: services =>
        {
            BenchHost.WithoutCommitObserver(services);
            services.ConfigureDbContext<ElevateDbContext>(o => o.AddInterceptors(Commands));
        });
        await using (var scope = app.Services.CreateAsyncScope())
        {
            await scope.ServiceProvider.GetRequiredService<ElevateDbContext>().Database.MigrateAsync(ct);
        }

        var removed = await CleanUpAsync(app.Services, ct);
        if (removed > 0)
        {
            ResultLog.Info($"removed {removed:N0} rows left by an earlier run");
        }

        // The Authorizer answers from the access index, which a started server loads at start-up.
        var load = Stopwatch.StartNew();
        await app.Services.GetRequiredService<AccessIndexFeed>().CatchUpAsync(ct);
        ResultLog.Info($"access index loaded in {load.Elapsed.TotalSeconds:0.0} s");

        var shape = new SeedShape(options.Scale);
        var (admin, reviewer, roles) = await ActorsAsync(app.Services, shape, ct);
        ResultLog.Info($"administrator {admin.Name}, reviewer {reviewer.Name}, roles {roles[0].Name}..{roles[^1].Name}");

        try
        {
            // ----- one role -----
            var one = await CreateAsync(app.Services, admin, reviewer, roles.Take(1).ToList(), ct);
            var start1 = await StartAsync(app.Services, one, ct);
            log.Add("reviews: start, 1 role, cold", Ms(start1.Elapsed), "-", null, 1,
                $"ReviewRunner.StartAsync (snapshot + insert, one change set), first call in the process; {start1.Describe()}");

            await ReadsAsync(app.Services, log, "1 role", start1.InstanceId, admin, reviewer, ct);

            var pending = await PendingIdsAsync(app.Services, start1.InstanceId, reviewer.PrincipalId!.Value, ct);
            var bulk = pending.Take(BulkDecisions).Select(id => new DecisionInput(id, ReviewVerdict.Approve, null)).ToList();
            var decide = await TimeAsync(app.Services, sp => sp.GetRequiredService<ReviewService>().DecideAsync(start1.InstanceId, bulk, reviewer, ct));
            log.Add("reviews: decide 500 items (bulk), 1 role", Ms(decide.Elapsed), "-", null, 1,
                $"ReviewService.DecideAsync, {bulk.Count} approvals in one call (first call); {Outcome(decide.Result, r => $"{r.Count} items decided")}; " +
                $"{pending.Count:N0} pending for the reviewer before; {Database("decide")}; bench process CPU {Ms(decide.Cpu)}");

            var accept = await TimeAsync(app.Services, sp => sp.GetRequiredService<ReviewService>().AcceptRecommendationsAsync(start1.InstanceId, reviewer, ct));
            var acceptDatabase = Database("accept");
            var verdicts = accept.Result.IsSuccess ? accept.Result.Value.GroupBy(i => i.Decision).Select(g => $"{g.Count():N0} {g.Key}") : [];
            log.Add("reviews: accept recommendations (the rest), 1 role", Ms(accept.Elapsed), "-", null, 1,
                $"ReviewService.AcceptRecommendationsAsync (first call); {Outcome(accept.Result, r => $"{r.Count:N0} items decided ({string.Join(", ", verdicts)})")}; {acceptDatabase}; bench process CPU {Ms(accept.Cpu)}");

            var after = await TimeAsync(app.Services, sp => sp.GetRequiredService<ReviewService>().ProgressAsync(start1.InstanceId, admin, ct));
            ResultLog.Info($"progress after deciding: {Outcome(after.Result, Describe)}");

            var close1 = await CloseAsync(app.Services, start1.InstanceId, admin, ct);
            log.Add("reviews: close, 1 role", Ms(close1.Elapsed), "-", null, 1,
                $"ReviewRunner.CloseAsync(early) by the administrator, first call; default noChange; {close1.Describe()}");

            // ----- twenty roles -----
            var twenty = await CreateAsync(app.Services, admin, reviewer, roles, ct);
            var start20Probe = ProbeAsync(app.Services, ct);
            var start20 = await StartAsync(app.Services, twenty, ct);
            log.Add($"reviews: start, {roles.Count} roles", Ms(start20.Elapsed), "-", null, 1,
                $"ReviewRunner.StartAsync, second start in the process (warm code); {start20.Describe()}; {await start20Probe}");

            await ReadsAsync(app.Services, log, $"{roles.Count} roles", start20.InstanceId, admin, reviewer, ct);

            var close20Probe = ProbeAsync(app.Services, ct);
            var close20 = await CloseAsync(app.Services, start20.InstanceId, admin, ct);
            log.Add($"reviews: close, {roles.Count} roles", Ms(close20.Elapsed), "-", null, 1,
                $"ReviewRunner.CloseAsync(early), second close in the process, nothing decided; default noChange; {close20.Describe()}; {await close20Probe}");
        }
        finally
        {
            var clean = Stopwatch.StartNew();
            var rows = await CleanUpAsync(app.Services, CancellationToken.None);
            ResultLog.Info($"cleaned up: {rows:N0} review rows deleted in {clean.Elapsed.TotalSeconds:0.0} s (the audit events stay)");
        }
    }

    /// <summary>
    /// Another write while a start or close runs: one second in, a change set with one audit event (as AuditAppendBench
    /// writes them) is begun from its own scope; how long it took to commit is what any write (an activation, an
    /// approval, the scheduler) would have waited. Its database commands are not counted in the timed call's.
    /// </summary>
    private static async Task<string> ProbeAsync(IServiceProvider services, CancellationToken ct)
    {
        await Task.Delay(TimeSpan.FromSeconds(1), ct);
        await using var scope = services.CreateAsyncScope();
        Commands.Ignored = scope.ServiceProvider.GetRequiredService<ElevateDbContext>();
        var started = Stopwatch.GetTimestamp();
        try
        {
            await using var cs = await scope.ServiceProvider.GetRequiredService<ChangeSets>().BeginAsync(new Actor(null, "bench"), ct);
            var locked = Stopwatch.GetElapsedTime(started);
            cs.Audit(new AuditRecord("bench.appended") { Details = AuditDetails.Of(new { probe = "access review benchmark" }) });
            var committed = await cs.CommitAsync(ct);
            return $"a one-event change set begun 1 s in {(committed.IsSuccess ? "committed" : "failed")} after {Ms(Stopwatch.GetElapsedTime(started))} (lock after {Ms(locked)})";
        }
        catch (Exception e) when (e is not OperationCanceledException || !ct.IsCancellationRequested)
        {
            return $"a one-event change set begun 1 s in failed after {Ms(Stopwatch.GetElapsedTime(started))}: {e.GetType().Name}: {e.Message}";
        }
        finally
        {
            Commands.Ignored = null;
        }
    }

    private sealed record Started(Guid InstanceId, int Items, int ReviewerRows, int WithoutReviewer, long Allocated, string Database, TimeSpan Cpu, TimeSpan Elapsed)
    {
        public string Describe() => string.Create(CultureInfo.InvariantCulture,
            $"{Items:N0} items, {ReviewerRows:N0} reviewer rows, {WithoutReviewer:N0} without a reviewer; {Database}; bench process CPU {Ms(Cpu)}; {Allocated / 1048576.0:N0} MiB allocated; " +
            $"peak working set of the process so far {PeakMiB():N0} MiB");
    }

    private sealed record Closed(string Summary, long Allocated, string Database, TimeSpan Cpu, TimeSpan Elapsed)
    {
        public string Describe() => string.Create(CultureInfo.InvariantCulture, $"{Summary}; {Database}; bench process CPU {Ms(Cpu)}; {Allocated / 1048576.0:N0} MiB allocated; peak working set so far {PeakMiB():N0} MiB");
    }

    /// <summary>A one-time review of the roles' eligibilities, created by the administrator through ReviewService.</summary>
    private static async Task<Guid> CreateAsync(IServiceProvider services, Actor admin, Actor reviewer, List<(Guid Id, string Name)> roles, CancellationToken ct)
    {
        var definition = new ReviewDefinition
        {
            Scope = new ReviewScope { RoleIds = [.. roles.Select(r => r.Id)], AssignmentTypes = ReviewAssignmentTypes.Eligible, Groups = ReviewGroups.AsWhole },
            Stages = [new ReviewStage { Reviewers = ReviewerKind.Named, ReviewerIds = [reviewer.PrincipalId!.Value] }],
            Schedule = new ReviewSchedule { Recurrence = Recurrence.OneTime, StartsAt = TimeProvider.System.GetUtcNow(), DurationDays = 14 },
        };
        var name = $"{NamePrefix}{roles.Count}-roles";
        var created = await TimeAsync(services, sp => sp.GetRequiredService<ReviewService>()
            .CreateAsync(new ReviewInput(name, "Access review benchmark", null, definition), admin, ct));
        if (!created.Result.IsSuccess)
        {
            throw new InvalidOperationException($"Creating the review failed: {created.Result.Error.Code} {created.Result.Error.Message}");
        }

        ResultLog.Info($"created '{name}' through ReviewService.CreateAsync in {Ms(created.Elapsed)}");
        return created.Result.Value.Id;
    }

    private static async Task<Started> StartAsync(IServiceProvider services, Guid reviewId, CancellationToken ct)
    {
        var allocated = GC.GetTotalAllocatedBytes(precise: false);
        var started = await TimeAsync(services, sp => sp.GetRequiredService<ReviewRunner>().StartAsync(reviewId, ct));
        allocated = GC.GetTotalAllocatedBytes(precise: false) - allocated;
        var database = Database("start");
        if (!started.Result)
        {
            throw new InvalidOperationException("ReviewRunner.StartAsync did not start the instance.");
        }

        await using var scope = services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<ElevateDbContext>();
        var instance = await db.ReviewInstances.AsNoTracking().SingleAsync(i => i.ReviewId == reviewId, ct);
        var reviewerRows = await db.ReviewItemReviewers.AsNoTracking().CountAsync(r => r.InstanceId == instance.Id, ct);
        var withoutReviewer = await db.ReviewItems.AsNoTracking()
            .CountAsync(i => i.InstanceId == instance.Id && !db.ReviewItemReviewers.Any(r => r.ItemId == i.Id), ct);
        return new Started(instance.Id, instance.ItemCount, reviewerRows, withoutReviewer, allocated, database, started.Cpu, started.Elapsed);
    }

    private static async Task<Closed> CloseAsync(IServiceProvider services, Guid instanceId, Actor admin, CancellationToken ct)
    {
        var allocated = GC.GetTotalAllocatedBytes(precise: false);
        var closed = await TimeAsync(services, sp => sp.GetRequiredService<ReviewRunner>().CloseAsync(instanceId, admin, early: true, ct));
        allocated = GC.GetTotalAllocatedBytes(precise: false) - allocated;
        var database = Database("close");
        if (!closed.Result.IsSuccess)
        {
            throw new InvalidOperationException($"Closing failed: {closed.Result.Error.Code} {closed.Result.Error.Message}");
        }

        await using var scope = services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<ElevateDbContext>();
        var results = await db.ReviewItems.AsNoTracking().Where(i => i.InstanceId == instanceId)
            .GroupBy(i => new { i.Result, i.Outcome }).Select(g => new { g.Key.Result, g.Key.Outcome, Count = g.Count() }).ToListAsync(ct);
        var summary = $"instance {closed.Result.Value.Status}; " + string.Join(", ", results.OrderByDescending(r => r.Count).Select(r => $"{r.Count:N0} {r.Result}/{r.Outcome}"));
        return new Closed(summary, allocated, database, closed.Cpu, closed.Elapsed);
    }

    /// <summary>The pages a reviewer and an owner open: each call once untimed, then <see cref="WarmRuns"/> timed.</summary>
    private static async Task ReadsAsync(IServiceProvider services, ResultLog log, string label, Guid instanceId, Actor admin, Actor reviewer, CancellationToken ct)
    {
        await WarmAsync(services, log, $"reviews: progress (owner), {label}", "ReviewService.ProgressAsync as the owner (the first administrator)",
            sp => sp.GetRequiredService<ReviewService>().ProgressAsync(instanceId, admin, ct), Describe, ct);
        await WarmAsync(services, log, $"reviews: my pending (reviewer), {label}", "ReviewService.MyPendingAsync as the reviewer",
            sp => sp.GetRequiredService<ReviewService>().MyPendingAsync(reviewer, ct), r => string.Join(", ", r.Select(p => $"{p.Pending:N0} pending in '{p.Review}'")), ct);
        await WarmAsync(services, log, $"reviews: reviewer items, first page of {PageSize}, pending only, {label}",
            "ReviewService.ReviewerItemsAsync(pendingOnly, no cursor, limit 50) as the reviewer",
            sp => sp.GetRequiredService<ReviewService>().ReviewerItemsAsync(instanceId, pendingOnly: true, null, PageSize, reviewer, ct),
            r => $"{r.Items.Items.Count} items, next page {(r.Items.NextCursor is null ? "none" : "yes")}, progress {(r.Progress is null ? "not shown" : "shown")}", ct);
    }

    private static async Task WarmAsync<T>(
        IServiceProvider services, ResultLog log, string benchmark, string what, Func<IServiceProvider, Task<Elevate.Core.Common.Result<T>>> call, Func<T, string> describe, CancellationToken ct)
    {
        var first = await TimeAsync(services, call);
        if (!first.Result.IsSuccess)
        {
            throw new InvalidOperationException($"{what} failed: {first.Result.Error.Code} {first.Result.Error.Message}");
        }

        var ticks = new List<long>(WarmRuns);
        Commands.Reset();
        for (var run = 0; run < WarmRuns; run++)
        {
            var timed = await TimeAsync(services, call, resetCommands: false);
            ticks.Add(timed.Ticks);
        }

        var database = Database(benchmark, WarmRuns);

        log.Add(benchmark, $"p50 {LatencySummary.Format(Percentile(ticks, 0.50))}, p95 {LatencySummary.Format(Percentile(ticks, 0.95))}", "-", null, 1,
            $"{what}; {WarmRuns} warm runs (fresh scope each; p95 = 19th of 20), max {LatencySummary.Format(Percentile(ticks, 1))}; first call {Ms(first.Elapsed)}; {describe(first.Result.Value)}; {database}");
    }

    private static string Describe(InstanceProgress p) => string.Create(CultureInfo.InvariantCulture,
        $"{p.Items:N0} items, {p.Decided:N0} decided ({p.Approved:N0} approve, {p.Denied:N0} deny), {p.Undecided:N0} undecided, {p.WithoutReviewer:N0} without reviewer");

    private static string Outcome<T>(Elevate.Core.Common.Result<T> result, Func<T, string> describe) =>
        result.IsSuccess ? describe(result.Value) : $"FAILED {result.Error.Code}: {result.Error.Message}";

    /// <summary>The items the reviewer may decide now, in snapshot order (the same rule as ReviewerItemsAsync, pending only).</summary>
    private static async Task<List<Guid>> PendingIdsAsync(IServiceProvider services, Guid instanceId, Guid me, CancellationToken ct)
    {
        await using var scope = services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<ElevateDbContext>();
        var mine = await db.GroupMemberships.AsNoTracking().Where(m => m.MemberId == me).Select(m => m.GroupId).ToListAsync(ct);
        mine.Add(me);
        return await db.ReviewItems.AsNoTracking()
            .Where(i => i.InstanceId == instanceId && i.Decision == null && !mine.Contains(i.PrincipalId)
                && db.ReviewItemReviewers.Any(r => r.ItemId == i.Id && r.ReviewerId == me && r.Stage == i.Stage))
            .OrderBy(i => i.Id).Select(i => i.Id).ToListAsync(ct);
    }

    private static async Task<(Actor Admin, Actor Reviewer, List<(Guid Id, string Name)> Roles)> ActorsAsync(IServiceProvider services, SeedShape shape, CancellationToken ct)
    {
        await using var scope = services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<ElevateDbContext>();

        // The seeder bootstraps the first administrator as "admin".
        var admin = await db.Principals.AsNoTracking().SingleAsync(p => p.Name == "admin", ct);
        var reviewerName = SeedShape.UserName(shape.Users - 1);
        var reviewer = await db.Principals.AsNoTracking().SingleAsync(p => p.Name == reviewerName && p.Kind == PrincipalKind.User, ct);
        var names = Enumerable.Range(1, 20).Select(SeedShape.RoleName).ToList();
        var roles = (await db.Roles.AsNoTracking().Where(r => names.Contains(r.Name)).Select(r => new { r.Id, r.Name }).ToListAsync(ct))
            .OrderBy(r => r.Name, StringComparer.Ordinal).Select(r => (r.Id, r.Name)).ToList();
        if (roles.Count != names.Count)
        {
            throw new InvalidOperationException($"Found {roles.Count} of the roles {names[0]}..{names[^1]}; seed the database first.");
        }

        return (new Actor(admin.Id, admin.Name), new Actor(reviewer.Id, reviewer.Name), roles);
    }

    /// <summary>Deletes the rows of the benchmark's reviews (by name), children first; returns how many.</summary>
    private static async Task<int> CleanUpAsync(IServiceProvider services, CancellationToken ct)
    {
        await using var scope = services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<ElevateDbContext>();
        db.Database.SetCommandTimeout(TimeSpan.FromMinutes(10));
        var reviews = await db.AccessReviews.AsNoTracking().Where(r => r.NormalizedName.StartsWith(NamePrefix)).Select(r => r.Id).ToListAsync(ct);
        if (reviews.Count == 0)
        {
            return 0;
        }

        var instances = await db.ReviewInstances.AsNoTracking().Where(i => reviews.Contains(i.ReviewId)).Select(i => i.Id).ToListAsync(ct);
        var rows = 0;
        rows += await db.ReviewDecisions.Where(d => instances.Contains(d.InstanceId)).ExecuteDeleteAsync(ct);
        rows += await db.ReviewItemReviewers.Where(r => instances.Contains(r.InstanceId)).ExecuteDeleteAsync(ct);
        rows += await db.ReviewItems.Where(i => instances.Contains(i.InstanceId)).ExecuteDeleteAsync(ct);
        rows += await db.ReviewInstances.Where(i => reviews.Contains(i.ReviewId)).ExecuteDeleteAsync(ct);
        rows += await db.AccessReviews.Where(r => reviews.Contains(r.Id)).ExecuteDeleteAsync(ct);
        return rows;
    }

    private static async Task<(T Result, TimeSpan Elapsed, long Ticks, TimeSpan Cpu)> TimeAsync<T>(IServiceProvider services, Func<IServiceProvider, Task<T>> call, bool resetCommands = true)
    {
        // One scope per call, as one request (or one scheduler pass) has.
        await using var scope = services.CreateAsyncScope();
        if (resetCommands)
        {
            Commands.Reset();
        }

        using var process = Process.GetCurrentProcess();
        var cpu = process.TotalProcessorTime;
        var started = Stopwatch.GetTimestamp();
        var result = await call(scope.ServiceProvider);
        var ticks = Stopwatch.GetTimestamp() - started;
        process.Refresh();
        return (result, Stopwatch.GetElapsedTime(started, started + ticks), ticks, process.TotalProcessorTime - cpu);
    }

    /// <summary>The database time of what was timed since the last reset, per call; the slowest commands are printed.</summary>
    private static string Database(string what, int calls = 1)
    {
        var (total, count, slowest) = Commands.Read();
        foreach (var (duration, sql) in slowest)
        {
            var text = string.Join(' ', sql.Split((char[])['\n', '\r', '\t', ' '], StringSplitOptions.RemoveEmptyEntries));
            ResultLog.Info($"{what}: {Ms(duration)} {(text.Length > 700 ? text[..300] + " ... " + text[^300..] : text)}");
        }

        return calls == 1
            ? $"database {Ms(total)} in {count:N0} commands (slowest {(slowest.Count > 0 ? Ms(slowest[0].Duration) : "-")})"
            : $"database {Ms(total / calls)} in {count / (double)calls:0.#} commands per call";
    }

    /// <summary>Nearest rank, as <see cref="LatencyRecorder"/> does, in microseconds.</summary>
    private static double Percentile(List<long> ticks, double percentile)
    {
        var sorted = ticks.Order().ToList();
        return sorted[Math.Clamp((int)Math.Ceiling(percentile * sorted.Count) - 1, 0, sorted.Count - 1)] * 1_000_000.0 / Stopwatch.Frequency;
    }

    private static double PeakMiB()
    {
        using var process = Process.GetCurrentProcess();
        return process.PeakWorkingSet64 / 1048576.0;
    }

    private static string Ms(TimeSpan elapsed) => elapsed.TotalMilliseconds < 1000
        ? string.Create(CultureInfo.InvariantCulture, $"{elapsed.TotalMilliseconds:0.0} ms")
        : string.Create(CultureInfo.InvariantCulture, $"{elapsed.TotalSeconds:0.00} s");
}
