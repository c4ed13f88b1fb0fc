using System.Text.Json;
using Elevate.Core.Common.Json;

namespace Elevate.Core.Alerts;

public enum AlertStatus
{
    /// <summary>The condition holds and nobody dismissed it.</summary>
    Open,

    /// <summary>The condition held; someone judged it acceptable, with a reason. New items reopen it.</summary>
    Dismissed,

    /// <summary>The condition is gone (fixed, or resolved by itself). History: never deleted.</summary>
    Resolved,
}

/// <summary>One thing an alert is about: a principal's assignment, a role, a message.</summary>
public sealed record AlertItem(
    string Key,
    Guid? PrincipalId = null,
    string? Principal = null,
    Guid? RoleId = null,
    string? Role = null,
    string? Scope = null,
    Guid? AssignmentId = null,
    string? Detail = null);

/// <summary>
/// One security alert: a finding of one catalogue type, the exact items it found, and what became of it. At most one
/// alert of a type is open or dismissed at a time; a resolved one stays as history and a new one is raised if the
/// condition returns.
/// </summary>
public sealed class SecurityAlert : Persistence.IVersioned
{
    /// <summary>How many items an alert keeps (the count is always exact).</summary>
    public const int MaxItemsKept = 500;

    public Guid Id { get; set; }

    public AlertType Type { get; set; }

    public AlertSeverity Severity { get; set; }

    public AlertStatus Status { get; set; }

    /// <summary>The items found at the last evaluation, as JSON (at most <see cref="MaxItemsKept"/>).</summary>
    public string Items { get; set; } = "[]";

    public int ItemCount { get; set; }

    /// <summary>Items a dismissal accepted (their keys, as far as kept); an item outside them reopens the alert.</summary>
    public string DismissedKeys { get; set; } = "[]";

    /// <summary>How many items there were when the alert was dismissed: more than that reopens it, kept or not.</summary>
    public int DismissedItemCount { get; set; }

    public DateTimeOffset RaisedAt { get; set; }

    public DateTimeOffset UpdatedAt { get; set; }

    public DateTimeOffset? ResolvedAt { get; set; }

    public DateTimeOffset? DismissedAt { get; set; }

    public Guid? DismissedById { get; set; }

    public string? DismissReason { get; set; }

    public int Version { get; set; }

    public IReadOnlyList<AlertItem> ReadItems() => JsonSerializer.Deserialize<List<AlertItem>>(Items, ElevateJson.Options) ?? [];

    public static string WriteItems(IEnumerable<AlertItem> items) => JsonSerializer.Serialize(items.Take(MaxItemsKept).ToList(), ElevateJson.Options);
}
