using System.Text.RegularExpressions;
using Elevate.Core.Mfa;

namespace Elevate.Core.Tests.Mfa;

public sealed partial class RecoveryCodesTests
{
    [Fact]
    public void A_set_has_ten_distinct_codes()
    {
        var codes = RecoveryCodes.Generate();

        Assert.Equal(RecoveryCodes.Count, codes.Count);
        Assert.Equal(codes.Count, codes.Distinct(StringComparer.Ordinal).Count());
    }

    [Fact]
    public void Codes_are_shown_as_three_groups_of_four_unambiguous_lower_case_symbols()
    {
        foreach (var code in RecoveryCodes.Generate())
        {
            Assert.Matches(DisplayFormat(), code);
        }
    }

    [Fact]
    public void Two_sets_share_no_code()
    {
        Assert.Empty(RecoveryCodes.Generate().Intersect(RecoveryCodes.Generate(), StringComparer.Ordinal));
    }

    [Fact]
    public void A_generated_code_normalises_to_its_twelve_symbols()
    {
        var code = RecoveryCodes.Generate()[0];

        Assert.Equal(code.Replace("-", "", StringComparison.Ordinal), RecoveryCodes.Normalize(code));
    }

    [Theory]
    [InlineData("abcd-efgh-jklm")]
    [InlineData("ABCD EFGH-JKLM")]
    [InlineData("abcdefghjklm")]
    [InlineData("  abcd efgh jklm  ")]
    [InlineData("Abcd--Efgh--Jklm")]
    public void The_ways_people_type_a_code_normalise_to_the_same_code(string typed)
    {
        Assert.Equal("abcdefghjklm", RecoveryCodes.Normalize(typed));
    }

    [Theory]
    [InlineData("")]
    [InlineData("abcd-efgh-jkl")]
    [InlineData("abcd-efgh-jklmn")]
    [InlineData("abcd-efgh-jkl0")]
    [InlineData("abcd-efgh-jkl1")]
    [InlineData("abcd-efgh-jklo")]
    [InlineData("abcd-efgh-jkli")]
    [InlineData("abcd_efgh_jklm")]
    [InlineData("abcd-efgh-jklé")]
    public void Wrong_lengths_and_characters_are_not_codes(string typed)
    {
        Assert.Null(RecoveryCodes.Normalize(typed));
    }

    [Fact]
    public void The_hash_is_stable_lower_case_hex_sha_256()
    {
        var hash = RecoveryCodes.Hash("abcdefghjklm");

        Assert.Equal(hash, RecoveryCodes.Hash(RecoveryCodes.Normalize("ABCD EFGH-JKLM")!));
        Assert.Matches("^[0-9a-f]{64}$", hash);
    }

    [Fact]
    public void Different_codes_have_different_hashes()
    {
        var hashes = RecoveryCodes.Generate().Select(c => RecoveryCodes.Hash(RecoveryCodes.Normalize(c)!)).ToList();

        Assert.Equal(hashes.Count, hashes.Distinct(StringComparer.Ordinal).Count());
    }

    [GeneratedRegex("^[23456789abcdefghjklmnpqrstuvwxyz]{4}-[23456789abcdefghjklmnpqrstuvwxyz]{4}-[23456789abcdefghjklmnpqrstuvwxyz]{4}$")]
    private static partial Regex DisplayFormat();
}
