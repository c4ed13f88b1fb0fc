using Elevate.Core.Alerts;
using Elevate.Core.Scheduling;
using Microsoft.Extensions.Options;

namespace Elevate.Server.Alerts;

/// <summary>
/// Evaluates the alert catalogue at start, on a schedule, and shortly after changes: a commit pokes the monitor, which
/// waits a moment to gather a burst of changes into one evaluation and never evaluates more often than
/// <see cref="AlertOptions.MinimumGap"/>. Every instance may run it; evaluations reconcile under the change-set lock.
/// </summary>
public sealed class AlertMonitor(IServiceScopeFactory scopes, IOptions<Hosting.ElevateOptions> options, TimeProvider time, ILogger<AlertMonitor> logger)
    : BackgroundService
{
    private readonly Wakeup _wake = new();

    /// <summary>How long after a change the evaluation runs, so a burst of changes is evaluated once.</summary>
    public static readonly TimeSpan Gather = TimeSpan.FromSeconds(5);

    public void Poke() => _wake.Poke();

    public override void Dispose()
    {
        _wake.Dispose();
        base.Dispose();
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var settings = options.Value.Alerts;
        if (!settings.Enabled)
        {
            return;
        }

        // The first evaluation waits a moment after start, like one after a change: start-up work settles first.
        try
        {
            await Task.Delay(Gather, time, stoppingToken);
        }
        catch (OperationCanceledException)
        {
            return;
        }

        var last = time.GetTimestamp();
        await EvaluateAsync(stoppingToken);
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                var poked = await _wake.SleepAsync(settings.EvaluationInterval, time, stoppingToken);
                stoppingToken.ThrowIfCancellationRequested();
                if (poked)
                {
                    var wait = Gather;
                    var sinceLast = time.GetElapsedTime(last);
                    if (sinceLast + wait < settings.MinimumGap)
                    {
                        wait = settings.MinimumGap - sinceLast;
                    }

                    await Task.Delay(wait, time, stoppingToken);
                }

                last = time.GetTimestamp();
                await EvaluateAsync(stoppingToken);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
        }
    }

    private async Task EvaluateAsync(CancellationToken ct)
    {
        try
        {
            await using var scope = scopes.CreateAsyncScope();
            var result = await scope.ServiceProvider.GetRequiredService<AlertEvaluator>().EvaluateAsync(ct);
            if (result.Changed > 0)
            {
                logger.LogInformation("Security alerts: {Raised} raised, {Updated} updated, {Reopened} reopened, {Resolved} resolved ({Took} ms).",
                    result.Raised, result.Updated, result.Reopened, result.Resolved, (long)result.Took.TotalMilliseconds);
            }
        }
        catch (Exception e) when (e is not OperationCanceledException || !ct.IsCancellationRequested)
        {
            logger.LogError(e, "Evaluating security alerts failed; the next evaluation tries again.");
        }
    }
}

/// <summary>The "Elevate:Alerts" section.</summary>
public sealed class AlertOptions
{
    /// <summary>Evaluate the alert catalogue in this instance.</summary>
    public bool Enabled { get; set; } = true;

    /// <summary>Evaluate at least this often, changes or not (ages pass without anyone changing anything).</summary>
    public TimeSpan EvaluationInterval { get; set; } = TimeSpan.FromMinutes(15);

    /// <summary>After a change, evaluate no sooner than this after the previous evaluation.</summary>
    public TimeSpan MinimumGap { get; set; } = TimeSpan.FromSeconds(30);
}
