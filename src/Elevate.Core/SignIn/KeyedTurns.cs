using Elevate.Core.Common;

namespace Elevate.Core.SignIn;

/// <summary>
/// Lets callers with the same key take turns, with a fixed number of gates: keys are spread over them by hash, so
/// memory stays bounded however many different keys (user names typed by strangers) arrive. Two keys that share a
/// gate only wait for each other, which is harmless for short turns.
/// </summary>
public sealed class KeyedTurns(int gates)
{
    private readonly SemaphoreSlim[] _gates = Enumerable.Range(0, gates).Select(_ => new SemaphoreSlim(1, 1)).ToArray();

    public ValueTask<IDisposable> EnterAsync(string key, CancellationToken ct) =>
        GateTurn.EnterAsync(_gates[(int)((uint)StringComparer.Ordinal.GetHashCode(key) % (uint)_gates.Length)], ct);
}
