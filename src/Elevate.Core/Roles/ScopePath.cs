using System.Diagnostics.CodeAnalysis;
using Elevate.Core.Common;

namespace Elevate.Core.Roles;

/// <summary>
/// Where a role applies: <c>/</c>, <c>/prod</c>, <c>/prod/payments</c>. A grant at a scope holds at every scope below
/// it. Paths are case-sensitive and must already be in canonical form: Elevate rejects rather than normalises, so
/// two spellings can never name the same scope (and "/prod/../admin" never slips through).
/// </summary>
public readonly record struct ScopePath
{
    public const int MaxLength = 512;
    public const int MaxDepth = 32;
    public const int MaxSegmentLength = 64;

    private ScopePath(string value) => Value = value;

    public static ScopePath Root { get; } = new("/");

    public string Value { get; }

    public bool IsRoot => Value == "/";

    public static ScopePath Parse(string text) =>
        TryParse(text, out var scope, out var problem) ? scope : throw new FormatException(problem);

    public static bool TryParse([NotNullWhen(true)] string? text, out ScopePath scope, [NotNullWhen(false)] out string? problem)
    {
        scope = default;
        problem = Validate(text);
        if (problem is not null)
        {
            return false;
        }

        scope = new ScopePath(text!);
        return true;
    }

    /// <summary>Parses a scope from request input, naming <paramref name="field"/> in the error.</summary>
    public static Result<ScopePath> FromInput(string? text, string field) =>
        TryParse(text, out var scope, out var problem)
            ? scope
            : ElevateError.Validation(ErrorCodes.InvalidScope, field, problem);

    /// <summary>True when a grant at this scope also holds at <paramref name="other"/>.</summary>
    public bool Covers(ScopePath other) =>
        IsRoot || other.Value == Value ||
        (other.Value.Length > Value.Length && other.Value[Value.Length] == '/' && other.Value.StartsWith(Value, StringComparison.Ordinal));

    /// <summary>This scope, then each parent up to the root.</summary>
    public IEnumerable<ScopePath> SelfAndAncestors()
    {
        var current = Value;
        while (true)
        {
            yield return new ScopePath(current);
            if (current == "/")
            {
                yield break;
            }

            var cut = current.LastIndexOf('/');
            current = cut == 0 ? "/" : current[..cut];
        }
    }

    public int Depth => IsRoot ? 0 : Value.Count(c => c == '/');

    public override string ToString() => Value ?? "/";

    private static string? Validate(string? text)
    {
        if (string.IsNullOrEmpty(text))
        {
            return "A scope is a path such as '/', '/prod' or '/prod/payments'.";
        }

        if (text.Length > MaxLength)
        {
            return $"A scope is at most {MaxLength} characters.";
        }

        if (text[0] != '/')
        {
            return "A scope starts with '/'.";
        }

        if (text == "/")
        {
            return null;
        }

        if (text[^1] == '/')
        {
            return "A scope other than '/' does not end with '/'.";
        }

        var segments = text[1..].Split('/');
        if (segments.Length > MaxDepth)
        {
            return $"A scope is at most {MaxDepth} levels deep.";
        }

        foreach (var segment in segments)
        {
            if (segment.Length == 0)
            {
                return "A scope has no empty segments ('//').";
            }

            if (segment is "." or "..")
            {
                return "A scope has no '.' or '..' segments.";
            }

            if (segment.Length > MaxSegmentLength)
            {
                return $"Each scope segment is at most {MaxSegmentLength} characters.";
            }

            foreach (var c in segment)
            {
                if (!(char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.' or '~'))
                {
                    return "Scope segments use only letters, digits, '-', '_', '.' and '~'.";
                }
            }
        }

        return null;
    }
}
