using Elevate.Core.Persistence;
using Microsoft.EntityFrameworkCore;
using Npgsql;

namespace Elevate.Server.Tests.Infrastructure;

/// <summary>The two databases every integration test runs against.</summary>
public enum DatabaseKind
{
    Sqlite,
    Postgres,
}

/// <summary>
/// A fresh, empty database for one test: a temporary SQLite file, or a new database on the PostgreSQL server named by
/// ELEVATE_TEST_POSTGRES (test.sh starts a throwaway cluster and sets it). Without that variable the PostgreSQL tests
/// fail rather than skip: PostgreSQL is a supported production database and is tested in every run.
/// </summary>
public sealed class TestDatabase : IAsyncDisposable
{
    public const string PostgresVariable = "ELEVATE_TEST_POSTGRES";

    private readonly string? _directory;
    private readonly string? _postgresName;

    private TestDatabase(DatabaseKind kind, string connectionString, string? directory, string? postgresName)
    {
        Kind = kind;
        ConnectionString = connectionString;
        _directory = directory;
        _postgresName = postgresName;
    }

    public DatabaseKind Kind { get; }

    public DatabaseProvider Provider => Kind == DatabaseKind.Sqlite ? DatabaseProvider.Sqlite : DatabaseProvider.PostgreSql;

    public string ConnectionString { get; }

    /// <summary>A folder for the test's own files (the SQLite database lives there too).</summary>
    public string DataDirectory => _directory ?? Path.GetTempPath();

    public static async Task<TestDatabase> CreateAsync(DatabaseKind kind)
    {
        if (kind == DatabaseKind.Sqlite)
        {
            var directory = Directory.CreateTempSubdirectory("elevate-test-").FullName;
            return new TestDatabase(kind, $"Data Source={Path.Combine(directory, "elevate.db")}", directory, null);
        }

        var server = ServerConnectionString();
        var name = $"elevate_test_{Guid.NewGuid():N}";
        await using (var connection = new NpgsqlConnection(server))
        {
            await connection.OpenAsync();
            await using var create = new NpgsqlCommand($"CREATE DATABASE {name}", connection);
            await create.ExecuteNonQueryAsync();
        }

        var builder = new NpgsqlConnectionStringBuilder(server) { Database = name };
        return new TestDatabase(kind, builder.ConnectionString, Directory.CreateTempSubdirectory("elevate-test-").FullName, name);
    }

    /// <summary>A context on this database, for tests that look at or tamper with stored rows directly.</summary>
    public ElevateDbContext OpenContext() => new(ElevateDatabase.Options(Provider, ConnectionString));

    public async Task ExecuteAsync(string sql)
    {
        await using var db = OpenContext();
        await db.Database.ExecuteSqlRawAsync(sql);
    }

    public async ValueTask DisposeAsync()
    {
        if (_postgresName is not null)
        {
            NpgsqlConnection.ClearAllPools();
            await using var connection = new NpgsqlConnection(ServerConnectionString());
            await connection.OpenAsync();
            await using var drop = new NpgsqlCommand($"DROP DATABASE IF EXISTS {_postgresName} WITH (FORCE)", connection);
            await drop.ExecuteNonQueryAsync();
        }

        if (_directory is not null)
        {
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            try
            {
                Directory.Delete(_directory, recursive: true);
            }
            catch (IOException)
            {
                // A file still held open is left to the OS's temp cleanup.
            }
        }
    }

    private static string ServerConnectionString() =>
        Environment.GetEnvironmentVariable(PostgresVariable) is { Length: > 0 } value
            ? value
            : throw new InvalidOperationException(
                $"{PostgresVariable} is not set. Run the tests with ./test.sh, which starts a throwaway PostgreSQL server; PostgreSQL tests are never skipped.");
}
