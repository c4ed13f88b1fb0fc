namespace Elevate.Core.Assignments;

/// <summary>Why an assignment stopped before its planned end.</summary>
public enum EndReason
{
    /// <summary>The holder deactivated their activation.</summary>
    Deactivated,

    /// <summary>An administrator removed it.</summary>
    RemovedByAdministrator,

    /// <summary>The eligibility it was activated from was removed.</summary>
    EligibilityRemoved,

    /// <summary>The principal was disabled.</summary>
    PrincipalDisabled,

    /// <summary>The member left the group whose eligibility it was activated from.</summary>
    GroupMembershipRemoved,

    /// <summary>The request that scheduled it was canceled before it began.</summary>
    RequestCanceled,
}
