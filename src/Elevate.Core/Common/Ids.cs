namespace Elevate.Core.Common;

/// <summary>Creates identifiers. Version 7 GUIDs sort by creation time, which keeps indexes and cursors compact.</summary>
public static class Ids
{
    public static Guid New(DateTimeOffset now) => Guid.CreateVersion7(now);
}
