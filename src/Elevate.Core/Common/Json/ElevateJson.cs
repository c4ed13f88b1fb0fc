using System.Text.Json;
using System.Text.Json.Serialization;

namespace Elevate.Core.Common.Json;

/// <summary>The one JSON dialect Elevate speaks: camelCase, string enums, ISO durations, RFC 3339 UTC times.</summary>
public static class ElevateJson
{
    public static JsonSerializerOptions Options { get; } = Configure(new JsonSerializerOptions(JsonSerializerDefaults.Web));

    /// <summary>Applies Elevate's conventions to <paramref name="options"/> (also used for the API's options).</summary>
    public static JsonSerializerOptions Configure(JsonSerializerOptions options)
    {
        options.PropertyNamingPolicy = JsonNamingPolicy.CamelCase;
        options.DefaultIgnoreCondition = JsonIgnoreCondition.Never;
        options.UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow;
        options.NumberHandling = JsonNumberHandling.Strict;
        options.AllowTrailingCommas = false;
        options.ReadCommentHandling = JsonCommentHandling.Disallow;
        options.MaxDepth = 16;
        options.RespectNullableAnnotations = true;

        // The last of two "name" members would win otherwise: a proxy that reads the first and Elevate the last
        // would disagree about what was asked.
        options.AllowDuplicateProperties = false;
        options.Converters.Add(new StrictEnumConverter());
        options.Converters.Add(new IsoDurationConverter());
        options.Converters.Add(new Rfc3339Converter());
        return options;
    }
}
