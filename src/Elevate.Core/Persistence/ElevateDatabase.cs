using Microsoft.EntityFrameworkCore;

namespace Elevate.Core.Persistence;

/// <summary>Which database Elevate keeps its state in.</summary>
public enum DatabaseProvider
{
    /// <summary>An embedded file: no setup, one instance.</summary>
    Sqlite,

    /// <summary>A PostgreSQL server: several instances may share it.</summary>
    PostgreSql,
}

/// <summary>How a <see cref="ElevateDbContext"/> is configured for each provider (used by the server, the tools and tests).</summary>
public static class ElevateDatabase
{
    public const string SqliteMigrationsAssembly = "Elevate.Migrations.Sqlite";
    public const string PostgreSqlMigrationsAssembly = "Elevate.Migrations.PostgreSql";

    public static DbContextOptionsBuilder Configure(DbContextOptionsBuilder builder, DatabaseProvider provider, string connectionString)
    {
        _ = provider switch
        {
            DatabaseProvider.Sqlite => builder.UseSqlite(connectionString, o => o.MigrationsAssembly(SqliteMigrationsAssembly))
                .AddInterceptors(SqliteConnectionSetup.Instance),
            DatabaseProvider.PostgreSql => builder.UseNpgsql(connectionString, o => o.MigrationsAssembly(PostgreSqlMigrationsAssembly)),
        };
        return builder.UseSnakeCaseNamingConvention();
    }

    public static DbContextOptions<ElevateDbContext> Options(DatabaseProvider provider, string connectionString) =>
        ((DbContextOptionsBuilder<ElevateDbContext>)Configure(new DbContextOptionsBuilder<ElevateDbContext>(), provider, connectionString)).Options;
}
