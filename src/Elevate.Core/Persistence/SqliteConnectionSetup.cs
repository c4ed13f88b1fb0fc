using System.Data.Common;
using Microsoft.EntityFrameworkCore.Diagnostics;

namespace Elevate.Core.Persistence;

/// <summary>
/// Per-connection SQLite settings, applied whenever a connection opens: wait inside SQLite (with its own short
/// back-off) when another process holds the write lock, instead of failing at once; and keep a larger page cache,
/// which matters once the assignments table and its indexes reach millions of rows.
/// </summary>
internal sealed class SqliteConnectionSetup : DbConnectionInterceptor
{
    public const string Pragmas = "PRAGMA busy_timeout = 30000; PRAGMA cache_size = -65536;";

    public static readonly SqliteConnectionSetup Instance = new();

    public override void ConnectionOpened(DbConnection connection, ConnectionEndEventData eventData)
    {
        using var command = connection.CreateCommand();
        command.CommandText = Pragmas;
        command.ExecuteNonQuery();
    }

    public override async Task ConnectionOpenedAsync(DbConnection connection, ConnectionEndEventData eventData, CancellationToken cancellationToken = default)
    {
        await using var command = connection.CreateCommand();
        command.CommandText = Pragmas;
        await command.ExecuteNonQueryAsync(cancellationToken);
    }
}
