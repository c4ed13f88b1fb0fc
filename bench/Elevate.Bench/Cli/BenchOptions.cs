using System.Globalization;
using Elevate.Core.Persistence;
using Npgsql;

namespace Elevate.Bench.Cli;

/// <summary>The command line: <c>&lt;command&gt; --provider sqlite|postgres --connection "..." [options]</c>.</summary>
public sealed class BenchOptions
{
    public const string Usage = """
        Elevate benchmarks.

          dotnet run -c Release --project bench/Elevate.Bench -- <command> --provider sqlite|postgres --connection "<conn>" [options]

        Commands:
          seed           drop and re-create the database, migrate, bootstrap, bulk-load the data set (100k users, ...)
          check          in-process AccessCheck.Check latency against the loaded index
          check-http     GET /api/v1/check through wrk against the Release server (started by this tool)
          activate       selfActivate through POST /api/v1/requests against the Release server, sequential and concurrent
          signin         Argon2id PasswordHasher.Verify in-process; against the Release server, portal sign-in with
                         password + TOTP and selfActivate with a TOTP step-up vs without MFA (new users each run)
          audit-append   audit events appended through ChangeSet: single-event and batched change sets
          verify         AuditService.VerifyChainAsync over the stored chain
          catch-up       100k overdue expiries, then GrantScheduler.RunPassAsync as after a restart, then verify
          lag            the real scheduler loop: grants ending a few seconds ahead, lag after their due time
          alerts         AlertEvaluator.EvaluateAsync over the seeded data: the full catalogue cold (first after the
                         host starts) and warm (3 runs), then each alert type alone (the others disabled in the
                         stored alert settings, which are put back afterwards)
          notify         notifications through an SMTP sink in this process: selfActivate needing approval → the
                         approver's e-mail accepted (latency), and 5,000 outbox messages → accepted (throughput)
          reviews        access reviews in-process: a one-time review of one role's eligibilities (~5,000 items) by
                         one named reviewer: start (snapshot) cold, progress / my pending / reviewer items warm,
                         a bulk decision of 500 and "accept recommendations", close; then start, reads and close
                         with 20 roles (~100,000 items), timing a concurrent write during that start and close;
                         the review rows are deleted afterwards (audit events stay)
          pages          every portal page against the Release server as the first administrator (signed in through
                         a fresh setup link): 40 sequential GETs per page after 3 warm-up, p50/p95 against the
                         targets (each page 100 ms; assignments filtered by a role 150 ms; audit search 200 ms)
          all            seed, then every benchmark above in that order
          report         print the markdown tables of the results file

        Options:
          --provider       sqlite | postgres                        (required)
          --connection     ADO.NET connection string                (required)
          --results        results file (JSON lines) to append to  (default: bench-results/<provider>.jsonl)
          --runs N         repeat each measurement N times          (default: 2)
          --scale F        multiply the data set's size by F        (default: 1; e.g. 0.05 for a quick try)
          --server-dll P   Elevate.Server.dll to start              (default: src/Elevate.Server/bin/Release/net10.0)
          --port N         port of the started server               (default: 5088)
          --duration S     seconds of each wrk run                   (default: 20)
          --quiet-wait S   before each benchmark, wait up to S seconds for idle CPUs (default: 0)
          --experiment-connection-sql S
                           experiment, not the product: run S on every connection EF opens in this process, e.g.
                           "PRAGMA cache_size=-262144" (in-process benchmarks only; results are labelled)
          --experiment-server-arg A
                           experiment, not the product: one more argument for the started server, e.g.
                           --Elevate:RunScheduler=false (results are labelled)
        """;

    public required string Command { get; init; }

    public required DatabaseProvider Provider { get; init; }

    public required string ConnectionString { get; init; }

    public required string ResultsFile { get; init; }

    public int Runs { get; init; } = 2;

    public double Scale { get; init; } = 1;

    public string? ServerDll { get; init; }

    public int Port { get; init; } = 5088;

    public int WrkSeconds { get; init; } = 20;

    public TimeSpan QuietWait { get; init; }

    public string? ConnectionSql { get; init; }

    public string? ExtraServerArgument { get; init; }

    /// <summary>Appended to benchmark names when an experiment changes what is measured.</summary>
    public string ExperimentLabel =>
        (ConnectionSql is { } sql ? $" [experiment: {sql}]" : "") +
        (ExtraServerArgument is { } argument ? $" [experiment: server {argument}]" : "");

    public string ProviderName => Provider == DatabaseProvider.Sqlite ? "sqlite" : "postgres";

    /// <summary>The folder Elevate keeps its files in (next to the SQLite file, or a temp folder for PostgreSQL).</summary>
    public string DataDirectory => Provider == DatabaseProvider.Sqlite
        ? Path.GetDirectoryName(Path.GetFullPath(SqliteFile))!
        : Path.Combine(Path.GetTempPath(), "elevate-bench-data");

    public string SqliteFile => new Microsoft.Data.Sqlite.SqliteConnectionStringBuilder(ConnectionString).DataSource;

    public string PostgresDatabase => new NpgsqlConnectionStringBuilder(ConnectionString).Database
        ?? throw new InvalidOperationException("The PostgreSQL connection string names no Database.");

    public static BenchOptions Parse(string[] args)
    {
        if (args.Length == 0 || args[0] is "-h" or "--help" or "help")
        {
            throw new UsageException(null);
        }

        var values = new Dictionary<string, string>(StringComparer.Ordinal);
        for (var i = 1; i < args.Length; i++)
        {
            if (!args[i].StartsWith("--", StringComparison.Ordinal) || i + 1 >= args.Length)
            {
                throw new UsageException($"Unexpected argument '{args[i]}'.");
            }

            values[args[i][2..]] = args[++i];
        }

        // The report only reads the results file.
        var isReport = args[0] == "report";
        var provider = values.GetValueOrDefault("provider", isReport ? "sqlite" : "") switch
        {
            "sqlite" => DatabaseProvider.Sqlite,
            "postgres" or "postgresql" => DatabaseProvider.PostgreSql,
            var other => throw new UsageException($"--provider must be sqlite or postgres, not '{other}'."),
        };
        var connection = values.GetValueOrDefault("connection") ?? (isReport ? "" : throw new UsageException("--connection is required."));
        var providerName = provider == DatabaseProvider.Sqlite ? "sqlite" : "postgres";
        return new BenchOptions
        {
            Command = args[0],
            Provider = provider,
            ConnectionString = connection,
            ResultsFile = values.GetValueOrDefault("results") ?? Path.Combine("bench-results", $"{providerName}.jsonl"),
            Runs = Number(values, "runs", 2),
            Scale = values.TryGetValue("scale", out var scale) ? double.Parse(scale, CultureInfo.InvariantCulture) : 1,
            ServerDll = values.GetValueOrDefault("server-dll"),
            Port = Number(values, "port", 5088),
            WrkSeconds = Number(values, "duration", 20),
            QuietWait = TimeSpan.FromSeconds(Number(values, "quiet-wait", 0)),
            ExtraServerArgument = values.GetValueOrDefault("experiment-server-arg"),
            ConnectionSql = values.GetValueOrDefault("experiment-connection-sql"),
        };
    }

    /// <summary>The Release build of the server, found from the repository this tool was built in.</summary>
    public string ResolveServerDll()
    {
        if (ServerDll is not null)
        {
            return Path.GetFullPath(ServerDll);
        }

        var directory = new DirectoryInfo(AppContext.BaseDirectory);
        while (directory is not null && !File.Exists(Path.Combine(directory.FullName, "Elevate.slnx")))
        {
            directory = directory.Parent;
        }

        var dll = directory is null ? null : Path.Combine(directory.FullName, "src", "Elevate.Server", "bin", "Release", "net10.0", "Elevate.Server.dll");
        return dll is not null && File.Exists(dll)
            ? dll
            : throw new InvalidOperationException("Build the server first (dotnet build src/Elevate.Server -c Release) or pass --server-dll.");
    }

    private static int Number(Dictionary<string, string> values, string name, int fallback) =>
        values.TryGetValue(name, out var text) ? int.Parse(text, CultureInfo.InvariantCulture) : fallback;
}

public sealed class UsageException(string? problem) : Exception(problem ?? "usage")
{
    public string? Problem { get; } = problem;
}
