using Elevate.Core.Common;

namespace Elevate.Core.Tests.Common;

public sealed class TextRulesTests
{
    [Fact]
    public void Absent_optional_text_is_fine()
    {
        Assert.Null(TextRules.Check(null, "description", 100, required: false));
    }

    [Fact]
    public void Absent_required_text_is_required()
    {
        AssertError(TextRules.Check(null, "name", 100, required: true), ErrorCodes.Required, "name");
    }

    [Theory]
    [InlineData("")]
    [InlineData(" ")]
    [InlineData("\t \t")]
    public void Present_but_blank_text_is_required_even_when_optional(string value)
    {
        AssertError(TextRules.Check(value, "description", 100, required: false, multiline: true), ErrorCodes.Required, "description");
    }

    [Fact]
    public void Text_at_the_limit_is_fine_and_one_more_character_is_too_long()
    {
        Assert.Null(TextRules.Check(new string('a', 10), "name", 10, required: true));
        AssertError(TextRules.Check(new string('a', 11), "name", 10, required: true), ErrorCodes.TooLong, "name");
    }

    [Theory]
    [InlineData("a\u0000b")]
    [InlineData("a\u0007b")]
    [InlineData("a\u001bb")]
    [InlineData("a\u007fb")]
    [InlineData("a\u0085b")]
    [InlineData("a\u2028b")]
    [InlineData("a\u2029b")]
    public void Control_characters_are_refused_even_in_multiline_text(string value)
    {
        AssertError(TextRules.Check(value, "justification", 100, required: false, multiline: true), ErrorCodes.InvalidCharacters, "justification");
    }

    [Theory]
    [InlineData("a\nb")]
    [InlineData("a\r\nb")]
    [InlineData("a\tb")]
    public void Line_breaks_and_tabs_are_allowed_only_in_multiline_text(string value)
    {
        Assert.Null(TextRules.Check(value, "justification", 100, required: false, multiline: true));
        AssertError(TextRules.Check(value, "name", 100, required: false, multiline: false), ErrorCodes.InvalidCharacters, "name");
    }

    [Theory]
    [InlineData("high alone")]
    [InlineData("low alone")]
    [InlineData("low before high")]
    [InlineData("high at the end")]
    public void Broken_surrogate_pairs_are_refused(string how)
    {
        // Built here rather than passed as data: test discovery would replace a lone surrogate with U+FFFD.
        const char High = '\ud83d';
        const char Low = '\ude00';
        var value = how switch
        {
            "high alone" => $"a{High}b",
            "low alone" => $"a{Low}b",
            "low before high" => $"{Low}{High}",
            "high at the end" => $"end{High}",
            _ => throw new ArgumentOutOfRangeException(nameof(how)),
        };

        AssertError(TextRules.Check(value, "name", 100, required: false), ErrorCodes.InvalidCharacters, "name");
    }

    [Theory]
    [InlineData("Zoë ⚙ 数据库")]
    [InlineData("rocket \ud83d\ude80")]
    public void Ordinary_unicode_text_is_fine(string value)
    {
        Assert.Null(TextRules.Check(value, "name", 100, required: true));
    }

    private static void AssertError(ElevateError? error, string code, string field)
    {
        Assert.NotNull(error);
        Assert.Equal(code, error.Code);
        Assert.Equal(field, error.Field);
        Assert.Equal(ErrorKind.Validation, error.Kind);
    }
}
