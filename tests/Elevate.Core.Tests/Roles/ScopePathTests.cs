using Elevate.Core.Common;
using Elevate.Core.Roles;

namespace Elevate.Core.Tests.Roles;

public sealed class ScopePathTests
{
    [Theory]
    [InlineData("/")]
    [InlineData("/prod")]
    [InlineData("/prod/payments")]
    [InlineData("/Prod/EU-west_1/db.primary/~ops")]
    [InlineData("/a/.../b")]
    public void A_canonical_path_is_accepted_as_written(string text)
    {
        Assert.True(ScopePath.TryParse(text, out var scope, out var problem), problem);
        Assert.Equal(text, scope.Value);
        Assert.Equal(text, scope.ToString());
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("prod")]
    [InlineData("prod/payments")]
    [InlineData("/prod/")]
    [InlineData("//")]
    [InlineData("/prod//payments")]
    [InlineData("/prod/./payments")]
    [InlineData("/prod/../admin")]
    [InlineData("/..")]
    [InlineData("/.")]
    [InlineData("/prod payments")]
    [InlineData("/prod/pay%20ments")]
    [InlineData("/prod\\payments")]
    [InlineData("/prod/päyments")]
    [InlineData("/prod/payments?x=1")]
    [InlineData("/prod:eu")]
    [InlineData(" /prod")]
    public void A_path_that_is_not_canonical_is_rejected(string? text)
    {
        Assert.False(ScopePath.TryParse(text, out _, out var problem));
        Assert.False(string.IsNullOrWhiteSpace(problem));
    }

    [Fact]
    public void A_path_of_512_characters_is_accepted_and_one_of_513_is_rejected()
    {
        var seven = string.Concat(Enumerable.Repeat("/" + new string('a', 63), 7));
        var longest = seven + "/" + new string('b', 63);
        var tooLong = seven + "/" + new string('b', 64);

        Assert.Equal(ScopePath.MaxLength, longest.Length);
        Assert.True(ScopePath.TryParse(longest, out _, out _));
        Assert.False(ScopePath.TryParse(tooLong, out _, out var problem));
        Assert.Contains("512", problem, StringComparison.Ordinal);
    }

    [Fact]
    public void A_segment_over_64_characters_is_rejected()
    {
        Assert.True(ScopePath.TryParse("/" + new string('a', 64), out _, out _));
        Assert.False(ScopePath.TryParse("/" + new string('a', 65), out _, out _));
    }

    [Fact]
    public void A_path_deeper_than_32_levels_is_rejected()
    {
        var deepest = string.Concat(Enumerable.Repeat("/a", ScopePath.MaxDepth));
        var tooDeep = deepest + "/a";

        Assert.True(ScopePath.TryParse(deepest, out var scope, out _));
        Assert.Equal(32, scope.Depth);
        Assert.False(ScopePath.TryParse(tooDeep, out _, out _));
    }

    [Fact]
    public void Parse_throws_on_a_path_that_is_not_canonical()
    {
        Assert.Throws<FormatException>(() => ScopePath.Parse("/prod/"));
    }

    [Fact]
    public void Input_that_is_not_a_path_is_an_invalid_scope_naming_the_field()
    {
        var result = ScopePath.FromInput("prod", "filter.scope");

        Assert.False(result.IsSuccess);
        Assert.Equal(ErrorCodes.InvalidScope, result.Error.Code);
        Assert.Equal("filter.scope", result.Error.Field);
        Assert.Equal(ErrorKind.Validation, result.Error.Kind);
    }

    [Theory]
    [InlineData("/", "/")]
    [InlineData("/", "/prod")]
    [InlineData("/", "/prod/payments/eu")]
    [InlineData("/prod", "/prod")]
    [InlineData("/prod", "/prod/payments")]
    [InlineData("/prod", "/prod/payments/eu")]
    [InlineData("/prod/payments", "/prod/payments")]
    public void A_scope_covers_itself_and_every_scope_below_it(string holder, string other)
    {
        Assert.True(ScopePath.Parse(holder).Covers(ScopePath.Parse(other)));
    }

    [Theory]
    [InlineData("/prod", "/")]
    [InlineData("/prod", "/production")]
    [InlineData("/prod", "/prodx/payments")]
    [InlineData("/prod", "/dev/prod")]
    [InlineData("/prod/payments", "/prod")]
    [InlineData("/prod/payments", "/prod/pay")]
    [InlineData("/prod", "/Prod/payments")]
    public void A_scope_does_not_cover_a_sibling_a_parent_or_a_longer_name(string holder, string other)
    {
        Assert.False(ScopePath.Parse(holder).Covers(ScopePath.Parse(other)));
    }

    [Fact]
    public void Self_and_ancestors_go_from_the_scope_up_to_the_root()
    {
        var chain = ScopePath.Parse("/prod/payments/eu").SelfAndAncestors().Select(s => s.Value);

        Assert.Equal(["/prod/payments/eu", "/prod/payments", "/prod", "/"], chain);
    }

    [Fact]
    public void Self_and_ancestors_of_the_root_is_the_root_alone()
    {
        Assert.Equal([ScopePath.Root], ScopePath.Root.SelfAndAncestors());
    }

    [Theory]
    [InlineData("/", 0)]
    [InlineData("/prod", 1)]
    [InlineData("/prod/payments", 2)]
    public void Depth_counts_the_segments(string text, int depth)
    {
        Assert.Equal(depth, ScopePath.Parse(text).Depth);
    }

    [Fact]
    public void Only_the_root_is_the_root()
    {
        Assert.True(ScopePath.Root.IsRoot);
        Assert.True(ScopePath.Parse("/").IsRoot);
        Assert.Equal(ScopePath.Root, ScopePath.Parse("/"));
        Assert.False(ScopePath.Parse("/prod").IsRoot);
    }
}
