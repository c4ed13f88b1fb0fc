namespace Elevate.Core.Assignments;

/// <summary>What an assignment gives.</summary>
public enum AssignmentKind
{
    /// <summary>The right to activate the role at the scope, within the assignment's window.</summary>
    Eligible,

    /// <summary>The role itself, held during the assignment's window.</summary>
    Active,
}
