using Elevate.Core.Audit;
using Microsoft.EntityFrameworkCore;

namespace Elevate.Core.Persistence;

/// <summary>The few places where SQLite and PostgreSQL must be spoken to differently.</summary>
public interface IDatabaseDialect
{
    /// <summary>
    /// Reads the audit head inside the current transaction and holds it until commit, so change sets run one after
    /// another. SQLite already holds the database write lock (BEGIN IMMEDIATE); PostgreSQL takes a row lock.
    /// </summary>
    Task<AuditHead> LockAuditHeadAsync(ElevateDbContext db, CancellationToken ct);

    /// <summary>Tells other Elevate instances that <paramref name="sequence"/> committed (PostgreSQL NOTIFY; nothing on SQLite).</summary>
    Task NotifyCommittedAsync(ElevateDbContext db, long sequence, CancellationToken ct);

    /// <summary>True when the write failed on a unique index (someone else wrote the same thing first).</summary>
    bool IsUniqueViolation(DbUpdateException exception);

    public static IDatabaseDialect For(ElevateDbContext db) => db.IsPostgres ? PostgresDialect.Instance : SqliteDialect.Instance;
}

internal sealed class SqliteDialect : IDatabaseDialect
{
    public static readonly SqliteDialect Instance = new();

    public Task<AuditHead> LockAuditHeadAsync(ElevateDbContext db, CancellationToken ct) =>
        db.AuditHead.SingleAsync(h => h.Id == AuditHead.SingletonId, ct);

    public Task NotifyCommittedAsync(ElevateDbContext db, long sequence, CancellationToken ct) => Task.CompletedTask;

    public bool IsUniqueViolation(DbUpdateException exception) =>
        exception.InnerException is Microsoft.Data.Sqlite.SqliteException { SqliteErrorCode: 19, SqliteExtendedErrorCode: 2067 or 1555 };
}

internal sealed class PostgresDialect : IDatabaseDialect
{
    public const string Channel = "elevate_changes";
    public static readonly PostgresDialect Instance = new();

    public Task<AuditHead> LockAuditHeadAsync(ElevateDbContext db, CancellationToken ct) =>
        db.AuditHead.FromSqlRaw("SELECT * FROM audit_head WHERE id = 1 FOR UPDATE").SingleAsync(ct);

    public Task NotifyCommittedAsync(ElevateDbContext db, long sequence, CancellationToken ct) =>
        db.Database.ExecuteSqlAsync($"SELECT pg_notify({Channel}, {sequence.ToString(System.Globalization.CultureInfo.InvariantCulture)})", ct);

    public bool IsUniqueViolation(DbUpdateException exception) =>
        exception.InnerException is Npgsql.PostgresException { SqlState: "23505" };
}
