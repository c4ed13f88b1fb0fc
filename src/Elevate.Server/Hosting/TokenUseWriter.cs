using Elevate.Core.Persistence;
using Elevate.Core.Tokens;
using Microsoft.EntityFrameworkCore;

namespace Elevate.Server.Hosting;

/// <summary>
/// Writes tokens' "last used at" in the background, batching whatever has queued up, so that using a token never
/// makes a request wait for a write. Not audited: the audited uses (first use, new address) are written at once.
/// </summary>
public sealed class TokenUseWriter(TokenUseLog uses, IDbContextFactory<ElevateDbContext> contexts, ILogger<TokenUseWriter> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        try
        {
            while (await uses.Pending.WaitToReadAsync(stoppingToken))
            {
                await WritePendingAsync(stoppingToken);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }

    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        await base.StopAsync(cancellationToken);
        await WritePendingAsync(cancellationToken);
    }

    private async Task WritePendingAsync(CancellationToken ct)
    {
        var latest = new Dictionary<Guid, DateTimeOffset>();
        while (uses.Pending.TryRead(out var use))
        {
            latest[use.TokenId] = latest.TryGetValue(use.TokenId, out var at) && at > use.At ? at : use.At;
        }

        if (latest.Count == 0)
        {
            return;
        }

        try
        {
            await using var db = await contexts.CreateDbContextAsync(ct);
            using var writer = await IDatabaseDialect.For(db).EnterWriteAsync(db, ct);
            await using var transaction = await db.Database.BeginTransactionAsync(ct);
            foreach (var (tokenId, at) in latest)
            {
                await db.Tokens.Where(t => t.Id == tokenId && (t.LastUsedAt == null || t.LastUsedAt < at))
                    .ExecuteUpdateAsync(s => s.SetProperty(t => t.LastUsedAt, at), ct);
            }

            await transaction.CommitAsync(ct);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            // Last-use times are informative; losing one write is better than stopping the writer.
            logger.LogWarning(e, "Writing the last use of {Count} tokens failed.", latest.Count);
        }
    }
}
