namespace Elevate.Core.Persistence;

/// <summary>
/// Work that belongs in every change set's transaction, run just before it commits (the notification outbox is one):
/// what a hook adds commits with the change or not at all.
/// </summary>
public interface IChangeSetHook
{
    Task BeforeCommitAsync(ChangeSet cs, CancellationToken ct);
}
