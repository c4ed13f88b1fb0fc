using Elevate.Core.Persistence;
using Microsoft.EntityFrameworkCore.Design;

namespace Elevate.Migrations.Sqlite;

/// <summary>Lets `dotnet ef migrations add` build the model for Sqlite; no database is contacted.</summary>
public sealed class DesignTimeFactory : IDesignTimeDbContextFactory<ElevateDbContext>
{
    public ElevateDbContext CreateDbContext(string[] args) =>
        new(ElevateDatabase.Options(DatabaseProvider.Sqlite, "Data Source=design-time.db"));
}
