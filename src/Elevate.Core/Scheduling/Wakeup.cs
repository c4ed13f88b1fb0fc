namespace Elevate.Core.Scheduling;

/// <summary>
/// The sleep of a background loop that something else can cut short: pokes (any number, from any thread) wake one
/// sleep early; a poke that arrives while the loop is awake makes its next sleep return at once, so no change is missed.
/// </summary>
public sealed class Wakeup : IDisposable
{
    private readonly SemaphoreSlim _poked = new(0, 1);

    public void Poke()
    {
        try
        {
            _poked.Release();
        }
        catch (SemaphoreFullException)
        {
            // Already poked; one wake-up covers any number of pokes.
        }
    }

    /// <summary>Sleeps for <paramref name="duration"/> on <paramref name="time"/>, or until poked; true if poked.</summary>
    public async Task<bool> SleepAsync(TimeSpan duration, TimeProvider time, CancellationToken stop)
    {
        using var either = CancellationTokenSource.CreateLinkedTokenSource(stop);
        var timer = Task.Delay(duration, time, either.Token);
        var poke = _poked.WaitAsync(either.Token);
        var first = await Task.WhenAny(timer, poke);
        await either.CancelAsync();
        await Task.WhenAll(timer, poke).ContinueWith(_ => { }, CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
        return first == poke && poke.IsCompletedSuccessfully;
    }

    public void Dispose() => _poked.Dispose();
}
