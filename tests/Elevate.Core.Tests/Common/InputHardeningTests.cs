using Elevate.Core.Common;

namespace Elevate.Core.Tests.Common;

public sealed class InputHardeningTests
{
    [Theory]
    [InlineData("approve \u202Eevil")]
    [InlineData("isolate \u2066x\u2069")]
    [InlineData("embed \u202Ax")]
    public void Text_with_bidirectional_overrides_is_refused(string text)
    {
        var error = TextRules.Check(text, "justification", 500, required: true, multiline: true);

        Assert.Equal(ErrorCodes.InvalidCharacters, error?.Code);
    }

    [Fact]
    public void Right_to_left_text_without_override_characters_is_accepted() =>
        Assert.Null(TextRules.Check("שלום עולם", "justification", 500, required: true));

    [Theory]
    [InlineData("PT.5S")]
    [InlineData("PT1.S")]
    [InlineData("PT1..5S")]
    [InlineData("PT1.2.3S")]
    public void Durations_need_digits_on_both_sides_of_a_decimal_point(string text) =>
        Assert.False(IsoDuration.TryParse(text, out _, out _));

    [Fact]
    public void A_decimal_second_is_still_a_duration()
    {
        Assert.True(IsoDuration.TryParse("PT0.5S", out var duration, out _));
        Assert.Equal(TimeSpan.FromMilliseconds(500), duration);
    }
}
