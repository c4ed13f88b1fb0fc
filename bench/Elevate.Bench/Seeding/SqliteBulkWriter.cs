using Elevate.Bench.Cli;
using Elevate.Bench.Hosting;
using Microsoft.Data.Sqlite;

namespace Elevate.Bench.Seeding;

/// <summary>One transaction of prepared INSERTs on a private connection.</summary>
public sealed class SqliteBulkWriter : IBulkWriter
{
    private readonly BenchOptions _options;
    private readonly SqliteConnection _connection;
    private readonly SqliteTransaction _transaction;

    private SqliteBulkWriter(BenchOptions options, SqliteConnection connection)
    {
        _options = options;
        _connection = connection;
        _transaction = connection.BeginTransaction();
    }

    public static SqliteBulkWriter Open(BenchOptions options)
    {
        // Pooled connections of EF would keep the file open in WAL mode; the load runs alone.
        SqliteConnection.ClearAllPools();
        var connection = new SqliteConnection(new SqliteConnectionStringBuilder(options.ConnectionString) { Pooling = false }.ToString());
        connection.Open();

        // Durability does not matter while loading (a failed seed is simply run again); the file returns to WAL with
        // the default synchronous setting when the writer commits.
        Execute(connection, "PRAGMA journal_mode=OFF; PRAGMA synchronous=OFF; PRAGMA cache_size=-1000000;");
        return new SqliteBulkWriter(options, connection);
    }

    public Task<int> WriteAsync<T>(IEnumerable<T> rows, CancellationToken ct)
        where T : class
    {
        using var db = BenchHost.OpenContext(_options);
        var mapping = TableMapping.For<T>(db);
        using var insert = _connection.CreateCommand();
        insert.Transaction = _transaction;
        insert.CommandText = $"INSERT INTO {mapping.Table} ({string.Join(", ", mapping.Columns.Select(c => c.Name))}) " +
            $"VALUES ({string.Join(", ", mapping.Columns.Select((_, i) => $"$p{i}"))})";
        var parameters = mapping.Columns.Select((_, i) => insert.Parameters.Add(new SqliteParameter($"$p{i}", null))).ToArray();
        insert.Prepare();

        var count = 0;
        foreach (var row in rows)
        {
            for (var i = 0; i < parameters.Length; i++)
            {
                parameters[i].Value = mapping.Columns[i].Read(row) ?? DBNull.Value;
            }

            insert.ExecuteNonQuery();
            count++;
            if (count % 100_000 == 0)
            {
                ct.ThrowIfCancellationRequested();
            }
        }

        return Task.FromResult(count);
    }

    public Task SetAuditHeadAsync(long sequence, string hash, CancellationToken ct)
    {
        using var update = _connection.CreateCommand();
        update.Transaction = _transaction;
        update.CommandText = "UPDATE audit_head SET last_sequence = $sequence, last_hash = $hash WHERE id = 1";
        update.Parameters.AddWithValue("$sequence", sequence);
        update.Parameters.AddWithValue("$hash", hash);
        update.ExecuteNonQuery();
        return Task.CompletedTask;
    }

    public Task CommitAsync(CancellationToken ct)
    {
        _transaction.Commit();
        Execute(_connection, "PRAGMA journal_mode=WAL;");
        return Task.CompletedTask;
    }

    public ValueTask DisposeAsync()
    {
        _transaction.Dispose();
        _connection.Dispose();
        return ValueTask.CompletedTask;
    }

    private static void Execute(SqliteConnection connection, string sql)
    {
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        command.ExecuteNonQuery();
    }
}
