namespace Elevate.Core.Common;

/// <summary>
/// An expected failure, returned as a value. <see cref="Code"/> is stable and documented in docs/api.md;
/// <see cref="Field"/> names the input at fault (a JSON path such as <c>schedule.duration</c>) when there is one.
/// </summary>
public sealed record ElevateError(string Code, ErrorKind Kind, string Message, string? Field = null)
{
    /// <summary>Further problems found in the same input, so a caller can fix them all at once.</summary>
    public IReadOnlyList<ElevateError> Others { get; init; } = [];

    /// <summary>Further members for the problem document, e.g. the factors a request may present (<c>factors</c>).</summary>
    public IReadOnlyDictionary<string, object?>? Extensions { get; init; }

    public static ElevateError Validation(string code, string field, string message) => new(code, ErrorKind.Validation, message, field);

    public static ElevateError NotFound(string code, string field, string message) => new(code, ErrorKind.NotFound, message, field);

    public static ElevateError Forbidden(string message) => new(ErrorCodes.Forbidden, ErrorKind.Forbidden, message);

    public static ElevateError Rule(string code, string message, string? field = null) => new(code, ErrorKind.RuleViolation, message, field);

    public static ElevateError Conflict(string code, string message, string? field = null) => new(code, ErrorKind.Conflict, message, field);

    /// <summary>Combines several problems into one error whose first problem leads.</summary>
    public static ElevateError Combine(IReadOnlyList<ElevateError> errors)
    {
        if (errors.Count == 0)
        {
            throw new ArgumentException("At least one error is needed.", nameof(errors));
        }

        return errors.Count == 1 ? errors[0] : errors[0] with { Others = errors.Skip(1).ToArray() };
    }
}
