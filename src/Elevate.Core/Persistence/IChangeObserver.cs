namespace Elevate.Core.Persistence;

/// <summary>Told after every committed change set, on the instance that committed it.</summary>
public interface IChangeObserver
{
    /// <summary>Runs before the use case returns, so a caller's next read sees its own write.</summary>
    ValueTask CommittedAsync(long sequence, CancellationToken ct);
}
