using Elevate.Bench.Benchmarks;
using Elevate.Bench.Cli;
using Elevate.Bench.Measurement;
using Elevate.Bench.Seeding;

BenchOptions options;
try
{
    options = BenchOptions.Parse(args);
}
catch (UsageException e)
{
    if (e.Problem is not null)
    {
        await Console.Error.WriteLineAsync(e.Problem);
    }

    Console.WriteLine(BenchOptions.Usage);
    return e.Problem is null ? 0 : 2;
}

using var stop = new CancellationTokenSource();
Console.CancelKeyPress += (_, e) =>
{
    e.Cancel = true;
    stop.Cancel();
};

var log = new ResultLog(options.ResultsFile, options.ProviderName, options.ExperimentLabel);
var ct = stop.Token;
var steps = new Dictionary<string, Func<Task>>(StringComparer.Ordinal)
{
    ["seed"] = () => Seeder.RunAsync(options, log, ct),
    ["check"] = () => CheckInProcessBench.RunAsync(options, log, ct),
    ["verify"] = () => VerifyBench.RunAsync(options, log, ct),
    ["audit-append"] = () => AuditAppendBench.RunAsync(options, log, ct),
    ["check-http"] = () => CheckHttpBench.RunAsync(options, log, ct),
    ["activate"] = () => ActivationBench.RunAsync(options, log, ct),
    ["signin"] = () => SignInBench.RunAsync(options, log, ct),
    ["catch-up"] = () => CatchUpBench.RunAsync(options, log, ct),
    ["lag"] = () => SchedulerLagBench.RunAsync(options, log, ct),
    ["alerts"] = () => AlertBench.RunAsync(options, log, ct),
    ["notify"] = () => NotifyBench.RunAsync(options, log, ct),
    ["reviews"] = () => ReviewBench.RunAsync(options, log, ct),
    ["pages"] = () => PageBench.RunAsync(options, log, ct),
};

if (options.Command == "report")
{
    Console.WriteLine(ResultLog.Markdown(options.ResultsFile));
    return 0;
}

var commands = options.Command == "all" ? steps.Keys.ToList() : [options.Command];
foreach (var command in commands)
{
    if (!steps.TryGetValue(command, out var step))
    {
        await Console.Error.WriteLineAsync($"Unknown command '{command}'.");
        Console.WriteLine(BenchOptions.Usage);
        return 2;
    }

    Console.WriteLine($"== {command} ({options.ProviderName})");
    if (command != "seed")
    {
        await MachineQuiet.WaitAsync(options.QuietWait, ct);
    }

    await step();
}

return 0;
