namespace Elevate.Core.Principals;

/// <summary>A user or service account in a group. Groups do not nest (see docs/adr/0004-groups-are-flat.md).</summary>
public sealed class GroupMembership
{
    public Guid GroupId { get; set; }

    public Guid MemberId { get; set; }

    public DateTimeOffset AddedAt { get; set; }
}
