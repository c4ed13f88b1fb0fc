using Elevate.Core.Common;

namespace Elevate.Core.Audit;

/// <summary>
/// Turns audit records into the next links of the chain: each event gets the next sequence number, the previous
/// event's hash and its own hash. Start it from the locked head; afterwards its position is the new head.
/// </summary>
public sealed class AuditChainWriter(long lastSequence, string lastHash)
{
    public long LastSequence { get; private set; } = lastSequence;

    public string LastHash { get; private set; } = lastHash;

    public AuditEvent Next(AuditRecord record, Actor actor, DateTimeOffset at)
    {
        var e = new AuditEvent
        {
            Sequence = LastSequence + 1,
            Id = Ids.New(at),
            OccurredAt = at,
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
        return e;
    }
}
