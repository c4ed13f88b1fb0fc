using System.Text;
using Elevate.Core.Mfa;

namespace Elevate.Core.Tests.Mfa;

public sealed class Base32Tests
{
    [Theory]
    [InlineData("", "")]
    [InlineData("f", "MY")]
    [InlineData("fo", "MZXQ")]
    [InlineData("foo", "MZXW6")]
    [InlineData("foob", "MZXW6YQ")]
    [InlineData("fooba", "MZXW6YTB")]
    [InlineData("foobar", "MZXW6YTBOI")]
    public void Encoding_matches_the_rfc_4648_test_vectors_without_padding(string text, string expected)
    {
        Assert.Equal(expected, Base32.Encode(Encoding.ASCII.GetBytes(text)));
    }

    [Theory]
    [InlineData("MY======", "f")]
    [InlineData("MZXQ====", "fo")]
    [InlineData("MZXW6===", "foo")]
    [InlineData("MZXW6YQ=", "foob")]
    [InlineData("MZXW6YTB", "fooba")]
    [InlineData("MZXW6YTBOI======", "foobar")]
    [InlineData("MZXW6YTBOI", "foobar")]
    [InlineData("mzxw 6ytb oi", "foobar")]
    [InlineData(" MzXw6YtBoI ", "foobar")]
    public void Decoding_accepts_padding_any_case_and_spaces(string encoded, string expected)
    {
        Assert.Equal(Encoding.ASCII.GetBytes(expected), Base32.Decode(encoded));
    }

    [Fact]
    public void Random_bytes_survive_a_round_trip()
    {
        for (var length = 0; length <= 40; length++)
        {
            var bytes = System.Security.Cryptography.RandomNumberGenerator.GetBytes(length);

            Assert.Equal(bytes, Base32.Decode(Base32.Encode(bytes)));
        }
    }

    [Theory]
    [InlineData("MY1")]
    [InlineData("MY0")]
    [InlineData("M8")]
    [InlineData("M")]
    [InlineData("MZX")]
    [InlineData("MZXW6Y")]
    [InlineData("MY=A")]
    [InlineData("MY=")]
    [InlineData("MZ-XW")]
    public void Text_that_is_not_base32_decodes_to_null(string text)
    {
        Assert.Null(Base32.Decode(text));
    }
}
