using Elevate.Core.Common;
using Microsoft.Extensions.Time.Testing;

namespace Elevate.Core.Tests.Common;

public sealed class ClockTests
{
    [Fact]
    public void Now_is_read_from_the_time_provider_in_utc_truncated_to_microseconds()
    {
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 3, 2, 10, 0, 0, TimeSpan.FromHours(1)).AddTicks(1234567));

        var now = time.UtcNow();

        Assert.Equal(new DateTimeOffset(2026, 3, 2, 9, 0, 0, TimeSpan.Zero).AddTicks(1234560), now);
        Assert.Equal(TimeSpan.Zero, now.Offset);
    }

    [Fact]
    public void Now_follows_the_time_provider_as_it_advances()
    {
        var start = new DateTimeOffset(2026, 3, 2, 9, 0, 0, TimeSpan.Zero);
        var time = new FakeTimeProvider(start);

        time.Advance(TimeSpan.FromHours(2));

        Assert.Equal(start + TimeSpan.FromHours(2), time.UtcNow());
    }

    [Fact]
    public void Truncating_a_whole_microsecond_changes_nothing()
    {
        var value = new DateTimeOffset(2026, 3, 2, 9, 0, 0, TimeSpan.Zero).AddTicks(10);

        Assert.Equal(value, Clock.Truncate(value));
    }
}
