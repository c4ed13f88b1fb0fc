using Elevate.Core.Alerts;
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
    private readonly SemaphoreSlim _poke = new(0, 1);

    /// <summary>How long after a change the evaluation runs, so a burst of changes is evaluated once.</summary>
    public static readonly TimeSpan Gather = TimeSpan.FromSeconds(5);

    public void Poke()
    {
        try
        {
            _poke.Release();
        }
        catch (SemaphoreFullException)
        {
            // One pending poke covers any number.
        }
    }

    public override void Dispose()
    {
        _poke.Dispose();
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
                var poked = await WaitAsync(settings.EvaluationInterval, stoppingToken);
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

    private async Task<bool> WaitAsync(TimeSpan interval, CancellationToken stop)
    {
        using var either = CancellationTokenSource.CreateLinkedTokenSource(stop);
        var timer = Task.Delay(interval, time, either.Token);
        var poke = _poke.WaitAsync(either.Token);
        var first = await Task.WhenAny(timer, poke);
        await either.CancelAsync();
        await Task.WhenAll(timer, poke).ContinueWith(_ => { }, CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
        stop.ThrowIfCancellationRequested();
        return first == poke && poke.IsCompletedSuccessfully;
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
