namespace Elevate.Core.Audit;

/// <summary>How the audited action ended.</summary>
public enum AuditOutcome
{
    /// <summary>It happened.</summary>
    Succeeded,

    /// <summary>A rule refused it; nothing changed but this record.</summary>
    Rejected,

    /// <summary>It was attempted and failed (e.g. a provisioning call that will be retried).</summary>
    Failed,
}
