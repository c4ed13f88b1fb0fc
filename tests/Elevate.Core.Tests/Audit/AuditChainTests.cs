using Elevate.Core.Audit;
using Microsoft.Extensions.Time.Testing;

namespace Elevate.Core.Tests.Audit;

public sealed class AuditChainTests
{
    private static readonly DateTimeOffset Now = AuditChainBuilder.Start.AddDays(1);

    /// <summary>Every field the hash covers but the sequence (see the gap tests), with a change an attacker might make.</summary>
    private static readonly Dictionary<string, Action<AuditEvent>> Edits = new()
    {
        ["Id"] = e => e.Id = Guid.NewGuid(),
        ["OccurredAt"] = e => e.OccurredAt = e.OccurredAt.AddSeconds(-1),
        ["ActorId"] = e => e.ActorId = Guid.NewGuid(),
        ["ActorName"] = e => e.ActorName = "mallory",
        ["ActorTokenId"] = e => e.ActorTokenId = Guid.NewGuid(),
        ["Action"] = e => e.Action = "assignment.removed",
        ["Outcome"] = e => e.Outcome = AuditOutcome.Rejected,
        ["PrincipalId"] = e => e.PrincipalId = Guid.NewGuid(),
        ["PrincipalName"] = e => e.PrincipalName = "bob",
        ["RoleId"] = e => e.RoleId = Guid.NewGuid(),
        ["RoleName"] = e => e.RoleName = "Auditor",
        ["Scope"] = e => e.Scope = "/",
        ["RequestId"] = e => e.RequestId = null,
        ["AssignmentId"] = e => e.AssignmentId = Guid.NewGuid(),
        ["Justification"] = e => e.Justification = "Investigating INC-4412",
        ["TicketSystem"] = e => e.TicketSystem = null,
        ["TicketNumber"] = e => e.TicketNumber = "INC-1",
        ["ClientAddress"] = e => e.ClientAddress = "198.51.100.7",
        ["CorrelationId"] = e => e.CorrelationId = "forged",
        ["Details"] = e => e.Details = """{"kind":"eligible"}""",
    };

    public static TheoryData<string> EditableFields => [.. Edits.Keys];

    [Fact]
    public void A_correctly_built_chain_verifies()
    {
        var events = AuditChainBuilder.Build(5);

        var result = AuditChain.Verify(events, AuditChainBuilder.HeadOf(events), Now);

        Assert.True(result.Valid, result.FirstBreak?.Reason);
        Assert.Null(result.FirstBreak);
        Assert.Equal(5, result.EventsChecked);
        Assert.Equal(5, result.HeadSequence);
        Assert.Equal(events[^1].Hash, result.HeadHash);
        Assert.Equal(Now, result.VerifiedAt);
    }

    [Fact]
    public void An_empty_chain_with_a_fresh_head_verifies()
    {
        var time = new FakeTimeProvider(Now);

        var result = AuditChain.Verify([], new AuditHead(), time.GetUtcNow());

        Assert.True(result.Valid);
        Assert.Equal(0, result.EventsChecked);
        Assert.Equal(AuditHasher.GenesisHash, result.HeadHash);
    }

    [Fact]
    public void The_first_event_links_to_the_genesis_hash()
    {
        var events = AuditChainBuilder.Build(2);

        Assert.Equal(new string('0', 64), events[0].PreviousHash);
        Assert.Equal(events[0].Hash, events[1].PreviousHash);
    }

    [Theory]
    [MemberData(nameof(EditableFields))]
    public void Changing_any_field_of_an_event_is_a_hash_mismatch_at_that_event(string field)
    {
        var events = AuditChainBuilder.Build(5);
        Edits[field](events[2]);

        var result = AuditChain.Verify(events, AuditChainBuilder.HeadOf(events), Now);

        Assert.False(result.Valid);
        Assert.Equal(AuditChain.HashMismatch, result.FirstBreak!.Reason);
        Assert.Equal(3, result.FirstBreak.Sequence);
        Assert.Equal(events[2].Hash, result.FirstBreak.Actual);
        Assert.Equal(AuditHasher.Compute(events[2]), result.FirstBreak.Expected);
    }

    [Fact]
    public void Rehashing_an_edited_event_breaks_the_link_of_the_next_one()
    {
        var events = AuditChainBuilder.Build(5);
        events[2].Justification = "nothing to see";
        events[2].Hash = AuditHasher.Compute(events[2]);

        var result = AuditChain.Verify(events, AuditChainBuilder.HeadOf(events), Now);

        Assert.Equal(AuditChain.LinkMismatch, result.FirstBreak!.Reason);
        Assert.Equal(4, result.FirstBreak.Sequence);
    }

    [Fact]
    public void Deleting_an_event_in_the_middle_is_a_sequence_gap()
    {
        var events = AuditChainBuilder.Build(5);
        events.RemoveAt(2);

        var result = AuditChain.Verify(events, AuditChainBuilder.HeadOf(events), Now);

        Assert.False(result.Valid);
        Assert.Equal(AuditChain.SequenceGap, result.FirstBreak!.Reason);
        Assert.Equal(4, result.FirstBreak.Sequence);
        Assert.Equal("3", result.FirstBreak.Expected);
        Assert.Equal("4", result.FirstBreak.Actual);
    }

    [Fact]
    public void Renumbering_events_to_hide_a_deletion_is_a_link_mismatch()
    {
        var events = AuditChainBuilder.Build(5);
        events.RemoveAt(2);
        for (var i = 2; i < events.Count; i++)
        {
            events[i].Sequence = i + 1;
            events[i].Hash = AuditHasher.Compute(events[i]);
        }

        var result = AuditChain.Verify(events, AuditChainBuilder.HeadOf(events), Now);

        Assert.Equal(AuditChain.LinkMismatch, result.FirstBreak!.Reason);
        Assert.Equal(3, result.FirstBreak.Sequence);
        Assert.Equal(events[1].Hash, result.FirstBreak.Expected);
    }

    [Fact]
    public void Swapping_two_events_is_a_link_mismatch()
    {
        var events = AuditChainBuilder.Build(5);
        (events[1], events[2]) = (events[2], events[1]);
        (events[1].Sequence, events[2].Sequence) = (2, 3);
        events[1].Hash = AuditHasher.Compute(events[1]);
        events[2].Hash = AuditHasher.Compute(events[2]);

        var result = AuditChain.Verify(events, AuditChainBuilder.HeadOf(events), Now);

        Assert.Equal(AuditChain.LinkMismatch, result.FirstBreak!.Reason);
        Assert.Equal(2, result.FirstBreak.Sequence);
    }

    [Fact]
    public void Relinking_a_rewritten_event_into_the_chain_is_caught_at_the_next_event()
    {
        var events = AuditChainBuilder.Build(5);
        var forged = AuditChainBuilder.Event(3, events[1].Hash);
        forged.Action = "assignment.removed";
        AuditChainBuilder.Relink(forged, events[1].Hash);
        events[2] = forged;

        var result = AuditChain.Verify(events, AuditChainBuilder.HeadOf(events), Now);

        Assert.Equal(AuditChain.LinkMismatch, result.FirstBreak!.Reason);
        Assert.Equal(4, result.FirstBreak.Sequence);
    }

    [Fact]
    public void Removing_the_last_events_is_a_head_mismatch()
    {
        var events = AuditChainBuilder.Build(5);
        var head = AuditChainBuilder.HeadOf(events);
        events.RemoveRange(3, 2);

        var result = AuditChain.Verify(events, head, Now);

        Assert.False(result.Valid);
        Assert.Equal(AuditChain.HeadMismatch, result.FirstBreak!.Reason);
        Assert.Equal(4, result.FirstBreak.Sequence);
        Assert.Equal(head.LastHash, result.FirstBreak.Expected);
        Assert.Equal(events[^1].Hash, result.FirstBreak.Actual);
    }

    [Fact]
    public void A_head_with_an_edited_hash_is_a_head_mismatch()
    {
        var events = AuditChainBuilder.Build(3);
        var head = AuditChainBuilder.HeadOf(events);
        head.LastHash = new string('f', 64);

        var result = AuditChain.Verify(events, head, Now);

        Assert.Equal(AuditChain.HeadMismatch, result.FirstBreak!.Reason);
    }

    [Fact]
    public void Only_the_first_break_is_reported_and_later_events_are_not_checked()
    {
        var events = AuditChainBuilder.Build(5);
        events[1].ActorName = "mallory";
        events[3].ActorName = "mallory";

        var result = AuditChain.Verify(events, AuditChainBuilder.HeadOf(events), Now);

        Assert.Equal(2, result.FirstBreak!.Sequence);
        Assert.Equal(2, result.EventsChecked);
    }

    [Fact]
    public void The_hash_is_stable_for_identical_content()
    {
        var a = AuditChainBuilder.Event(7, AuditHasher.GenesisHash);
        var b = AuditChainBuilder.Event(7, AuditHasher.GenesisHash);

        Assert.Equal(AuditHasher.Compute(a), AuditHasher.Compute(b));
        Assert.Matches("^[0-9a-f]{64}$", AuditHasher.Compute(a));
    }

    [Fact]
    public void The_hash_depends_on_the_previous_hash()
    {
        var a = AuditChainBuilder.Event(7, AuditHasher.GenesisHash);
        var b = AuditChainBuilder.Event(7, new string('1', 64));

        Assert.NotEqual(AuditHasher.Compute(a), AuditHasher.Compute(b));
    }

    [Fact]
    public void The_hash_differs_when_a_missing_value_becomes_an_empty_string()
    {
        var missing = AuditChainBuilder.Event(7, AuditHasher.GenesisHash);
        missing.TicketSystem = null;
        var empty = AuditChainBuilder.Event(7, AuditHasher.GenesisHash);
        empty.TicketSystem = "";

        Assert.NotEqual(AuditHasher.Compute(missing), AuditHasher.Compute(empty));
    }

    [Fact]
    public void The_hash_does_not_depend_on_the_offset_a_time_is_given_in()
    {
        var utc = AuditChainBuilder.Event(7, AuditHasher.GenesisHash);
        var local = AuditChainBuilder.Event(7, AuditHasher.GenesisHash);
        local.OccurredAt = utc.OccurredAt.ToOffset(TimeSpan.FromHours(2));

        Assert.Equal(AuditHasher.Compute(utc), AuditHasher.Compute(local));
    }

    [Fact]
    public void Times_are_hashed_in_utc_to_the_microsecond()
    {
        var value = new DateTimeOffset(2026, 3, 2, 11, 0, 0, TimeSpan.FromHours(2)).AddTicks(1234567);

        Assert.Equal("2026-03-02T09:00:00.123456Z", AuditHasher.FormatTime(value));
    }
}
