namespace Elevate.Core.Audit;

/// <summary>
/// The single row that names the chain's last event. Every change set locks it first, which serialises writers:
/// sequence numbers are therefore gap-free and in commit order, and each event links to the one committed before it.
/// </summary>
public sealed class AuditHead
{
    public const int SingletonId = 1;

    public int Id { get; set; } = SingletonId;

    public long LastSequence { get; set; }

    public string LastHash { get; set; } = AuditHasher.GenesisHash;
}
