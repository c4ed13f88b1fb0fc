using System.Buffers.Text;
using System.Text;
using Elevate.Core.Common;

namespace Elevate.Core.Tests.Common;

public sealed class CursorTests
{
    [Fact]
    public void A_cursor_of_several_parts_decodes_to_the_same_parts()
    {
        var cursor = Cursor.Encode("2026", "alice", "Zoë");

        var decoded = Cursor.Decode(cursor, 3);

        Assert.True(decoded.IsSuccess);
        Assert.Equal(["2026", "alice", "Zoë"], decoded.Value!);
    }

    [Fact]
    public void A_cursor_is_url_safe()
    {
        var cursor = Cursor.Encode("???>>>~~~", "ÿÿÿ");

        Assert.DoesNotContain('+', cursor);
        Assert.DoesNotContain('/', cursor);
        Assert.DoesNotContain('=', cursor);
    }

    [Theory]
    [InlineData(0L)]
    [InlineData(42L)]
    [InlineData(long.MaxValue)]
    public void A_position_cursor_decodes_to_the_same_position(long position)
    {
        var decoded = Cursor.DecodePosition(Cursor.Encode(position));

        Assert.True(decoded.IsSuccess);
        Assert.Equal(position, decoded.Value);
    }

    [Fact]
    public void A_time_and_id_cursor_decodes_to_the_same_instant_in_utc_and_the_same_id()
    {
        var at = new DateTimeOffset(2026, 3, 2, 10, 15, 30, TimeSpan.FromHours(1)).AddTicks(1234567);
        var id = Guid.NewGuid();

        var decoded = Cursor.DecodeTimeAndId(Cursor.Encode(at, id));

        Assert.True(decoded.IsSuccess);
        var (decodedAt, decodedId) = decoded.Value!.Value;
        Assert.Equal(at, decodedAt);
        Assert.Equal(TimeSpan.Zero, decodedAt.Offset);
        Assert.Equal(id, decodedId);
    }

    [Fact]
    public void No_cursor_means_the_first_page()
    {
        Assert.Null(Cursor.Decode(null, 2).Value);
        Assert.Null(Cursor.DecodePosition(null).Value);
        Assert.Null(Cursor.DecodeTimeAndId(null).Value);
    }

    [Theory]
    [InlineData("!!!")]
    [InlineData("not a cursor")]
    [InlineData("%%")]
    [InlineData("a")]
    public void Garbage_is_an_invalid_cursor(string cursor)
    {
        AssertInvalid(Cursor.Decode(cursor, 1).Error);
        AssertInvalid(Cursor.DecodePosition(cursor).Error);
        AssertInvalid(Cursor.DecodeTimeAndId(cursor).Error);
    }

    [Fact]
    public void A_cursor_with_the_wrong_number_of_parts_is_invalid()
    {
        AssertInvalid(Cursor.Decode(Cursor.Encode("a", "b"), 1).Error);
        AssertInvalid(Cursor.DecodeTimeAndId(Cursor.Encode(42)).Error);
        AssertInvalid(Cursor.DecodePosition(Cursor.Encode(DateTimeOffset.UnixEpoch, Guid.NewGuid())).Error);
    }

    [Theory]
    [InlineData("-1")]
    [InlineData("12x")]
    [InlineData("")]
    [InlineData("99999999999999999999")]
    public void A_position_cursor_that_does_not_hold_a_position_is_invalid(string part)
    {
        AssertInvalid(Cursor.DecodePosition(Cursor.Encode(part)).Error);
    }

    [Theory]
    [InlineData("x", "0e1e0a7e000040008000000000000001")]
    [InlineData("638000000000000000", "not-a-guid")]
    [InlineData("638000000000000000", "0e1e0a7e-0000-4000-8000-000000000001")]
    [InlineData("9999999999999999999", "0e1e0a7e000040008000000000000001")]
    public void A_time_and_id_cursor_that_does_not_hold_a_time_and_id_is_invalid(string ticks, string id)
    {
        AssertInvalid(Cursor.DecodeTimeAndId(Cursor.Encode(ticks, id)).Error);
    }

    [Fact]
    public void A_cursor_longer_than_200_characters_is_invalid()
    {
        var cursor = Base64Url.EncodeToString(Encoding.UTF8.GetBytes(new string('7', 160)));

        Assert.True(cursor.Length > 200);
        AssertInvalid(Cursor.Decode(cursor, 1).Error);
    }

    [Fact]
    public void No_limit_means_the_default_of_50()
    {
        Assert.Equal(Cursor.DefaultLimit, Cursor.Limit(null).Value);
        Assert.Equal(50, Cursor.DefaultLimit);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(50)]
    [InlineData(500)]
    public void A_limit_from_1_to_500_is_taken_as_given(int limit)
    {
        Assert.Equal(limit, Cursor.Limit(limit).Value);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(-1)]
    [InlineData(501)]
    [InlineData(int.MaxValue)]
    public void A_limit_outside_1_to_500_is_an_invalid_value(int limit)
    {
        var error = Cursor.Limit(limit).Error;

        Assert.NotNull(error);
        Assert.Equal(ErrorCodes.InvalidValue, error.Code);
        Assert.Equal("limit", error.Field);
    }

    private static void AssertInvalid(ElevateError? error)
    {
        Assert.NotNull(error);
        Assert.Equal(ErrorCodes.InvalidCursor, error.Code);
        Assert.Equal("cursor", error.Field);
        Assert.Equal(ErrorKind.Validation, error.Kind);
    }
}
