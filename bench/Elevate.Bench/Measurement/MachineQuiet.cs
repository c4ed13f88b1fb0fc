using System.Globalization;

namespace Elevate.Bench.Measurement;

/// <summary>
/// The figures are for a 2-core machine doing nothing else. Before each benchmark this waits (up to a limit) until
/// the CPUs have been nearly idle for a few seconds, and says how busy they were when it started.
/// </summary>
public static class MachineQuiet
{
    private const double IdleEnough = 0.10;

    public static async Task WaitAsync(TimeSpan limit, CancellationToken ct)
    {
        if (!File.Exists("/proc/stat") || limit <= TimeSpan.Zero)
        {
            return;
        }

        var waited = System.Diagnostics.Stopwatch.StartNew();
        while (true)
        {
            var busy = await BusyFractionAsync(TimeSpan.FromSeconds(3), ct);
            if (busy <= IdleEnough || waited.Elapsed >= limit)
            {
                ResultLog.Info(string.Create(CultureInfo.InvariantCulture,
                    $"CPUs {busy:P0} busy over the last 3 s before starting (waited {waited.Elapsed.TotalSeconds:0} s for ≤ {IdleEnough:P0})"));
                return;
            }
        }
    }

    private static async Task<double> BusyFractionAsync(TimeSpan window, CancellationToken ct)
    {
        var (idle1, total1) = ReadCpu();
        await Task.Delay(window, ct);
        var (idle2, total2) = ReadCpu();
        return total2 == total1 ? 0 : 1 - ((idle2 - idle1) / (double)(total2 - total1));
    }

    /// <summary>Idle (idle + iowait) and total jiffies of all CPUs, from the first line of /proc/stat.</summary>
    private static (long Idle, long Total) ReadCpu()
    {
        var fields = File.ReadLines("/proc/stat").First().Split(' ', StringSplitOptions.RemoveEmptyEntries).Skip(1)
            .Select(f => long.Parse(f, CultureInfo.InvariantCulture)).ToArray();
        return (fields[3] + fields[4], fields.Take(8).Sum());
    }
}
