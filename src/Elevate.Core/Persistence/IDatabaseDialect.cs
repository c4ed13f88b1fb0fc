using Elevate.Core.Audit;
using Elevate.Core.Common;
using Microsoft.EntityFrameworkCore;

namespace Elevate.Core.Persistence;

/// <summary>The few places where SQLite and PostgreSQL must be spoken to differently.</summary>
public interface IDatabaseDialect
{
    /// <summary>The PostgreSQL notification channel every change set notifies on commit, and every instance listens to.</summary>
    public const string ChangeChannel = "elevate_changes";

    /// <summary>
    /// Reads the audit head inside the current transaction and holds it until commit, so change sets run one after
    /// another. SQLite already holds the database write lock (BEGIN IMMEDIATE); PostgreSQL takes a row lock.
    /// </summary>
    Task<AuditHead> LockAuditHeadAsync(ElevateDbContext db, CancellationToken ct);

    /// <summary>Tells other Elevate instances that <paramref name="sequence"/> committed (PostgreSQL NOTIFY; nothing on SQLite).</summary>
    Task NotifyCommittedAsync(ElevateDbContext db, long sequence, CancellationToken ct);

    /// <summary>True when the write failed on a unique index (someone else wrote the same thing first).</summary>
    bool IsUniqueViolation(DbUpdateException exception);

    /// <summary>
    /// Waits until this process may start a write on <paramref name="db"/>'s database; dispose the result to let the
    /// next writer in. PostgreSQL needs nothing here (the head's row lock orders writers).
    /// </summary>
    ValueTask<IDisposable> EnterWriteAsync(ElevateDbContext db, CancellationToken ct);

    public static IDatabaseDialect For(ElevateDbContext db) => db.IsPostgres ? PostgresDialect.Instance : SqliteDialect.Instance;
}

internal sealed class SqliteDialect : IDatabaseDialect
{
    public static readonly SqliteDialect Instance = new();

    private static readonly System.Collections.Concurrent.ConcurrentDictionary<string, SemaphoreSlim> Writers = new(StringComparer.Ordinal);

    public Task<AuditHead> LockAuditHeadAsync(ElevateDbContext db, CancellationToken ct) =>
        db.AuditHead.SingleAsync(h => h.Id == AuditHead.SingletonId, ct);

    public Task NotifyCommittedAsync(ElevateDbContext db, long sequence, CancellationToken ct) => Task.CompletedTask;

    public bool IsUniqueViolation(DbUpdateException exception) =>
        exception.InnerException is Microsoft.Data.Sqlite.SqliteException { SqliteErrorCode: 19, SqliteExtendedErrorCode: 2067 or 1555 };

    /// <summary>
    /// SQLite has one writer at a time. Writers of this process queue here, in order and without spinning, instead of
    /// colliding inside SQLite, whose busy handling in Microsoft.Data.Sqlite sleeps 150 ms per retry.
    /// </summary>
    public ValueTask<IDisposable> EnterWriteAsync(ElevateDbContext db, CancellationToken ct) =>
        GateTurn.EnterAsync(Writers.GetOrAdd(db.Database.GetConnectionString() ?? "", _ => new SemaphoreSlim(1, 1)), ct);
}

internal sealed class PostgresDialect : IDatabaseDialect
{
    public static readonly PostgresDialect Instance = new();

    public Task<AuditHead> LockAuditHeadAsync(ElevateDbContext db, CancellationToken ct) =>
        db.AuditHead.FromSqlRaw("SELECT * FROM audit_head WHERE id = 1 FOR UPDATE").SingleAsync(ct);

    public Task NotifyCommittedAsync(ElevateDbContext db, long sequence, CancellationToken ct) =>
        db.Database.ExecuteSqlAsync($"SELECT pg_notify({IDatabaseDialect.ChangeChannel}, {sequence.ToString(System.Globalization.CultureInfo.InvariantCulture)})", ct);

    public bool IsUniqueViolation(DbUpdateException exception) =>
        exception.InnerException is Npgsql.PostgresException { SqlState: "23505" };

    public ValueTask<IDisposable> EnterWriteAsync(ElevateDbContext db, CancellationToken ct) => ValueTask.FromResult<IDisposable>(NoGate.Instance);

    private sealed class NoGate : IDisposable
    {
        public static readonly NoGate Instance = new();

        public void Dispose()
        {
        }
    }
}
