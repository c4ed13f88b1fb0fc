namespace Elevate.Core.Common;

/// <summary>What sort of expected failure an <see cref="ElevateError"/> is; the HTTP edge maps each to a status code.</summary>
public enum ErrorKind
{
    /// <summary>The input is malformed or out of range; nothing was looked up or changed.</summary>
    Validation,

    /// <summary>A referenced thing does not exist (or is of the wrong kind).</summary>
    NotFound,

    /// <summary>The caller is known but lacks the right (an admin role active at the scope, or ownership).</summary>
    Forbidden,

    /// <summary>The request is well formed but a role setting or an invariant rejects it.</summary>
    RuleViolation,

    /// <summary>The state changed under the caller (a lost race, a duplicate, or a wrong state for the action).</summary>
    Conflict,

    /// <summary>An If-Match precondition did not hold.</summary>
    PreconditionFailed,

    /// <summary>Too many failed attempts from this caller or at this account; try again later.</summary>
    Throttled,
}
