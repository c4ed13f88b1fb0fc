using Elevate.Core.Common;

namespace Elevate.Core.Tests.Common;

public sealed class IsoDurationTests
{
    public static TheoryData<string, TimeSpan> Valid => new()
    {
        { "PT2H", TimeSpan.FromHours(2) },
        { "PT30M", TimeSpan.FromMinutes(30) },
        { "P14D", TimeSpan.FromDays(14) },
        { "P1DT12H", TimeSpan.FromHours(36) },
        { "P2W", TimeSpan.FromDays(14) },
        { "PT1.5S", TimeSpan.FromMilliseconds(1500) },
        { "PT1H30M15S", new TimeSpan(1, 30, 15) },
        { "P1W2DT3H4M5S", new TimeSpan(9, 3, 4, 5) },
        { "PT0S", TimeSpan.Zero },
        { "PT90M", TimeSpan.FromMinutes(90) },
        { "P3660D", TimeSpan.FromDays(3660) },
    };

    [Theory]
    [MemberData(nameof(Valid))]
    public void An_iso_duration_in_exact_units_is_parsed(string text, TimeSpan expected)
    {
        Assert.True(IsoDuration.TryParse(text, out var duration, out var problem), problem);
        Assert.Equal(expected, duration);
        Assert.Null(problem);
    }

    [Theory]
    [InlineData("P1Y")]
    [InlineData("P1M")]
    [InlineData("P1Y2M")]
    public void Years_and_months_are_rejected_because_their_length_varies(string text)
    {
        Assert.False(IsoDuration.TryParse(text, out _, out var problem));
        Assert.Contains("Years and months", problem, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("P")]
    [InlineData("PT")]
    [InlineData("P1DT")]
    [InlineData("2h")]
    [InlineData("PT2h")]
    [InlineData("pt2h")]
    [InlineData("2 hours")]
    [InlineData("-PT2H")]
    [InlineData("PT-2H")]
    [InlineData("P-1D")]
    [InlineData("PT2H30")]
    [InlineData("PT30M2H")]
    [InlineData("P1DT2D")]
    [InlineData("PT1H1H")]
    [InlineData("P1H")]
    [InlineData("PT1D")]
    [InlineData("PT1W")]
    [InlineData("PT1Y")]
    [InlineData("P1.5D")]
    [InlineData("PT1.5H")]
    [InlineData("PT1..5S")]
    [InlineData("PTT1H")]
    [InlineData("P1D T1H")]
    [InlineData("PT1,5S")]
    public void Anything_else_is_rejected_with_a_hint(string? text)
    {
        Assert.False(IsoDuration.TryParse(text, out var duration, out var problem));
        Assert.Equal(TimeSpan.Zero, duration);
        Assert.False(string.IsNullOrWhiteSpace(problem));
    }

    [Theory]
    [InlineData("P3661D")]
    [InlineData("P523W")]
    [InlineData("PT87841H")]
    [InlineData("P3660DT1S")]
    public void A_duration_over_ten_years_is_rejected(string text)
    {
        Assert.False(IsoDuration.TryParse(text, out _, out var problem));
        Assert.Contains("3660", problem, StringComparison.Ordinal);
    }

    [Fact]
    public void Text_over_40_characters_is_rejected_without_parsing()
    {
        Assert.False(IsoDuration.TryParse("PT" + new string('0', 38) + "1S", out _, out _));
    }

    [Theory]
    [InlineData(0, "PT0S")]
    [InlineData(2 * 3600, "PT2H")]
    [InlineData(30 * 60, "PT30M")]
    [InlineData(14 * 86400, "P14D")]
    [InlineData(36 * 3600, "P1DT12H")]
    [InlineData(86400 + 2 * 3600 + 30 * 60, "P1DT2H30M")]
    [InlineData(3600 + 1, "PT1H1S")]
    public void Format_writes_days_hours_minutes_and_seconds(int seconds, string expected)
    {
        Assert.Equal(expected, IsoDuration.Format(TimeSpan.FromSeconds(seconds)));
    }

    [Fact]
    public void Format_writes_fractions_of_a_second()
    {
        Assert.Equal("PT1.5S", IsoDuration.Format(TimeSpan.FromMilliseconds(1500)));
        Assert.Equal("PT0.0000001S", IsoDuration.Format(TimeSpan.FromTicks(1)));
    }

    [Fact]
    public void Format_refuses_a_negative_duration()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => IsoDuration.Format(TimeSpan.FromSeconds(-1)));
    }

    public static TheoryData<TimeSpan> RoundTrips =>
    [
        TimeSpan.Zero,
        TimeSpan.FromTicks(1),
        TimeSpan.FromMilliseconds(1500),
        TimeSpan.FromMinutes(5),
        TimeSpan.FromHours(8),
        new TimeSpan(1, 2, 3, 4, 567),
        TimeSpan.FromDays(180),
        IsoDuration.Max,
    ];

    [Theory]
    [MemberData(nameof(RoundTrips))]
    public void A_formatted_duration_parses_back_to_the_same_value(TimeSpan value)
    {
        Assert.True(IsoDuration.TryParse(IsoDuration.Format(value), out var parsed, out var problem), problem);
        Assert.Equal(value, parsed);
    }

    [Theory]
    [InlineData("P2W", "P14D")]
    [InlineData("PT90M", "PT1H30M")]
    [InlineData("PT36H", "P1DT12H")]
    public void A_parsed_duration_formats_in_canonical_form(string text, string canonical)
    {
        Assert.True(IsoDuration.TryParse(text, out var duration, out _));
        Assert.Equal(canonical, IsoDuration.Format(duration));
    }
}
