using Elevate.Core.Persistence;

namespace Elevate.Core.Settings;

/// <summary>The stored settings document of a role at a scope.</summary>
public sealed class RoleSettingsRecord : IVersioned, IChangeStamped
{
    public Guid Id { get; set; }

    public Guid RoleId { get; set; }

    public string Scope { get; set; } = "/";

    public RoleSettings Settings { get; set; } = RoleSettings.Default;

    public DateTimeOffset UpdatedAt { get; set; }

    public Guid? UpdatedById { get; set; }

    public int Version { get; set; }

    public long ChangeSeq { get; set; }
}
