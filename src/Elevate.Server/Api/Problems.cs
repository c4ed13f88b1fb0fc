using Elevate.Core.Common;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Elevate.Server.Api;

/// <summary>
/// Turns expected failures into RFC 9457 problem details. Every problem carries a stable <c>code</c> and, where one
/// is at fault, the <c>field</c> (a JSON path such as <c>schedule.duration</c>, or a query parameter or header name);
/// <c>errors</c> lists every problem found when there are several.
/// </summary>
public static class Problems
{
    public static int StatusOf(ErrorKind kind) => kind switch
    {
        ErrorKind.Validation => StatusCodes.Status400BadRequest,
        ErrorKind.NotFound => StatusCodes.Status404NotFound,
        ErrorKind.Forbidden => StatusCodes.Status403Forbidden,
        ErrorKind.RuleViolation => StatusCodes.Status422UnprocessableEntity,
        ErrorKind.Conflict => StatusCodes.Status409Conflict,
        ErrorKind.PreconditionFailed => StatusCodes.Status412PreconditionFailed,
        ErrorKind.Throttled => StatusCodes.Status429TooManyRequests,
    };

    public static ProblemHttpResult From(ElevateError error) =>
        Make(StatusOf(error.Kind), error.Code, error.Message, error.Field, error.Others.Count == 0 ? null : [error, .. error.Others],
            error.Extensions ?? error.Others.FirstOrDefault(o => o.Extensions is not null)?.Extensions);

    public static ProblemHttpResult Make(
        int status, string code, string detail, string? field = null, IReadOnlyList<ElevateError>? all = null, IReadOnlyDictionary<string, object?>? more = null)
    {
        var extensions = new Dictionary<string, object?> { ["code"] = code };
        foreach (var (key, value) in more ?? new Dictionary<string, object?>())
        {
            extensions[key] = value;
        }

        if (field is not null)
        {
            extensions["field"] = field;
        }

        if (all is not null)
        {
            extensions["errors"] = all.Select(e => new ProblemItem(e.Code, e.Field, e.Message)).ToArray();
        }

        return TypedResults.Problem(detail, null, status, TitleOf(status), $"urn:elevate:problem:{code}", extensions);
    }

    /// <summary>The code for a problem known only by its status (written by the framework, not by Elevate).</summary>
    public static string CodeOfStatus(int status) => status switch
    {
        400 => ErrorCodes.InvalidValue,
        401 => ErrorCodes.Unauthenticated,
        403 => ErrorCodes.Forbidden,
        404 => ErrorCodes.NotFound,
        405 => ErrorCodes.MethodNotAllowed,
        413 => ErrorCodes.BodyTooLarge,
        415 => ErrorCodes.UnsupportedMediaType,
        _ => ErrorCodes.InternalError,
    };

    private static string TitleOf(int status) => status switch
    {
        400 => "The request is not valid.",
        401 => "Authentication is required.",
        403 => "This is not allowed.",
        404 => "Not found.",
        405 => "Method not allowed.",
        409 => "Conflict with the current state.",
        412 => "Precondition failed.",
        429 => "Too many attempts.",
        413 => "The request body is too large.",
        415 => "Unsupported media type.",
        422 => "A rule does not allow this.",
        _ => "Error.",
    };

    public sealed record ProblemItem(string Code, string? Field, string Detail);
}
