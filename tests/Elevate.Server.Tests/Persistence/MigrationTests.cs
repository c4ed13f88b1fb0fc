using Elevate.Core.Persistence;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;

namespace Elevate.Server.Tests.Persistence;

/// <summary>The migrations of each provider match the model, so a new column cannot ship without its migration.</summary>
public sealed class MigrationTests
{
    [Theory]
    [InlineData(DatabaseProvider.Sqlite, "Data Source=:memory:")]
    [InlineData(DatabaseProvider.PostgreSql, "Host=localhost;Database=none")]
    public void Each_provider_has_migrations_for_every_model_change(DatabaseProvider provider, string connectionString)
    {
        using var db = new ElevateDbContext(ElevateDatabase.Options(provider, connectionString));

        Assert.NotEmpty(db.Database.GetMigrations());
        Assert.False(db.Database.HasPendingModelChanges(), $"The {provider} model has changes without a migration; add one with dotnet ef migrations add.");
    }

    [Fact]
    public void The_providers_have_the_same_migrations()
    {
        using var sqlite = new ElevateDbContext(ElevateDatabase.Options(DatabaseProvider.Sqlite, "Data Source=:memory:"));
        using var postgres = new ElevateDbContext(ElevateDatabase.Options(DatabaseProvider.PostgreSql, "Host=localhost;Database=none"));

        static IEnumerable<string> Names(DbContext db) => db.Database.GetMigrations().Select(m => m[(m.IndexOf('_', StringComparison.Ordinal) + 1)..]);

        Assert.Equal(Names(sqlite), Names(postgres));
        Assert.NotNull(sqlite.GetService<IMigrationsAssembly>().ModelSnapshot);
    }
}
