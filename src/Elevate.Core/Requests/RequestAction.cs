namespace Elevate.Core.Requests;

/// <summary>What a request asks for. Admin actions act on anyone's assignment; self actions on the caller's own.</summary>
public enum RequestAction
{
    /// <summary>Create an eligible or active assignment.</summary>
    AdminAssign,

    /// <summary>Change the window of an open assignment.</summary>
    AdminUpdate,

    /// <summary>End an open assignment now; removing an eligibility also ends everything activated from it.</summary>
    AdminRemove,

    /// <summary>Move the end of an open, time-bound assignment later.</summary>
    AdminExtend,

    /// <summary>Give an expired assignment a new window (a new assignment linked to the old one).</summary>
    AdminRenew,

    /// <summary>Activate an eligibility: hold the role for a bounded time.</summary>
    SelfActivate,

    /// <summary>End one's own activation now (or cancel it before it starts).</summary>
    SelfDeactivate,

    /// <summary>Extend one's own activation, or ask administrators to extend an assignment that ends soon.</summary>
    SelfExtend,

    /// <summary>Ask administrators to renew one's own expired assignment.</summary>
    SelfRenew,
}
