namespace Elevate.Core.Common;

/// <summary>A caller's turn at a gate (a one-slot semaphore already entered); disposing it lets the next caller in, once.</summary>
internal sealed class GateTurn(SemaphoreSlim gate) : IDisposable
{
    private int _released;

    public static async ValueTask<IDisposable> EnterAsync(SemaphoreSlim gate, CancellationToken ct)
    {
        await gate.WaitAsync(ct);
        return new GateTurn(gate);
    }

    public void Dispose()
    {
        if (Interlocked.Exchange(ref _released, 1) == 0)
        {
            gate.Release();
        }
    }
}
