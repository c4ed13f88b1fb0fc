using Elevate.Core.Common;
using Elevate.Core.SignIn;

namespace Elevate.Core.Tests.SignIn;

public sealed class PasswordPolicyTests
{
    private const string User = "alice";
    private const string Email = "wonderland@example.com";

    [Theory]
    [InlineData("violet tractor sings on tuesdays")]
    [InlineData("Xk9#mq2!Lpz7")]
    [InlineData("ohne Ziffern und Zeichen geht es auch")]
    [InlineData("13579bdfhjln")]
    public void A_long_unpredictable_password_is_accepted_without_composition_rules(string password)
    {
        Assert.Null(PasswordPolicy.Check(password, User, Email));
    }

    [Fact]
    public void A_missing_password_is_required()
    {
        AssertError(PasswordPolicy.Check(null, User, Email), ErrorCodes.Required);
        AssertError(PasswordPolicy.Check("", User, Email), ErrorCodes.Required);
    }

    [Fact]
    public void Eleven_characters_are_too_short_and_twelve_are_enough()
    {
        AssertError(PasswordPolicy.Check("Xk9#mq2!Lpz", User, Email), ErrorCodes.PasswordTooShort);
        Assert.Null(PasswordPolicy.Check("Xk9#mq2!Lpz7", User, Email));
    }

    [Fact]
    public void Length_counts_characters_as_people_see_them()
    {
        // Eleven emoji are 22 UTF-16 units but eleven characters; twelve are enough.
        const string Eleven = "🦊🐢🦉🐙🦔🐝🦋🐞🦀🐌🦎";

        AssertError(PasswordPolicy.Check(Eleven, User, Email), ErrorCodes.PasswordTooShort);
        Assert.Null(PasswordPolicy.Check(Eleven + "🐳", User, Email));
    }

    [Fact]
    public void A_letter_with_a_combining_accent_counts_once()
    {
        // "e" followed by U+0301 is one character on screen, "é": eleven characters, though twelve UTF-16 units.
        AssertError(PasswordPolicy.Check("cafe\u0301 au lai", User, Email), ErrorCodes.PasswordTooShort);
    }

    [Fact]
    public void More_than_256_characters_are_too_long()
    {
        var words = string.Concat(Enumerable.Repeat("violet tractor sings on tuesdays ", 10));

        Assert.Null(PasswordPolicy.Check(words[..PasswordPolicy.MaxLength], User, Email));
        AssertError(PasswordPolicy.Check(words[..(PasswordPolicy.MaxLength + 1)], User, Email), ErrorCodes.PasswordTooLong);
    }

    [Fact]
    public void A_megabyte_of_text_is_too_long()
    {
        AssertError(PasswordPolicy.Check(new string('x', 1_000_000), User, Email), ErrorCodes.PasswordTooLong);
    }

    [Theory]
    [InlineData("password1234")]
    [InlineData("PASSWORD1234")]
    [InlineData("qwertyuiop12")]
    [InlineData("iloveyou1234")]
    [InlineData("administrator")]
    [InlineData("letmein12345")]
    [InlineData("p@ssw0rd1234")]
    [InlineData("summer2026!!")]
    [InlineData("\uff50\uff41\uff53\uff53\uff57\uff4f\uff52\uff44\uff11\uff12\uff13\uff14")]
    public void A_common_password_is_refused(string password)
    {
        AssertError(PasswordPolicy.Check(password, User, Email), ErrorCodes.PasswordTooCommon);
    }

    [Theory]
    [InlineData("baseball2026!")]
    [InlineData("Liverpool12345")]
    [InlineData("sunshine 1234")]
    public void A_common_password_with_digits_or_symbols_added_is_refused(string password)
    {
        AssertError(PasswordPolicy.Check(password, User, Email), ErrorCodes.PasswordTooCommon);
    }

    [Fact]
    public void The_common_password_list_holds_at_least_a_thousand_entries()
    {
        Assert.True(CommonPasswords.Count >= 1000, $"The list has {CommonPasswords.Count} entries.");
    }

    [Theory]
    [InlineData("alice.smith", "my alice.smith secret")]
    [InlineData("alice.smith", "MY ALICE.SMITH SECRET")]
    [InlineData("Dr Watson", "elementary, dr watson!")]
    public void A_password_containing_the_user_name_is_refused(string userName, string password)
    {
        AssertError(PasswordPolicy.Check(password, userName, null), ErrorCodes.PasswordTooWeak);
    }

    [Fact]
    public void A_password_containing_the_e_mail_name_is_refused()
    {
        AssertError(PasswordPolicy.Check("down the Wonderland hole", User, Email), ErrorCodes.PasswordTooWeak);
    }

    [Fact]
    public void Names_shorter_than_four_characters_are_not_looked_for()
    {
        Assert.Null(PasswordPolicy.Check("bob likes long walks", "bob", "al@example.com"));
    }

    [Theory]
    [InlineData("aaaaaaaaaaaa")]
    [InlineData("!!!!!!!!!!!!!!!!")]
    [InlineData("xyzwxyzwxyzw")]
    [InlineData("k9k9k9k9k9k9")]
    public void A_password_repeating_a_few_characters_is_refused(string password)
    {
        AssertError(PasswordPolicy.Check(password, User, Email), ErrorCodes.PasswordTooWeak);
    }

    [Theory]
    [InlineData("123456789012")]
    [InlineData("abcdefghijkl")]
    [InlineData("ABCDEFGHIJKL")]
    [InlineData("987654321098")]
    [InlineData("mnopqrstuvwxyzab")]
    public void A_simple_sequence_is_refused(string password)
    {
        AssertError(PasswordPolicy.Check(password, User, Email), ErrorCodes.PasswordTooWeak);
    }

    [Fact]
    public void A_broken_surrogate_is_refused_as_invalid_characters()
    {
        AssertError(PasswordPolicy.Check("violet tractor \ud800 sings", User, Email), ErrorCodes.InvalidCharacters);
    }

    [Fact]
    public void The_error_names_the_field_given_and_tells_the_user_what_to_do()
    {
        var error = PasswordPolicy.Check("short", User, Email, "newPassword");

        Assert.NotNull(error);
        Assert.Equal("newPassword", error.Field);
        Assert.Equal(ErrorKind.Validation, error.Kind);
        Assert.Contains("at least 12", error.Message, StringComparison.Ordinal);
    }

    private static void AssertError(ElevateError? error, string code)
    {
        Assert.NotNull(error);
        Assert.Equal(code, error.Code);
        Assert.Equal("password", error.Field);
    }
}
