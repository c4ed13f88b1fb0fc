using System.Diagnostics;
using System.Globalization;

namespace Elevate.Bench.Measurement;

/// <summary>Percentiles of recorded durations, in microseconds (nearest-rank: p99 is a value that was measured).</summary>
public sealed record LatencySummary(int Count, double Mean, double P50, double P90, double P99, double P999, double Max)
{
    public string Describe() => string.Create(CultureInfo.InvariantCulture,
        $"n={Count:N0} mean={Format(Mean)} p50={Format(P50)} p90={Format(P90)} p99={Format(P99)} p99.9={Format(P999)} max={Format(Max)}");

    /// <summary>Microseconds under 10 ms, milliseconds above.</summary>
    public static string Format(double microseconds) => microseconds < 10_000
        ? string.Create(CultureInfo.InvariantCulture, $"{microseconds:0.0} µs")
        : string.Create(CultureInfo.InvariantCulture, $"{microseconds / 1000:0.00} ms");
}

/// <summary>Collects durations measured with <see cref="Stopwatch.GetTimestamp"/>; safe to record from many threads.</summary>
public sealed class LatencyRecorder(int capacity)
{
    private readonly long[] _ticks = new long[capacity];
    private int _count;

    public void Record(long elapsedTicks)
    {
        var slot = Interlocked.Increment(ref _count) - 1;
        if (slot < _ticks.Length)
        {
            _ticks[slot] = elapsedTicks;
        }
    }

    public LatencySummary Summarize()
    {
        var count = Math.Min(_count, _ticks.Length);
        var sorted = _ticks[..count];
        Array.Sort(sorted);
        double Micros(long ticks) => ticks * 1_000_000.0 / Stopwatch.Frequency;
        double At(double percentile) => Micros(sorted[Math.Clamp((int)Math.Ceiling(percentile * count) - 1, 0, count - 1)]);
        return new LatencySummary(count, count == 0 ? 0 : sorted.Average(Micros), At(0.50), At(0.90), At(0.99), At(0.999), Micros(sorted[^1]));
    }
}
