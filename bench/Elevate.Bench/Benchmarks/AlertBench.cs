using System.Diagnostics;
using System.Text.Json;
using Elevate.Bench.Cli;
using Elevate.Bench.Hosting;
using Elevate.Bench.Measurement;
using Elevate.Core.Alerts;
using Elevate.Core.Assignments;
using Elevate.Core.Audit;
using Elevate.Core.Common.Json;
using Elevate.Core.Persistence;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Elevate.Bench.Benchmarks;

/// <summary>
/// AlertEvaluator.EvaluateAsync over the seeded data, with the system clock and the installation's alert settings (the
/// defaults on a seeded database). The seeder dates eligibilities 1-365 days back and users 366-730 days back with no
/// sign-in, so the stale-eligibility query finds about three quarters of the 1M eligibilities and the stale-accounts
/// query most users. A fresh host (as a server after start): the first evaluation is cold (EF model and query
/// compilation, JIT), then warm evaluations. Then each alert type alone, by storing settings that disable every
/// other type (evaluated once to settle the alerts that changes resolve or reopen, then timed); the installation's
/// settings are put back at the end.
/// </summary>
public static class AlertBench
{
    private const int WarmRuns = 3;

    public static async Task RunAsync(BenchOptions options, ResultLog log, CancellationToken ct)
    {
        await using var app = BenchHost.Build(options, customize: BenchHost.WithoutCommitObserver);

        // The host is not started, so bring the schema up to date here, as Elevate does at start.
        await using (var scope = app.Services.CreateAsyncScope())
        {
            await scope.ServiceProvider.GetRequiredService<ElevateDbContext>().Database.MigrateAsync(ct);
        }

        var (eligible, open) = await CountAsync(app.Services, ct);
        var original = await ReadSettingsAsync(app.Services, ct);
        var settings = original is null ? AlertSettings.Default : JsonSerializer.Deserialize<AlertSettings>(original, ElevateJson.Options) ?? AlertSettings.Default;
        ResultLog.Info($"{open:N0} open assignments ({eligible:N0} eligible); settings: {(original ?? "defaults")}");

        var cold = await EvaluateAsync(app.Services, ct);
        Add(log, "alerts: full evaluation, cold", cold, 1, $"first evaluation after the host started; {Describe(cold.Result)}; {open:N0} open assignments");
        for (var run = 1; run <= WarmRuns; run++)
        {
            var warm = await EvaluateAsync(app.Services, ct);
            Add(log, "alerts: full evaluation, warm", warm, run, $"{Describe(warm.Result)}; {open:N0} open assignments");
        }

        try
        {
            foreach (var type in Enum.GetValues<AlertType>())
            {
                await StoreSettingsAsync(app.Services, JsonSerializer.Serialize(
                    settings with { Disabled = [.. Enum.GetValues<AlertType>().Where(t => t != type)] }, ElevateJson.Options), ct);
                var settle = await EvaluateAsync(app.Services, ct);
                var alone = await EvaluateAsync(app.Services, ct);
                var items = await ItemCountAsync(app.Services, type, ct);
                log.Add($"alerts: {type} alone", $"{alone.Elapsed.TotalSeconds:0.000} s", "-", null, 1,
                    $"evaluation with every other type disabled; {items} items; first run after the settings change (settles alerts) {settle.Elapsed.TotalSeconds:0.000} s");
            }
        }
        finally
        {
            await StoreSettingsAsync(app.Services, original, ct);
            var restored = await EvaluateAsync(app.Services, ct);
            ResultLog.Info($"settings restored; evaluation {restored.Elapsed.TotalSeconds:0.00} s, {Describe(restored.Result)}");
        }
    }

    private static void Add(ResultLog log, string benchmark, (EvaluationResult Result, TimeSpan Elapsed) measured, int run, string notes) =>
        log.Add(benchmark, $"{measured.Elapsed.TotalSeconds:0.00} s", "≤ 10 s", measured.Elapsed.TotalSeconds <= 10, run, notes);

    private static string Describe(EvaluationResult r) =>
        $"raised {r.Raised}, updated {r.Updated}, reopened {r.Reopened}, resolved {r.Resolved}";

    private static async Task<(EvaluationResult Result, TimeSpan Elapsed)> EvaluateAsync(IServiceProvider services, CancellationToken ct)
    {
        // One scope per evaluation, as the server's AlertMonitor does.
        await using var scope = services.CreateAsyncScope();
        var evaluator = scope.ServiceProvider.GetRequiredService<AlertEvaluator>();
        var clock = Stopwatch.StartNew();
        var result = await evaluator.EvaluateAsync(ct);
        return (result, clock.Elapsed);
    }

    private static async Task<(int Eligible, int Open)> CountAsync(IServiceProvider services, CancellationToken ct)
    {
        await using var scope = services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<ElevateDbContext>();
        var open = db.Assignments.AsNoTracking().Where(a => a.Status == AssignmentStatus.Active || a.Status == AssignmentStatus.Scheduled);
        return (await open.CountAsync(a => a.Kind == AssignmentKind.Eligible, ct), await open.CountAsync(ct));
    }

    private static async Task<int> ItemCountAsync(IServiceProvider services, AlertType type, CancellationToken ct)
    {
        await using var scope = services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<ElevateDbContext>();
        return await db.SecurityAlerts.AsNoTracking().Where(a => a.Type == type && a.Status != AlertStatus.Resolved).Select(a => a.ItemCount).FirstOrDefaultAsync(ct);
    }

    private static async Task<string?> ReadSettingsAsync(IServiceProvider services, CancellationToken ct)
    {
        await using var scope = services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<ElevateDbContext>();
        return (await db.AlertSettings.AsNoTracking().OrderBy(r => r.Id).FirstOrDefaultAsync(ct))?.Settings;
    }

    /// <summary>Stores the settings document as AlertService does (one change set, audited); null removes it (the defaults).</summary>
    private static async Task StoreSettingsAsync(IServiceProvider services, string? document, CancellationToken ct)
    {
        await using var scope = services.CreateAsyncScope();
        await using var cs = await scope.ServiceProvider.GetRequiredService<ChangeSets>().BeginAsync(new Actor(null, "bench"), ct);
        var record = await cs.Db.AlertSettings.OrderBy(r => r.Id).FirstOrDefaultAsync(ct);
        if (document is null)
        {
            if (record is null)
            {
                return;
            }

            cs.Db.AlertSettings.Remove(record);
        }
        else
        {
            if (record is null)
            {
                record = new AlertSettingsRecord { Version = 1 };
                cs.Db.AlertSettings.Add(record);
            }

            record.Settings = document;
            record.UpdatedAt = cs.Now;
        }

        cs.Audit(new AuditRecord("alert_settings.updated") { Details = $$"""{"after":{{document ?? "null"}}}""" });
        var committed = await cs.CommitAsync(ct);
        if (!committed.IsSuccess)
        {
            throw new InvalidOperationException($"Storing the alert settings failed: {committed.Error.Message}");
        }
    }
}
