using Elevate.Core.Common;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Elevate.Core.Scheduling;

/// <summary>The outcome of one wake-up of the scheduler.</summary>
/// <param name="DueCheckedAt">The time of the pass's last look at what is due: everything due by then was processed.</param>
public sealed record SchedulerPass(long Number, int Started, int Expired, TimeSpan MaxLag, DateTimeOffset? NextDue, DateTimeOffset DueCheckedAt);

/// <summary>
/// The durable scheduler's loop. It sleeps until the next due time (read from the database, never a fixed poll),
/// wakes early when a commit may have brought that time forward, and on start catches up everything that fell due
/// while Elevate was down. A failing pass is logged and retried; it never stops the loop.
/// </summary>
public sealed class GrantScheduler(IServiceScopeFactory scopes, TimeProvider time, ILogger<GrantScheduler> logger) : IDisposable
{
    /// <summary>
    /// The longest sleep: a safety net against a missed wake-up signal or a jump of the clock. Grants are not late
    /// because of it: whether one is in force is computed from the clock, not from this loop.
    /// </summary>
    public static readonly TimeSpan MaxSleep = TimeSpan.FromMinutes(5);

    public static readonly TimeSpan RetryAfterFailure = TimeSpan.FromSeconds(5);

    private readonly Wakeup _wake = new();
    private readonly object _passLock = new();
    private TaskCompletionSource<SchedulerPass> _nextPass = new(TaskCreationOptions.RunContinuationsAsynchronously);

    private long _passesStarted;

    public SchedulerPass? LastPass { get; private set; }

    /// <summary>How many passes have begun; a pass numbered above a value read now begins after this moment.</summary>
    public long PassesStarted => Interlocked.Read(ref _passesStarted);

    public void Dispose() => _wake.Dispose();

    /// <summary>Wakes the loop to look again at what is due next.</summary>
    public void Poke() => _wake.Poke();

    /// <summary>Completes with the first pass (the last one, or a later one) that satisfies <paramref name="condition"/>.</summary>
    public async Task<SchedulerPass> WaitForPassAsync(Func<SchedulerPass, bool> condition, CancellationToken ct)
    {
        while (true)
        {
            Task<SchedulerPass> next;
            lock (_passLock)
            {
                if (LastPass is { } last && condition(last))
                {
                    return last;
                }

                next = _nextPass.Task;
            }

            await next.WaitAsync(ct);
        }
    }

    public async Task RunAsync(CancellationToken stop)
    {
        while (!stop.IsCancellationRequested)
        {
            TimeSpan sleep;
            try
            {
                var pass = await RunPassAsync(stop);
                sleep = pass.NextDue is { } due ? Clamp(due - time.GetUtcNow()) : MaxSleep;
                if (pass.Started + pass.Expired == 0 && pass.NextDue <= pass.DueCheckedAt)
                {
                    // Something looked due but no batch found it (another instance took it, or the data disagrees
                    // with itself): look again shortly rather than spin.
                    sleep = RetryAfterFailure;
                }
            }
            catch (OperationCanceledException) when (stop.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e)
            {
                logger.LogError(e, "A scheduler pass failed; retrying in {Delay}.", RetryAfterFailure);
                sleep = RetryAfterFailure;
            }

            await _wake.SleepAsync(sleep, time, stop);
        }
    }

    /// <summary>Processes everything due now, batch after batch, and reports when the next item falls due.</summary>
    public async Task<SchedulerPass> RunPassAsync(CancellationToken ct)
    {
        var number = Interlocked.Increment(ref _passesStarted);
        int started = 0, expired = 0;
        var maxLag = TimeSpan.Zero;
        DateTimeOffset? nextDue;
        DateTimeOffset checkedAt;
        await using (var scope = scopes.CreateAsyncScope())
        {
            var work = scope.ServiceProvider.GetRequiredService<DueWork>();
            while (true)
            {
                // Look before locking: most wake-ups (a commit elsewhere) find nothing due, and a plain read does not
                // queue behind writers. The clock is read first, so whatever is due by checkedAt is found now or was
                // processed before.
                checkedAt = time.UtcNow();
                nextDue = await work.NextDueAsync(ct);
                if (nextDue is null || nextDue > checkedAt)
                {
                    break;
                }

                var batch = await work.RunBatchAsync(ct);
                started += batch.Started;
                expired += batch.Expired;
                maxLag = batch.MaxLag > maxLag ? batch.MaxLag : maxLag;
                if (batch.Total == 0)
                {
                    // Another instance got there first; the next look will find the new next due time.
                    break;
                }
            }

            // Access reviews: instances to start, remind, close and apply. Each step re-checks under the lock.
            if (scope.ServiceProvider.GetService<Reviews.ReviewRunner>() is { } reviews)
            {
                var reviewDue = await reviews.NextDueAsync(ct);
                if (reviewDue is { } due && due <= checkedAt)
                {
                    var done = await reviews.RunDueAsync(checkedAt, ct);
                    if (done.Total > 0)
                    {
                        logger.LogInformation("Access reviews: {Started} instances started, {Reminded} reminders, {Closed} closed, {Applied} applied.",
                            done.Started, done.Reminded, done.Closed, done.Applied);
                    }

                    reviewDue = await reviews.NextDueAsync(ct);
                }

                nextDue = reviewDue is { } r && (nextDue is null || r < nextDue) ? r : nextDue;
            }
        }

        if (started + expired > 0)
        {
            var lagMilliseconds = (long)maxLag.TotalMilliseconds;
            logger.LogInformation("Scheduler started {Started} and expired {Expired} assignments (latest {Lag} ms after due).", started, expired, lagMilliseconds);
        }

        var pass = new SchedulerPass(number, started, expired, maxLag, nextDue, checkedAt);
        lock (_passLock)
        {
            LastPass = pass;
            var done = _nextPass;
            _nextPass = new TaskCompletionSource<SchedulerPass>(TaskCreationOptions.RunContinuationsAsynchronously);
            done.SetResult(pass);
        }

        return pass;
    }

    private static TimeSpan Clamp(TimeSpan delay) => delay < TimeSpan.Zero ? TimeSpan.Zero : delay > MaxSleep ? MaxSleep : delay;
}
