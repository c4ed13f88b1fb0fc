namespace Elevate.Core.Assignments;

/// <summary>How an assignment came to be.</summary>
public enum AssignmentOrigin
{
    /// <summary>An administrator assigned it (adminAssign or adminRenew).</summary>
    Administrator,

    /// <summary>Its holder activated an eligibility (selfActivate); always time-bound.</summary>
    Activation,
}
