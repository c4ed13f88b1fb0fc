using System.Buffers.Text;
using System.Globalization;
using System.Text;

namespace Elevate.Core.Common;

/// <summary>One page of a list and the opaque cursor of the next page (null on the last page).</summary>
public sealed record Page<T>(IReadOnlyList<T> Items, string? NextCursor);

/// <summary>
/// Keyset cursors: the sort key of the last item of a page, base64url-encoded. Stable under inserts (no skipped or
/// repeated rows as offsets would give) and cheap at any depth.
/// </summary>
public static class Cursor
{
    public const int DefaultLimit = 50;
    public const int MaxLimit = 500;

    public static string Encode(params string[] parts) => Base64Url.EncodeToString(Encoding.UTF8.GetBytes(string.Join('|', parts)));

    public static string Encode(long position) => Encode(position.ToString(CultureInfo.InvariantCulture));

    public static string Encode(DateTimeOffset at, Guid id) => Encode(at.UtcTicks.ToString(CultureInfo.InvariantCulture), id.ToString("N"));

    public static Result<string[]?> Decode(string? cursor, int parts)
    {
        if (cursor is null)
        {
            return Result<string[]?>.Success(null);
        }

        try
        {
            var decoded = Encoding.UTF8.GetString(Base64Url.DecodeFromChars(cursor)).Split('|');
            if (decoded.Length == parts && cursor.Length <= 200)
            {
                return decoded;
            }
        }
        catch (FormatException)
        {
        }

        return ElevateError.Validation(ErrorCodes.InvalidCursor, "cursor", "The cursor is not one Elevate gave out; start again without it.");
    }

    public static Result<long?> DecodePosition(string? cursor)
    {
        var decoded = Decode(cursor, 1);
        if (!decoded.IsSuccess)
        {
            return decoded.Error;
        }

        if (decoded.Value is null)
        {
            return Result<long?>.Success(null);
        }

        return long.TryParse(decoded.Value[0], NumberStyles.None, CultureInfo.InvariantCulture, out var position)
            ? position
            : ElevateError.Validation(ErrorCodes.InvalidCursor, "cursor", "The cursor is not one Elevate gave out; start again without it.");
    }

    public static Result<(DateTimeOffset At, Guid Id)?> DecodeTimeAndId(string? cursor)
    {
        var decoded = Decode(cursor, 2);
        if (!decoded.IsSuccess)
        {
            return decoded.Error;
        }

        if (decoded.Value is null)
        {
            return Result<(DateTimeOffset, Guid)?>.Success(null);
        }

        return long.TryParse(decoded.Value[0], NumberStyles.None, CultureInfo.InvariantCulture, out var ticks)
            && ticks <= DateTimeOffset.MaxValue.UtcTicks
            && Guid.TryParseExact(decoded.Value[1], "N", out var id)
            ? (new DateTimeOffset(ticks, TimeSpan.Zero), id)
            : ElevateError.Validation(ErrorCodes.InvalidCursor, "cursor", "The cursor is not one Elevate gave out; start again without it.");
    }

    public static Result<int> Limit(int? limit) => limit switch
    {
        null => DefaultLimit,
        < 1 or > MaxLimit => ElevateError.Validation(ErrorCodes.InvalidValue, "limit", $"The limit is between 1 and {MaxLimit}."),
        { } value => value,
    };
}
