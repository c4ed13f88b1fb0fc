using System.Diagnostics;

namespace Elevate.Server.Tests.Notifications.Support;

/// <summary>
/// A thread-safe, append-only record of what a loopback fake received, with waits measured on the wall clock (the
/// product under test may run on a fake clock, but its deliveries arrive in real time).
/// </summary>
internal sealed class CaptureLog<T>
{
    private readonly Lock _gate = new();
    private readonly List<T> _items = [];
    private readonly Func<IReadOnlyList<T>, string> _describe;
    private TaskCompletionSource _changed = NewSignal();

    /// <param name="describe">Summarises what was received so far, for the message of a wait that timed out.</param>
    public CaptureLog(Func<IReadOnlyList<T>, string> describe)
    {
        _describe = describe;
    }

    public IReadOnlyList<T> Snapshot()
    {
        lock (_gate)
        {
            return [.. _items];
        }
    }

    public void Add(T item)
    {
        TaskCompletionSource changed;
        lock (_gate)
        {
            _items.Add(item);
            changed = _changed;
            _changed = NewSignal();
        }

        changed.TrySetResult();
    }

    public void Clear()
    {
        lock (_gate)
        {
            _items.Clear();
        }
    }

    /// <summary>Waits until an item (already received or still to come) satisfies <paramref name="match"/>.</summary>
    public async Task<T> WaitForAsync(Func<T, bool> match, TimeSpan timeout, string what)
    {
        var found = await WaitAsync(items => items.FirstOrDefault(match) is { } item ? [item] : null, timeout, what);
        return found[0];
    }

    /// <summary>Waits until at least <paramref name="count"/> items were received and returns all of them.</summary>
    public Task<IReadOnlyList<T>> WaitForCountAsync(int count, TimeSpan timeout, string what)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        return WaitAsync(items => items.Count >= count ? items : null, timeout, what);
    }

    private async Task<IReadOnlyList<T>> WaitAsync(Func<IReadOnlyList<T>, IReadOnlyList<T>?> probe, TimeSpan timeout, string what)
    {
        var clock = Stopwatch.StartNew();
        while (true)
        {
            IReadOnlyList<T> items;
            Task changed;
            lock (_gate)
            {
                items = [.. _items];
                changed = _changed.Task;
            }

            if (probe(items) is { } result)
            {
                return result;
            }

            var remaining = timeout - clock.Elapsed;
            if (remaining <= TimeSpan.Zero)
            {
                throw new TimeoutException(
                    $"Timed out after {timeout.TotalSeconds:0.###} s waiting for {what}. Received {items.Count} so far: {_describe(items)}");
            }

            using var stopDelay = new CancellationTokenSource();
            await Task.WhenAny(changed, Task.Delay(remaining, stopDelay.Token));
            await stopDelay.CancelAsync();
        }
    }

    private static TaskCompletionSource NewSignal() => new(TaskCreationOptions.RunContinuationsAsynchronously);
}
