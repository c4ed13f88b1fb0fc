using Elevate.Core.Persistence;
using Microsoft.EntityFrameworkCore.Design;

namespace Elevate.Migrations.PostgreSql;

/// <summary>Lets `dotnet ef migrations add` build the model for PostgreSql; no database is contacted.</summary>
public sealed class DesignTimeFactory : IDesignTimeDbContextFactory<ElevateDbContext>
{
    public ElevateDbContext CreateDbContext(string[] args) =>
        new(ElevateDatabase.Options(DatabaseProvider.PostgreSql, "Host=localhost;Database=elevate_design"));
}
