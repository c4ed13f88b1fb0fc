using Elevate.Core.Audit;
using Elevate.Core.Common;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage;

namespace Elevate.Core.Persistence;

/// <summary>
/// One write: a transaction that first locks the audit head, then lets a use case read, decide and change, and
/// commits the changes together with their audit events. There is no change without its event: committing a change
/// set with no audit record is a bug and throws. Lost races (a guarded write whose row changed, a unique index
/// hit) come back as a <see cref="ErrorCodes.ChangedConcurrently"/> conflict, not an exception.
/// </summary>
public sealed class ChangeSet : IAsyncDisposable
{
    private readonly IDisposable _writer;
    private readonly IDbContextTransaction _transaction;
    private readonly IDatabaseDialect _dialect;
    private readonly AuditHead _head;
    private readonly IChangeObserver _observer;
    private readonly IReadOnlyList<IChangeSetHook> _hooks;
    private readonly List<AuditRecord> _records = [];
    private readonly long _stamp;
    private bool _completed;

    private ChangeSet(ElevateDbContext db, IDisposable writer, IDbContextTransaction transaction, IDatabaseDialect dialect, AuditHead head, Actor actor, DateTimeOffset now, IChangeObserver observer, IReadOnlyList<IChangeSetHook> hooks)
    {
        Db = db;
        _writer = writer;
        _transaction = transaction;
        _dialect = dialect;
        _head = head;
        _stamp = head.LastSequence + 1;
        Actor = actor;
        Now = now;
        _observer = observer;
        _hooks = hooks;
    }

    public ElevateDbContext Db { get; }

    public Actor Actor { get; }

    /// <summary>The time of this change, read once after the lock was taken so audit times follow sequence order.</summary>
    public DateTimeOffset Now { get; }

    public IReadOnlyList<AuditRecord> Records => _records;


    public static async Task<ChangeSet> BeginAsync(ElevateDbContext db, Actor actor, TimeProvider time, IChangeObserver observer, IReadOnlyList<IChangeSetHook> hooks, CancellationToken ct)
    {
        var dialect = IDatabaseDialect.For(db);

        // Everything a change set decides on is read under its lock. Entities tracked from earlier work on this
        // context would be returned as they were then (EF does not overwrite tracked values), so start clean.
        db.ChangeTracker.Clear();
        var writer = await dialect.EnterWriteAsync(db, ct);
        IDbContextTransaction? transaction = null;
        try
        {
            transaction = await db.Database.BeginTransactionAsync(ct);
            var head = await dialect.LockAuditHeadAsync(db, ct);
            return new ChangeSet(db, writer, transaction, dialect, head, actor, time.UtcNow(), observer, hooks);
        }
        catch
        {
            if (transaction is not null)
            {
                await transaction.DisposeAsync();
            }

            writer.Dispose();
            throw;
        }
    }

    public void Audit(AuditRecord record) => _records.Add(record);

    /// <summary>Writes everything and commits; returns the last audit sequence, or a conflict if a race was lost.</summary>
    public async Task<Result<long>> CommitAsync(CancellationToken ct)
    {
        if (_records.Count == 0)
        {
            throw new InvalidOperationException("A change set must record at least one audit event.");
        }

        foreach (var hook in _hooks)
        {
            await hook.BeforeCommitAsync(this, ct);
        }

        var stamp = _stamp;
        foreach (var entry in Db.ChangeTracker.Entries())
        {
            if (entry.State is EntityState.Added or EntityState.Modified)
            {
                if (entry.Entity is IChangeStamped stamped)
                {
                    stamped.ChangeSeq = stamp;
                }

                if (entry.Entity is IVersioned versioned && entry.State == EntityState.Modified)
                {
                    versioned.Version++;
                }
            }
        }

        AppendAuditEvents();
        try
        {
            await Db.SaveChangesAsync(ct);
            await _dialect.NotifyCommittedAsync(Db, _head.LastSequence, ct);
            await _transaction.CommitAsync(ct);
        }
        catch (DbUpdateConcurrencyException)
        {
            await RollBackAsync(ct);
            return ElevateError.Conflict(ErrorCodes.ChangedConcurrently, "Someone else changed this at the same moment; read it again and retry.");
        }
        catch (DbUpdateException e) when (_dialect.IsUniqueViolation(e))
        {
            await RollBackAsync(ct);
            return ElevateError.Conflict(ErrorCodes.ChangedConcurrently, "Someone else made the same change at the same moment.");
        }

        _completed = true;
        _writer.Dispose();
        await _observer.CommittedAsync(_head.LastSequence, ct);
        return _head.LastSequence;
    }

    public async ValueTask DisposeAsync()
    {
        if (!_completed)
        {
            Db.ChangeTracker.Clear();
        }

        await _transaction.DisposeAsync();
        _writer.Dispose();
    }

    private void AppendAuditEvents()
    {
        var chain = new AuditChainWriter(_head.LastSequence, _head.LastHash);
        foreach (var record in _records)
        {
            Db.AuditEvents.Add(chain.Next(record, Actor, Now));
        }

        _head.LastSequence = chain.LastSequence;
        _head.LastHash = chain.LastHash;
    }

    private async Task RollBackAsync(CancellationToken ct)
    {
        Db.ChangeTracker.Clear();
        await _transaction.RollbackAsync(ct);
    }
}
