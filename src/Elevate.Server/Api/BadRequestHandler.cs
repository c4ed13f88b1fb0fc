using System.Text.Json;
using Elevate.Core.Common;
using Elevate.Core.Common.Json;
using Microsoft.AspNetCore.Diagnostics;

namespace Elevate.Server.Api;

/// <summary>
/// Turns what the framework rejects before an endpoint runs (unreadable JSON, wrong types, unknown fields, bodies too
/// large, unparsable route or query values) into problem details naming the field. Anything else that escapes an
/// endpoint is a bug: it is logged and answered with a bare 500 that reveals nothing.
/// </summary>
public sealed class BadRequestHandler(ILogger<BadRequestHandler> logger) : IExceptionHandler
{
    public async ValueTask<bool> TryHandleAsync(HttpContext httpContext, Exception exception, CancellationToken cancellationToken)
    {
        var problem = exception switch
        {
            BadHttpRequestException { InnerException: JsonException json } => FromJson(json),
            JsonException json => FromJson(json),
            BadHttpRequestException { StatusCode: StatusCodes.Status413PayloadTooLarge } =>
                Problems.Make(413, ErrorCodes.BodyTooLarge, "The request body is larger than this server accepts.", "body"),
            BadHttpRequestException { StatusCode: StatusCodes.Status415UnsupportedMediaType } =>
                Problems.Make(415, ErrorCodes.UnsupportedMediaType, "Send the body as application/json.", "Content-Type"),
            BadHttpRequestException bad => FromBinding(bad),
            _ => null,
        };

        if (problem is null)
        {
            logger.LogError(exception, "Unhandled error on {Method} {Path}.", httpContext.Request.Method, httpContext.Request.Path);
            problem = Problems.Make(500, ErrorCodes.InternalError, "Something went wrong on the server; the request may be retried.");
        }

        await problem.ExecuteAsync(httpContext);
        return true;
    }

    private static Microsoft.AspNetCore.Http.HttpResults.ProblemHttpResult FromJson(JsonException json)
    {
        if (json is InputException input)
        {
            return Problems.Make(400, input.Code, $"'{FieldOf(json.Path)}': {input.Message}", FieldOf(json.Path));
        }

        // The reader's own errors (broken syntax, truncated input) are about the body as a whole: the path only says
        // where the reader gave up.
        if (json.InnerException?.GetType().Name == "JsonReaderException")
        {
            return Problems.Make(400, ErrorCodes.MalformedJson, "The body is not well-formed JSON.", "body");
        }

        var field = FieldOf(json.Path);
        var message = json.Message;
        if (message.Contains("could not be mapped to any .NET member", StringComparison.Ordinal))
        {
            return Problems.Make(400, ErrorCodes.UnknownField, $"'{field}' is not a field of this request.", field);
        }

        if (message.Contains("uplicate", StringComparison.Ordinal))
        {
            return Problems.Make(400, ErrorCodes.MalformedJson, $"'{field}' is given more than once.", field);
        }

        if (message.Contains("null", StringComparison.OrdinalIgnoreCase))
        {
            return Problems.Make(400, ErrorCodes.InvalidType, $"'{field}' must not be null.", field);
        }

        if (message.Contains("could not be converted", StringComparison.Ordinal))
        {
            return Problems.Make(400, ErrorCodes.InvalidType, $"'{field}' has the wrong type.", field);
        }

        return Problems.Make(400, ErrorCodes.MalformedJson, "The body is not well-formed JSON.", field);
    }

    private static Microsoft.AspNetCore.Http.HttpResults.ProblemHttpResult FromBinding(BadHttpRequestException bad)
    {
        // Messages look like: Failed to bind parameter "Guid id" from "abc". / Required parameter "X body" was not provided.
        var field = ParameterName(bad.Message);
        if (bad.Message.Contains("was not provided", StringComparison.Ordinal) || bad.Message.Contains("no body was provided", StringComparison.Ordinal))
        {
            return Problems.Make(400, ErrorCodes.Required, field is null ? "A required value is missing." : $"'{field}' is required.", field ?? "body");
        }

        return Problems.Make(400, ErrorCodes.InvalidValue, field is null ? "A value in the request is not valid." : $"'{field}' is not valid.", field);
    }

    private static string? ParameterName(string message)
    {
        var start = message.IndexOf('"', StringComparison.Ordinal);
        var end = start < 0 ? -1 : message.IndexOf('"', start + 1);
        if (start < 0 || end < 0)
        {
            return null;
        }

        var parameter = message[(start + 1)..end];
        var space = parameter.LastIndexOf(' ');
        var name = space < 0 ? parameter : parameter[(space + 1)..];
        return name is "body" or "input" ? "body" : name;
    }

    /// <summary>"$.schedule.duration" → "schedule.duration"; "$['odd key']" → "odd key".</summary>
    public static string FieldOf(string? path)
    {
        if (string.IsNullOrEmpty(path) || path == "$")
        {
            return "body";
        }

        var field = path.StartsWith("$.", StringComparison.Ordinal) ? path[2..] : path.TrimStart('$');
        return field.Replace("['", ".", StringComparison.Ordinal).Replace("']", "", StringComparison.Ordinal).TrimStart('.');
    }
}
