using System.Collections.Concurrent;
using System.Threading.Channels;

namespace Elevate.Core.Tokens;

/// <summary>What to do about one use of a token.</summary>
public enum TokenUseDecision
{
    /// <summary>Recorded recently from the same address, or queued for a background write: nothing on the request path.</summary>
    Nothing,

    /// <summary>Unknown to this instance, or a new address: look at the stored last use, and audit a first or new-address use now.</summary>
    Inspect,
}

/// <summary>
/// Remembers, per instance, when and from where each token was last seen, and queues the plain "last used" writes
/// for a background writer. Authentication stays a read: only a token's first use here, or a use from a new
/// address, touches the database on the request path (and those are audited).
/// </summary>
public sealed class TokenUseLog
{
    private readonly ConcurrentDictionary<Guid, Seen> _seen = new();
    private readonly Channel<(Guid TokenId, DateTimeOffset At)> _pending =
        Channel.CreateUnbounded<(Guid, DateTimeOffset)>(new UnboundedChannelOptions { SingleReader = true });

    private sealed record Seen(DateTimeOffset At, string? Address);

    /// <summary>Last-use writes waiting for the background writer.</summary>
    public ChannelReader<(Guid TokenId, DateTimeOffset At)> Pending => _pending.Reader;

    public TokenUseDecision Decide(Guid tokenId, DateTimeOffset now, string? address, TimeSpan interval)
    {
        while (true)
        {
            if (!_seen.TryGetValue(tokenId, out var seen))
            {
                if (_seen.TryAdd(tokenId, new Seen(now, address)))
                {
                    return TokenUseDecision.Inspect;
                }

                continue;
            }

            if (seen.Address == address && now - seen.At < interval)
            {
                return TokenUseDecision.Nothing;
            }

            if (!_seen.TryUpdate(tokenId, new Seen(now, address), seen))
            {
                continue;
            }

            if (seen.Address != address)
            {
                return TokenUseDecision.Inspect;
            }

            Touch(tokenId, now);
            return TokenUseDecision.Nothing;
        }
    }

    /// <summary>Queues a "last used at" write.</summary>
    public void Touch(Guid tokenId, DateTimeOffset at) => _pending.Writer.TryWrite((tokenId, at));
}
