using Elevate.Core.Audit;

namespace Elevate.Core.Tests.Audit;

/// <summary>Builds a correctly linked chain the way the writer does: each event links to the one before and is hashed.</summary>
public static class AuditChainBuilder
{
    public static readonly DateTimeOffset Start = new(2026, 3, 2, 9, 0, 0, TimeSpan.Zero);

    public static List<AuditEvent> Build(int count)
    {
        var events = new List<AuditEvent>();
        var previous = AuditHasher.GenesisHash;
        for (var sequence = 1; sequence <= count; sequence++)
        {
            var e = Event(sequence, previous);
            e.Hash = AuditHasher.Compute(e);
            events.Add(e);
            previous = e.Hash;
        }

        return events;
    }

    public static AuditHead HeadOf(IReadOnlyList<AuditEvent> events) => events.Count == 0
        ? new AuditHead()
        : new AuditHead { LastSequence = events[^1].Sequence, LastHash = events[^1].Hash };

    /// <summary>Gives <paramref name="e"/> a new previous hash and recomputes its own, as a forger would.</summary>
    public static void Relink(AuditEvent e, string previousHash)
    {
        e.PreviousHash = previousHash;
        e.Hash = AuditHasher.Compute(e);
    }

    public static AuditEvent Event(long sequence, string previousHash) => new()
    {
        Sequence = sequence,
        Id = new Guid($"00000000-0000-4000-8000-{sequence:D12}"),
        OccurredAt = Start.AddMinutes(sequence).AddTicks(12340),
        ActorId = new Guid("ca401000-0000-4000-8000-000000000003"),
        ActorName = "carol",
        ActorTokenId = null,
        Action = sequence % 2 == 0 ? "assignment.created" : "request.submitted",
        Outcome = AuditOutcome.Succeeded,
        PrincipalId = new Guid("a11ce000-0000-4000-8000-000000000001"),
        PrincipalName = "alice",
        RoleId = new Guid("db000000-0000-4000-8000-000000000005"),
        RoleName = "Database Administrator",
        Scope = "/prod/payments",
        RequestId = Guid.Parse($"11111111-0000-4000-8000-{sequence:D12}"),
        AssignmentId = Guid.Parse($"22222222-0000-4000-8000-{sequence:D12}"),
        Justification = "Investigating INC-4411",
        TicketSystem = "jira",
        TicketNumber = $"INC-{4400 + sequence}",
        ClientAddress = "192.0.2.10",
        CorrelationId = $"corr-{sequence}",
        Details = """{"kind":"active"}""",
        PreviousHash = previousHash,
    };
}
