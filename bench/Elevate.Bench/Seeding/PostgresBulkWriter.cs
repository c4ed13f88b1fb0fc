using Elevate.Bench.Cli;
using Elevate.Bench.Hosting;
using Npgsql;
using NpgsqlTypes;

namespace Elevate.Bench.Seeding;

/// <summary>One transaction of binary COPYs.</summary>
public sealed class PostgresBulkWriter : IBulkWriter
{
    private readonly BenchOptions _options;
    private readonly NpgsqlConnection _connection;
    private readonly NpgsqlTransaction _transaction;

    private PostgresBulkWriter(BenchOptions options, NpgsqlConnection connection, NpgsqlTransaction transaction)
    {
        _options = options;
        _connection = connection;
        _transaction = transaction;
    }

    public static async Task<PostgresBulkWriter> OpenAsync(BenchOptions options, CancellationToken ct)
    {
        var connection = new NpgsqlConnection(new NpgsqlConnectionStringBuilder(options.ConnectionString) { CommandTimeout = 0 }.ToString());
        await connection.OpenAsync(ct);
        var transaction = await connection.BeginTransactionAsync(ct);
        return new PostgresBulkWriter(options, connection, transaction);
    }

    public async Task<int> WriteAsync<T>(IEnumerable<T> rows, CancellationToken ct)
        where T : class
    {
        var mapping = Mapping<T>();
        var types = mapping.Columns.Select(c => TypeOf(c.ProviderType)).ToArray();
        var copy = $"COPY {mapping.Table} ({string.Join(", ", mapping.Columns.Select(c => c.Name))}) FROM STDIN (FORMAT BINARY)";
        await using var importer = await _connection.BeginBinaryImportAsync(copy, ct);
        var count = 0;
        foreach (var row in rows)
        {
            await importer.StartRowAsync(ct);
            for (var i = 0; i < types.Length; i++)
            {
                var value = mapping.Columns[i].Read(row);
                if (value is null)
                {
                    await importer.WriteNullAsync(ct);
                }
                else
                {
                    await importer.WriteAsync(value, types[i], ct);
                }
            }

            count++;
        }

        await importer.CompleteAsync(ct);
        return count;
    }

    public async Task SetAuditHeadAsync(long sequence, string hash, CancellationToken ct)
    {
        await using var update = new NpgsqlCommand("UPDATE audit_head SET last_sequence = @sequence, last_hash = @hash WHERE id = 1", _connection, _transaction);
        update.Parameters.AddWithValue("sequence", sequence);
        update.Parameters.AddWithValue("hash", hash);
        await update.ExecuteNonQueryAsync(ct);
    }

    public Task CommitAsync(CancellationToken ct) => _transaction.CommitAsync(ct);

    public async ValueTask DisposeAsync()
    {
        await _transaction.DisposeAsync();
        await _connection.DisposeAsync();
    }

    private TableMapping Mapping<T>()
    {
        using var db = BenchHost.OpenContext(_options);
        return TableMapping.For<T>(db);
    }

    private static NpgsqlDbType TypeOf(Type type) =>
        type == typeof(Guid) ? NpgsqlDbType.Uuid
        : type == typeof(string) ? NpgsqlDbType.Text
        : type == typeof(long) ? NpgsqlDbType.Bigint
        : type == typeof(int) ? NpgsqlDbType.Integer
        : type == typeof(bool) ? NpgsqlDbType.Boolean
        : type == typeof(DateTimeOffset) ? NpgsqlDbType.TimestampTz
        : type == typeof(TimeSpan) ? NpgsqlDbType.Interval
        : throw new NotSupportedException($"No COPY type for {type.Name}.");
}
