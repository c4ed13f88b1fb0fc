namespace Elevate.Core.Persistence;

/// <summary>
/// An entity the in-memory access index mirrors. Every committed change stamps it with the audit sequence number
/// of the change set that wrote it, so each instance can pick up exactly what changed since it last looked.
/// </summary>
public interface IChangeStamped
{
    long ChangeSeq { get; set; }
}

/// <summary>An entity whose updates are guarded by an optimistic version (also its ETag).</summary>
public interface IVersioned
{
    int Version { get; set; }
}
