using Elevate.Core.Audit;
using Elevate.Core.Common;

namespace Elevate.Bench.Seeding;

/// <summary>
/// Turns audit records into chained events after the current head, field for field as ChangeSet does when it commits,
/// hashed with <see cref="AuditHasher"/>. After the events are written, <see cref="LastSequence"/> and
/// <see cref="LastHash"/> are the new head.
/// </summary>
public sealed class AuditChainBuilder(AuditHead head)
{
    public long LastSequence { get; private set; } = head.LastSequence;

    public string LastHash { get; private set; } = head.LastHash;

    public IEnumerable<AuditEvent> Chain(IEnumerable<AuditRecord> records, Actor actor, DateTimeOffset at)
    {
        var now = Clock.Truncate(at);
        foreach (var record in records)
        {
            var e = new AuditEvent
            {
                Sequence = LastSequence + 1,
                Id = Ids.New(now),
                OccurredAt = now,
                ActorId = actor.PrincipalId,
                ActorName = actor.Name,
                ActorTokenId = actor.TokenId,
                Action = record.Action,
                Outcome = record.Outcome,
                PrincipalId = record.PrincipalId,
                PrincipalName = record.PrincipalName,
                RoleId = record.RoleId,
                RoleName = record.RoleName,
                Scope = record.Scope,
                RequestId = record.RequestId,
                AssignmentId = record.AssignmentId,
                Justification = record.Justification,
                TicketSystem = record.TicketSystem,
                TicketNumber = record.TicketNumber,
                ClientAddress = actor.ClientAddress,
                CorrelationId = actor.CorrelationId,
                Details = record.Details,
                PreviousHash = LastHash,
            };
            e.Hash = AuditHasher.Compute(e);
            LastSequence = e.Sequence;
            LastHash = e.Hash;
            yield return e;
        }
    }
}
