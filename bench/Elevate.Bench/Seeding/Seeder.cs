using System.Diagnostics;
using Elevate.Bench.Cli;
using Elevate.Bench.Hosting;
using Elevate.Bench.Measurement;
using Elevate.Core.Audit;
using Elevate.Core.Common;
using Elevate.Core.Persistence;
using Elevate.Core.Principals;
using Elevate.Core.Roles;
using Elevate.Core.Settings;
using Elevate.Core.Setup;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;

namespace Elevate.Bench.Seeding;

/// <summary>
/// Builds the benchmark database: a new, migrated database bootstrapped by Elevate's Bootstrapper (built-in roles and
/// the first administrator), the custom roles created through a ChangeSet, then the bulk of the data set loaded
/// directly with its audit events chained after the head.
/// </summary>
public static class Seeder
{
    public static async Task RunAsync(BenchOptions options, ResultLog log, CancellationToken ct)
    {
        var shape = new SeedShape(options.Scale);
        var total = Stopwatch.StartNew();
        await RecreateDatabaseAsync(options, ct);

        List<SeedRole> roles;
        SeedRole activationRole;
        await using (var app = BenchHost.Build(options, customize: BenchHost.WithoutCommitObserver))
        {
            await using var scope = app.Services.CreateAsyncScope();
            var db = scope.ServiceProvider.GetRequiredService<ElevateDbContext>();
            await db.Database.MigrateAsync(ct);
            await scope.ServiceProvider.GetRequiredService<Bootstrapper>().RunAsync("admin", ct);
            var admin = await db.Principals.AsNoTracking().SingleAsync(p => p.Name == "admin", ct);
            roles = await CreateRolesAsync(scope.ServiceProvider.GetRequiredService<ChangeSets>(), new Actor(admin.Id, admin.Name), ct);
            activationRole = roles[^1];
            roles.RemoveAt(roles.Count - 1);
        }

        await using var context = BenchHost.OpenContext(options);
        var administrator = await context.Principals.AsNoTracking().SingleAsync(p => p.Name == "admin", ct);
        var head = await context.AuditHead.AsNoTracking().SingleAsync(ct);
        var now = DateTimeOffset.UtcNow;

        var stage = Stopwatch.StartNew();
        var data = SeedData.Generate(shape, roles, activationRole, administrator.Id, now);
        ResultLog.Info($"generated {data.Users.Count:N0} users, {data.Groups.Count:N0} groups, {data.Memberships.Count:N0} memberships, " +
            $"{data.Eligible.Count:N0} eligible and {data.Active.Count:N0} active assignments, {data.Tokens.Count:N0} tokens in {stage.Elapsed.TotalSeconds:0.0} s");

        var chain = new AuditChainWriter(head.LastSequence, head.LastHash);
        var actor = new Actor(administrator.Id, administrator.Name);
        await using (var writer = await BulkWriter.OpenAsync(options, ct))
        {
            await WriteAsync("principals", () => writer.WriteAsync(data.Principals, ct));
            await WriteAsync("group memberships", () => writer.WriteAsync(data.Memberships, ct));
            await WriteAsync("tokens", () => writer.WriteAsync(data.Tokens, ct));
            await WriteAsync("assignments", () => writer.WriteAsync(data.Assignments, ct));
            await WriteAsync("audit events", () => writer.WriteAsync(data.AuditRecords(roles.Append(activationRole)).Select(r => chain.Next(r, actor, Clock.Truncate(now))), ct));
            await writer.SetAuditHeadAsync(chain.LastSequence, chain.LastHash, ct);
            stage.Restart();
            await writer.CommitAsync(ct);
            ResultLog.Info($"committed in {stage.Elapsed.TotalSeconds:0.0} s");
        }

        stage.Restart();
        await AnalyzeAsync(options, ct);
        ResultLog.Info($"analyzed in {stage.Elapsed.TotalSeconds:0.0} s");
        log.Add("seed", $"{total.Elapsed.TotalSeconds:0} s", "-", null, 1,
            $"{data.Users.Count:N0} users, {data.Groups.Count:N0} groups, {data.Memberships.Count:N0} memberships, {data.Eligible.Count:N0} eligible + " +
            $"{data.Active.Count:N0} active assignments, audit chain of {chain.LastSequence:N0} events");
    }

    private static async Task WriteAsync(string what, Func<Task<int>> write)
    {
        var stage = Stopwatch.StartNew();
        var count = await write();
        ResultLog.Info($"wrote {count:N0} {what} in {stage.Elapsed.TotalSeconds:0.0} s");
    }

    /// <summary>The custom roles, with their settings at "/", as RoleService would create them; the activation role last.</summary>
    private static async Task<List<SeedRole>> CreateRolesAsync(ChangeSets changes, Actor actor, CancellationToken ct)
    {
        await using var cs = await changes.BeginAsync(actor, ct);
        var roles = new List<SeedRole>();
        foreach (var name in Enumerable.Range(1, SeedShape.CustomRoles).Select(SeedShape.RoleName).Append(SeedShape.ActivationRoleName))
        {
            var role = new Role
            {
                Id = Ids.New(cs.Now),
                Name = name,
                NormalizedName = Role.Normalize(name),
                Description = $"{name} (benchmark)",
                IsPrivileged = true,
                CreatedAt = cs.Now,
            };
            cs.Db.Roles.Add(role);
            cs.Db.RoleSettings.Add(new RoleSettingsRecord { Id = Ids.New(cs.Now), RoleId = role.Id, Scope = "/", Settings = RoleSettings.Default, UpdatedAt = cs.Now });
            cs.Audit(new AuditRecord("role.created")
            {
                RoleId = role.Id,
                RoleName = role.Name,
                Details = AuditDetails.Of(new { role.Description, role.IsPrivileged, settings = RoleSettings.Default }),
            });
            roles.Add(new SeedRole(role.Id, role.Name));
        }

        var committed = await cs.CommitAsync(ct);
        return committed.IsSuccess ? roles : throw new InvalidOperationException($"Creating roles failed: {committed.Error.Message}");
    }

    /// <summary>A new, empty database. Refuses PostgreSQL databases whose name does not say they are for benchmarks.</summary>
    private static async Task RecreateDatabaseAsync(BenchOptions options, CancellationToken ct)
    {
        if (options.Provider == DatabaseProvider.Sqlite)
        {
            SqliteConnection.ClearAllPools();
            foreach (var suffix in new[] { "", "-wal", "-shm" })
            {
                File.Delete(options.SqliteFile + suffix);
            }

            Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(options.SqliteFile))!);
            return;
        }

        var name = options.PostgresDatabase;
        if (!name.Contains("bench", StringComparison.Ordinal))
        {
            throw new InvalidOperationException($"Refusing to drop '{name}': the seeder only re-creates databases whose name contains 'bench'.");
        }

        NpgsqlConnection.ClearAllPools();
        var maintenance = new NpgsqlConnectionStringBuilder(options.ConnectionString) { Database = "postgres", Pooling = false }.ToString();
        await using var connection = new NpgsqlConnection(maintenance);
        await connection.OpenAsync(ct);
        foreach (var sql in new[] { $"DROP DATABASE IF EXISTS \"{name}\" WITH (FORCE)", $"CREATE DATABASE \"{name}\"" })
        {
            await using var command = new NpgsqlCommand(sql, connection);
            await command.ExecuteNonQueryAsync(ct);
        }
    }

    /// <summary>
    /// PostgreSQL: VACUUM ANALYZE, which autovacuum would do on its own shortly after such a load. SQLite: nothing;
    /// Elevate never runs ANALYZE there, so the planner works without statistics, as in a real installation.
    /// </summary>
    private static async Task AnalyzeAsync(BenchOptions options, CancellationToken ct)
    {
        if (options.Provider == DatabaseProvider.PostgreSql)
        {
            await using var db = BenchHost.OpenPatientContext(options);
            await db.Database.ExecuteSqlRawAsync("VACUUM ANALYZE", ct);
        }
    }
}
