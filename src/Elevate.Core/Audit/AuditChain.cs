namespace Elevate.Core.Audit;

/// <summary>Where and how the chain stops being what was written.</summary>
public sealed record ChainBreak(long Sequence, string Reason, string? Expected, string? Actual);

/// <summary>The result of walking the chain.</summary>
public sealed record ChainVerification(bool Valid, long EventsChecked, long HeadSequence, string HeadHash, ChainBreak? FirstBreak, DateTimeOffset VerifiedAt);

/// <summary>
/// Walks events in sequence order and reports the first one that does not match: its content was changed
/// (<c>hash_mismatch</c>), an event before it was removed or reordered (<c>sequence_gap</c>, <c>link_mismatch</c>), or
/// the end of the chain disagrees with the head (<c>head_mismatch</c>: events removed from the end, or the head edited).
/// </summary>
public sealed class AuditChain
{
    public const string HashMismatch = "hash_mismatch";
    public const string LinkMismatch = "link_mismatch";
    public const string SequenceGap = "sequence_gap";
    public const string HeadMismatch = "head_mismatch";

    private long _lastSequence;
    private string _lastHash = AuditHasher.GenesisHash;

    public long EventsChecked { get; private set; }

    public ChainBreak? FirstBreak { get; private set; }

    /// <summary>Checks the next event; returns false once a break is found (later events are not looked at).</summary>
    public bool Feed(AuditEvent e)
    {
        if (FirstBreak is not null)
        {
            return false;
        }

        EventsChecked++;
        if (e.Sequence != _lastSequence + 1)
        {
            FirstBreak = new ChainBreak(e.Sequence, SequenceGap, (_lastSequence + 1).ToString(System.Globalization.CultureInfo.InvariantCulture), e.Sequence.ToString(System.Globalization.CultureInfo.InvariantCulture));
            return false;
        }

        if (e.PreviousHash != _lastHash)
        {
            FirstBreak = new ChainBreak(e.Sequence, LinkMismatch, _lastHash, e.PreviousHash);
            return false;
        }

        var computed = AuditHasher.Compute(e);
        if (computed != e.Hash)
        {
            FirstBreak = new ChainBreak(e.Sequence, HashMismatch, computed, e.Hash);
            return false;
        }

        _lastSequence = e.Sequence;
        _lastHash = e.Hash;
        return true;
    }

    /// <summary>Compares the end of the walk with the head, after every event up to it was fed.</summary>
    public void Finish(AuditHead head)
    {
        if (FirstBreak is null && (head.LastSequence != _lastSequence || head.LastHash != _lastHash))
        {
            FirstBreak = new ChainBreak(Math.Min(head.LastSequence, _lastSequence + 1), HeadMismatch, head.LastHash, _lastHash);
        }
    }

    public static ChainVerification Verify(IEnumerable<AuditEvent> events, AuditHead head, DateTimeOffset now)
    {
        var chain = new AuditChain();
        foreach (var e in events)
        {
            if (!chain.Feed(e))
            {
                break;
            }
        }

        chain.Finish(head);
        return new ChainVerification(chain.FirstBreak is null, chain.EventsChecked, head.LastSequence, head.LastHash, chain.FirstBreak, now);
    }
}
