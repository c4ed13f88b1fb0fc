using System.Collections.Concurrent;

namespace Elevate.Core.Tokens;

/// <summary>Remembers, per instance, when each token's use was last recorded.</summary>
public sealed class TokenUseThrottle
{
    private readonly ConcurrentDictionary<Guid, DateTimeOffset> _lastRecorded = new();

    /// <summary>True (and remembers <paramref name="now"/>) when the last record is older than <paramref name="interval"/>.</summary>
    public bool ShouldRecord(Guid tokenId, DateTimeOffset now, TimeSpan interval)
    {
        while (true)
        {
            if (!_lastRecorded.TryGetValue(tokenId, out var last))
            {
                if (_lastRecorded.TryAdd(tokenId, now))
                {
                    return true;
                }

                continue;
            }

            if (now - last < interval)
            {
                return false;
            }

            if (_lastRecorded.TryUpdate(tokenId, now, last))
            {
                return true;
            }
        }
    }
}
