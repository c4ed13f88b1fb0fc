using System.Globalization;
using Elevate.Core.Common;
using Elevate.Core.Common.Json;
using Microsoft.Net.Http.Headers;

namespace Elevate.Server.Api;

/// <summary>Small helpers for headers and query values, each failing with a problem that names the parameter.</summary>
public static class Http
{
    /// <summary>Reads <c>If-Match: "7"</c> (or a weak W/"7"). Absent means "no precondition".</summary>
    public static Result<int?> IfMatch(HttpRequest request)
    {
        var header = request.Headers.IfMatch.ToString();
        if (header.Length == 0)
        {
            return Result<int?>.Success(null);
        }

        var value = header.StartsWith("W/", StringComparison.Ordinal) ? header[2..] : header;
        return value.Length > 2 && value[0] == '"' && value[^1] == '"'
            && int.TryParse(value.AsSpan(1, value.Length - 2), NumberStyles.None, CultureInfo.InvariantCulture, out var version)
            ? version
            : ElevateError.Validation(ErrorCodes.InvalidValue, "If-Match", "If-Match takes the ETag returned by a GET, e.g. \"3\".");
    }

    public static void SetETag(HttpResponse response, int version) =>
        response.Headers[HeaderNames.ETag] = $"\"{version.ToString(CultureInfo.InvariantCulture)}\"";

    public static Result<TEnum?> Enum<TEnum>(string? value, string parameter) where TEnum : struct, Enum
    {
        if (value is null)
        {
            return Result<TEnum?>.Success(null);
        }

        foreach (var candidate in System.Enum.GetValues<TEnum>())
        {
            if (string.Equals(System.Text.Json.JsonNamingPolicy.CamelCase.ConvertName(candidate.ToString()), value, StringComparison.Ordinal))
            {
                return candidate;
            }
        }

        var allowed = string.Join(", ", System.Enum.GetNames<TEnum>().Select(System.Text.Json.JsonNamingPolicy.CamelCase.ConvertName));
        return ElevateError.Validation(ErrorCodes.InvalidValue, parameter, $"'{parameter}' is one of: {allowed}.");
    }

    public static Result<DateTimeOffset?> Time(string? value, string parameter)
    {
        if (value is null)
        {
            return Result<DateTimeOffset?>.Success(null);
        }

        return Rfc3339Converter.TryParse(value, out var time)
            ? time
            : ElevateError.Validation(ErrorCodes.InvalidTime, parameter, $"'{parameter}' is an RFC 3339 time with an offset, e.g. 2026-11-27T10:00:00Z.");
    }

    public static Result<Guid?> Id(string? value, string parameter)
    {
        if (value is null)
        {
            return Result<Guid?>.Success(null);
        }

        return Guid.TryParseExact(value, "D", out var id)
            ? id
            : ElevateError.Validation(ErrorCodes.InvalidValue, parameter, $"'{parameter}' is an id such as 0e1e0a7e-0000-4000-8000-000000000001.");
    }
}
