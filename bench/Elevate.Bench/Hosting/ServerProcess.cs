using System.Diagnostics;
using Elevate.Bench.Cli;
using Elevate.Bench.Measurement;

namespace Elevate.Bench.Hosting;

/// <summary>
/// The Release build of Elevate.Server as a separate process on loopback, as it would be deployed (warnings-only
/// logging), so load generators and clients do not share its runtime. Stopped with SIGTERM when disposed.
/// </summary>
public sealed class ServerProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly StreamWriter _log;

    private ServerProcess(Process process, StreamWriter log, Uri address)
    {
        _process = process;
        _log = log;
        Address = address;
    }

    public Uri Address { get; }

    public static async Task<ServerProcess> StartAsync(BenchOptions options, CancellationToken ct)
    {
        var dll = options.ResolveServerDll();
        var address = new Uri($"http://127.0.0.1:{options.Port}");
        var start = new ProcessStartInfo("dotnet")
        {
            WorkingDirectory = Path.GetDirectoryName(dll)!,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in new[]
        {
            dll, "--urls", address.ToString().TrimEnd('/'),
            $"--Elevate:Database:Provider={options.Provider}",
            $"--Elevate:Database:ConnectionString={options.ConnectionString}",
            $"--Elevate:DataDirectory={options.DataDirectory}",
        })
        {
            start.ArgumentList.Add(argument);
        }

        if (options.ExtraServerArgument is { } extra)
        {
            start.ArgumentList.Add(extra);
        }

        start.Environment["Logging__LogLevel__Default"] = "Warning";
        Directory.CreateDirectory(options.DataDirectory);
        var logFile = Path.Combine(options.DataDirectory, $"server-{options.ProviderName}.log");
        var log = new StreamWriter(logFile, append: true) { AutoFlush = true };
        var process = Process.Start(start) ?? throw new InvalidOperationException("dotnet did not start.");
        process.OutputDataReceived += (_, e) => Write(log, e.Data);
        process.ErrorDataReceived += (_, e) => Write(log, e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        var server = new ServerProcess(process, log, address);

        var ready = Stopwatch.StartNew();
        using var http = new HttpClient { BaseAddress = address, Timeout = TimeSpan.FromSeconds(5) };
        while (true)
        {
            if (process.HasExited)
            {
                await server.DisposeAsync();
                throw new InvalidOperationException($"The server exited with code {process.ExitCode}; see {logFile}.");
            }

            try
            {
                using var health = await http.GetAsync(new Uri("/healthz", UriKind.Relative), ct);
                if (health.IsSuccessStatusCode)
                {
                    break;
                }
            }
            catch (HttpRequestException)
            {
                // Not listening yet.
            }

            if (ready.Elapsed > TimeSpan.FromMinutes(5))
            {
                await server.DisposeAsync();
                throw new TimeoutException($"The server did not become healthy; see {logFile}.");
            }

            await Task.Delay(200, ct);
        }

        ResultLog.Info($"server pid {process.Id} ready at {address} after {ready.Elapsed.TotalSeconds:0.0} s (start-up includes the index load)");
        return server;
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            using (var term = Process.Start("kill", ["-TERM", _process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)]))
            {
                await term.WaitForExitAsync();
            }

            using var patience = new CancellationTokenSource(TimeSpan.FromSeconds(15));
            try
            {
                await _process.WaitForExitAsync(patience.Token);
            }
            catch (OperationCanceledException)
            {
                _process.Kill(entireProcessTree: true);
            }
        }

        _process.Dispose();
        await _log.DisposeAsync();
    }

    private static void Write(StreamWriter log, string? line)
    {
        if (line is not null)
        {
            lock (log)
            {
                log.WriteLine(line);
            }
        }
    }
}
