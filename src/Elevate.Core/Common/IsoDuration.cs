using System.Globalization;
using System.Text;

namespace Elevate.Core.Common;

/// <summary>
/// ISO 8601 durations restricted to exact units: weeks, days, hours, minutes and seconds (e.g. <c>PT2H</c>,
/// <c>P14D</c>, <c>P1DT12H</c>). Years and months are refused because their length depends on the calendar, and an
/// access window must mean the same number of seconds to everyone.
/// </summary>
public static class IsoDuration
{
    /// <summary>The largest duration accepted anywhere (10 years); longer values are typing mistakes.</summary>
    public static readonly TimeSpan Max = TimeSpan.FromDays(3660);

    public static bool TryParse(string? text, out TimeSpan duration, out string? problem)
    {
        duration = TimeSpan.Zero;
        problem = "Use an ISO 8601 duration such as 'PT2H', 'PT30M' or 'P14D' (weeks, days, hours, minutes, seconds).";
        if (string.IsNullOrEmpty(text) || text.Length > 40 || text[0] != 'P')
        {
            return false;
        }

        var inTime = false;
        var sawValue = false;
        var sawTimeValue = false;
        var order = "WDHMS";
        var lastUnit = -1;
        decimal totalSeconds = 0;
        var i = 1;
        while (i < text.Length)
        {
            if (text[i] == 'T')
            {
                if (inTime)
                {
                    return false;
                }

                inTime = true;
                i++;
                continue;
            }

            var start = i;
            while (i < text.Length && (char.IsAsciiDigit(text[i]) || text[i] == '.'))
            {
                i++;
            }

            if (i == start || i >= text.Length || text[start] == '.' || text[i - 1] == '.' || text.AsSpan(start, i - start).Count('.') > 1)
            {
                return false;
            }

            if (!decimal.TryParse(text.AsSpan(start, i - start), NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var number))
            {
                return false;
            }

            var unit = text[i];
            i++;
            var (seconds, validHere) = unit switch
            {
                'W' => (604800m, !inTime),
                'D' => (86400m, !inTime),
                'H' => (3600m, inTime),
                'M' => (inTime ? 60m : -1m, inTime),
                'S' => (1m, inTime),
                'Y' => (-1m, false),
                _ => (-1m, false),
            };

            if (!inTime && unit is 'Y' or 'M')
            {
                problem = "Years and months are not exact lengths of time; use days or weeks (e.g. 'P30D').";
                return false;
            }

            if (!validHere || seconds < 0)
            {
                return false;
            }

            var unitIndex = order.IndexOf(unit, StringComparison.Ordinal);
            if (unitIndex <= lastUnit || (number != decimal.Truncate(number) && unit != 'S'))
            {
                return false;
            }

            lastUnit = unitIndex;
            sawValue = true;
            sawTimeValue |= inTime;
            totalSeconds += number * seconds;
            if (totalSeconds > (decimal)Max.TotalSeconds)
            {
                problem = $"Durations are at most {Max.TotalDays:0} days.";
                return false;
            }
        }

        if (!sawValue || (inTime && !sawTimeValue))
        {
            return false;
        }

        duration = TimeSpan.FromTicks((long)(totalSeconds * TimeSpan.TicksPerSecond));
        problem = null;
        return true;
    }

    /// <summary>Formats as days, hours, minutes and seconds, e.g. <c>P1DT2H30M</c>; zero is <c>PT0S</c>.</summary>
    public static string Format(TimeSpan duration)
    {
        if (duration < TimeSpan.Zero)
        {
            throw new ArgumentOutOfRangeException(nameof(duration), "Durations are never negative.");
        }

        var builder = new StringBuilder("P");
        if (duration.Days > 0)
        {
            builder.Append(CultureInfo.InvariantCulture, $"{duration.Days}D");
        }

        var fractionalSeconds = duration.Ticks % TimeSpan.TicksPerSecond;
        if (duration.Hours > 0 || duration.Minutes > 0 || duration.Seconds > 0 || fractionalSeconds > 0 || duration == TimeSpan.Zero)
        {
            builder.Append('T');
            if (duration.Hours > 0)
            {
                builder.Append(CultureInfo.InvariantCulture, $"{duration.Hours}H");
            }

            if (duration.Minutes > 0)
            {
                builder.Append(CultureInfo.InvariantCulture, $"{duration.Minutes}M");
            }

            if (duration.Seconds > 0 || fractionalSeconds > 0 || duration == TimeSpan.Zero)
            {
                var seconds = duration.Seconds + (fractionalSeconds / (decimal)TimeSpan.TicksPerSecond);
                builder.Append(seconds.ToString("0.#######", CultureInfo.InvariantCulture)).Append('S');
            }
        }

        return builder.ToString();
    }
}
