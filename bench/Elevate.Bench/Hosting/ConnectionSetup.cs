using System.Data.Common;
using Microsoft.EntityFrameworkCore.Diagnostics;

namespace Elevate.Bench.Hosting;

/// <summary>
/// An experiment, not the product: runs one statement on every connection EF opens (e.g. a larger SQLite page cache,
/// or PostgreSQL without synchronous commit), to measure how much of a figure one setting accounts for.
/// </summary>
public sealed class ConnectionSetup(string sql) : DbConnectionInterceptor
{
    public override void ConnectionOpened(DbConnection connection, ConnectionEndEventData eventData) => Apply(connection);

    public override Task ConnectionOpenedAsync(DbConnection connection, ConnectionEndEventData eventData, CancellationToken cancellationToken = default)
    {
        Apply(connection);
        return Task.CompletedTask;
    }

    private void Apply(DbConnection connection)
    {
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        command.ExecuteNonQuery();
    }
}
