using System.Text;
using Elevate.Core.Mfa;

namespace Elevate.Core.Tests.Mfa;

public sealed class TotpTests
{
    // RFC 6238 Appendix B: the ASCII digits 1234567890 repeated to 20, 32 and 64 bytes, one seed per hash.
    private static readonly byte[] Sha1Seed = Encoding.ASCII.GetBytes("12345678901234567890");
    private static readonly byte[] Sha256Seed = Encoding.ASCII.GetBytes("12345678901234567890123456789012");
    private static readonly byte[] Sha512Seed = Encoding.ASCII.GetBytes("1234567890123456789012345678901234567890123456789012345678901234");

    private static readonly DateTimeOffset Now = new(2026, 3, 2, 9, 0, 15, TimeSpan.Zero);

    [Theory]
    [InlineData(59L, "94287082", "46119246", "90693936")]
    [InlineData(1111111109L, "07081804", "68084774", "25091201")]
    [InlineData(1111111111L, "14050471", "67062674", "99943326")]
    [InlineData(1234567890L, "89005924", "91819424", "93441116")]
    [InlineData(2000000000L, "69279037", "90698825", "38618901")]
    [InlineData(20000000000L, "65353130", "77737706", "47863826")]
    public void Codes_match_the_rfc_6238_test_vectors(long unixSeconds, string sha1, string sha256, string sha512)
    {
        var step = Totp.StepAt(DateTimeOffset.FromUnixTimeSeconds(unixSeconds));

        Assert.Equal(sha1, Totp.Code(Sha1Seed, step, 8, TotpAlgorithm.Sha1));
        Assert.Equal(sha256, Totp.Code(Sha256Seed, step, 8, TotpAlgorithm.Sha256));
        Assert.Equal(sha512, Totp.Code(Sha512Seed, step, 8, TotpAlgorithm.Sha512));
    }

    [Fact]
    public void A_step_is_thirty_seconds_since_the_unix_epoch()
    {
        Assert.Equal(0, Totp.StepAt(DateTimeOffset.FromUnixTimeSeconds(29)));
        Assert.Equal(1, Totp.StepAt(DateTimeOffset.FromUnixTimeSeconds(30)));
        Assert.Equal(37037036, Totp.StepAt(DateTimeOffset.FromUnixTimeSeconds(1111111109)));
    }

    [Fact]
    public void Codes_have_six_digits_with_leading_zeros_kept()
    {
        // At 1111111109 s the eight-digit code is 07081804, so the six-digit one is 081804 and keeps its leading zero.
        var code = Totp.Code(Sha1Seed, Totp.StepAt(DateTimeOffset.FromUnixTimeSeconds(1111111109)));

        Assert.Equal("081804", code);
    }

    [Fact]
    public void A_new_secret_has_160_random_bits()
    {
        var first = Totp.NewSecret();

        Assert.Equal(20, first.Length);
        Assert.NotEqual(first, Totp.NewSecret());
    }

    [Fact]
    public void The_code_of_the_current_step_is_accepted_and_its_step_returned()
    {
        var step = Totp.StepAt(Now);

        Assert.Equal(step, Totp.Verify(Sha1Seed, Totp.Code(Sha1Seed, step), Now, null));
    }

    [Theory]
    [InlineData(-1)]
    [InlineData(1)]
    public void Code_from_one_step_either_side_is_accepted(int drift)
    {
        var step = Totp.StepAt(Now) + drift;

        Assert.Equal(step, Totp.Verify(Sha1Seed, Totp.Code(Sha1Seed, step), Now, null));
    }

    [Theory]
    [InlineData(-2)]
    [InlineData(2)]
    public void Code_from_two_steps_away_is_rejected(int drift)
    {
        var code = Totp.Code(Sha1Seed, Totp.StepAt(Now) + drift);

        Assert.Null(Totp.Verify(Sha1Seed, code, Now, null));
    }

    [Fact]
    public void The_same_code_is_accepted_only_once()
    {
        var code = Totp.Code(Sha1Seed, Totp.StepAt(Now));

        var first = Totp.Verify(Sha1Seed, code, Now, null);
        var second = Totp.Verify(Sha1Seed, code, Now.AddSeconds(5), first);

        Assert.NotNull(first);
        Assert.Null(second);
    }

    [Fact]
    public void An_older_code_after_a_newer_one_is_rejected()
    {
        var step = Totp.StepAt(Now);
        var newer = Totp.Verify(Sha1Seed, Totp.Code(Sha1Seed, step), Now, null);

        Assert.Null(Totp.Verify(Sha1Seed, Totp.Code(Sha1Seed, step - 1), Now, newer));
    }

    [Fact]
    public void The_next_code_after_a_used_one_is_accepted()
    {
        var step = Totp.StepAt(Now);
        var used = Totp.Verify(Sha1Seed, Totp.Code(Sha1Seed, step), Now, null);
        var later = Now + Totp.Period;

        Assert.Equal(step + 1, Totp.Verify(Sha1Seed, Totp.Code(Sha1Seed, step + 1), later, used));
    }

    [Fact]
    public void A_code_from_another_secret_is_rejected()
    {
        var code = Totp.Code(Sha256Seed, Totp.StepAt(Now));

        Assert.Null(Totp.Verify(Sha1Seed, code, Now, null));
    }

    [Fact]
    public void Spaces_around_and_inside_a_code_are_ignored()
    {
        var code = Totp.Code(Sha1Seed, Totp.StepAt(Now));
        var step = Totp.StepAt(Now);

        Assert.Equal(step, Totp.Verify(Sha1Seed, $"  {code[..3]} {code[3..]} ", Now, null));
    }

    [Theory]
    [InlineData("")]
    [InlineData("      ")]
    [InlineData("abcdef")]
    [InlineData("12345")]
    [InlineData("1234567")]
    [InlineData("12345a")]
    [InlineData("12-345")]
    [InlineData("\uff11\uff12\uff13\uff14\uff15\uff16")]
    public void Malformed_codes_are_rejected(string code)
    {
        Assert.Null(Totp.Verify(Sha1Seed, code, Now, null));
    }

    [Fact]
    public void A_seven_digit_code_that_starts_with_the_right_six_is_rejected()
    {
        var code = Totp.Code(Sha1Seed, Totp.StepAt(Now));

        Assert.Null(Totp.Verify(Sha1Seed, code + "0", Now, null));
    }

    [Fact]
    public void The_key_uri_names_issuer_and_account_and_carries_the_secret_in_base32()
    {
        var uri = Totp.KeyUri("Elevate", "alice", Sha1Seed);

        Assert.Equal(
            "otpauth://totp/Elevate:alice?secret=GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ&issuer=Elevate&algorithm=SHA1&digits=6&period=30",
            uri);
    }

    [Fact]
    public void The_key_uri_percent_encodes_issuer_and_account()
    {
        var uri = Totp.KeyUri("Acme & Co: PIM", "alice smith@example.com", Sha1Seed);

        Assert.StartsWith("otpauth://totp/Acme%20%26%20Co%3A%20PIM:alice%20smith%40example.com?", uri, StringComparison.Ordinal);
        Assert.Contains("&issuer=Acme%20%26%20Co%3A%20PIM&", uri, StringComparison.Ordinal);
    }
}
