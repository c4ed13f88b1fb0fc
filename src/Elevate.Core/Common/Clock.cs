namespace Elevate.Core.Common;

/// <summary>The one way product code reads the time.</summary>
public static class Clock
{
    private const long TicksPerMicrosecond = TimeSpan.TicksPerMillisecond / 1000;

    /// <summary>
    /// Now, in UTC, truncated to whole microseconds. PostgreSQL stores microseconds; truncating before anything is
    /// stored or hashed keeps values (and audit hashes) identical on SQLite and PostgreSQL.
    /// </summary>
    public static DateTimeOffset UtcNow(this TimeProvider time) => Truncate(time.GetUtcNow());

    public static DateTimeOffset Truncate(DateTimeOffset value)
    {
        var utc = value.ToUniversalTime();
        return new DateTimeOffset(utc.Ticks - (utc.Ticks % TicksPerMicrosecond), TimeSpan.Zero);
    }
}
