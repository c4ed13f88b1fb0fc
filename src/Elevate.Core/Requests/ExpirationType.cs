namespace Elevate.Core.Requests;

/// <summary>How a requested window ends (the names follow Microsoft Graph's scheduleInfo).</summary>
public enum ExpirationType
{
    /// <summary>Permanent.</summary>
    NoExpiration,

    /// <summary>At a given time.</summary>
    AfterDateTime,

    /// <summary>After an ISO 8601 duration from the start.</summary>
    AfterDuration,
}
