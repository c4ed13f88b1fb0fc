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

    /// <summary>
    /// The first <paramref name="most"/> items, without deserializing the rest: a page that shows a few of an alert's
    /// up to <see cref="MaxItemsKept"/> items should not pay for all of them on every view.
    /// </summary>
    public IReadOnlyList<AlertItem> ReadItems(int most)
    {
        var items = new List<AlertItem>(Math.Max(0, most));
        var reader = new Utf8JsonReader(System.Text.Encoding.UTF8.GetBytes(Items));
        if (!reader.Read() || reader.TokenType != JsonTokenType.StartArray)
        {
            return items;
        }

        while (items.Count < most && reader.Read() && reader.TokenType == JsonTokenType.StartObject)
        {
            items.Add(JsonSerializer.Deserialize<AlertItem>(ref reader, ElevateJson.Options)!);
        }

        return items;
    }

    public static string WriteItems(IEnumerable<AlertItem> items) => JsonSerializer.Serialize(items.Take(MaxItemsKept).ToList(), ElevateJson.Options);
}
