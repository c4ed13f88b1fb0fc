using Elevate.Core.Access;
using Elevate.Core.Common;
using Elevate.Core.Persistence;
using Microsoft.EntityFrameworkCore;

namespace Elevate.Core.Audit;

/// <summary>Which events to read. Every member narrows; none set means everything.</summary>
public sealed record AuditFilter(
    DateTimeOffset? From = null,
    DateTimeOffset? To = null,
    Guid? ActorId = null,
    Guid? PrincipalId = null,
    Guid? RoleId = null,
    string? Action = null,
    AuditOutcome? Outcome = null,
    Guid? RequestId = null)
{
    public ElevateError? Validate()
    {
        if (From is { } from && To is { } to && to < from)
        {
            return ElevateError.Validation(ErrorCodes.InvalidValue, "to", "'to' is before 'from'.");
        }

        return TextRules.Check(Action, "action", 80, required: false);
    }

    public IQueryable<AuditEvent> Apply(IQueryable<AuditEvent> query)
    {
        if (From is { } from)
        {
            query = query.Where(e => e.OccurredAt >= from);
        }

        if (To is { } to)
        {
            query = query.Where(e => e.OccurredAt < to);
        }

        if (ActorId is { } actorId)
        {
            query = query.Where(e => e.ActorId == actorId);
        }

        if (PrincipalId is { } principalId)
        {
            query = query.Where(e => e.PrincipalId == principalId);
        }

        if (RoleId is { } roleId)
        {
            query = query.Where(e => e.RoleId == roleId);
        }

        if (Action is { } action)
        {
            query = query.Where(e => e.Action == action);
        }

        if (Outcome is { } outcome)
        {
            query = query.Where(e => e.Outcome == outcome);
        }

        if (RequestId is { } requestId)
        {
            query = query.Where(e => e.RequestId == requestId);
        }

        return query;
    }
}

/// <summary>
/// Reading the audit trail. Reading it is itself audited (who searched, exported or verified, with which filter):
/// an auditor's trail of the auditors.
/// </summary>
public sealed class AuditService(ChangeSets changes, Authorizer authorizer, IDbContextFactory<ElevateDbContext> contexts, TimeProvider time)
{
    /// <summary>Events newest first, a page at a time.</summary>
    public async Task<Result<Page<AuditEvent>>> SearchAsync(AuditFilter filter, string? cursor, int? limit, Actor actor, CancellationToken ct)
    {
        var size = Cursor.Limit(limit);
        var before = Cursor.DecodePosition(cursor);
        var problem = authorizer.Require(actor, Permission.ReadAudit) ?? filter.Validate() ?? size.Error ?? before.Error;
        if (problem is not null)
        {
            return problem;
        }

        await RecordReadAsync("audit.searched", new { filter, cursor }, actor, ct);
        var query = filter.Apply(changes.Db.AuditEvents.AsNoTracking());
        if (before.Value is { } position)
        {
            query = query.Where(e => e.Sequence < position);
        }

        var items = await query.OrderByDescending(e => e.Sequence).Take(size.Value + 1).ToListAsync(ct);
        var next = items.Count > size.Value ? Cursor.Encode(items[size.Value - 1].Sequence) : null;
        return new Page<AuditEvent>(items.Take(size.Value).ToList(), next);
    }

    public async Task<Result<AuditEvent>> GetAsync(long sequence, Actor actor, CancellationToken ct)
    {
        if (authorizer.Require(actor, Permission.ReadAudit) is { } denied)
        {
            return denied;
        }

        var e = await changes.Db.AuditEvents.AsNoTracking().FirstOrDefaultAsync(x => x.Sequence == sequence, ct);
        return e is null ? ElevateError.NotFound(ErrorCodes.AuditEventNotFound, "sequence", "No event has this sequence number.") : e;
    }

    /// <summary>
    /// Every matching event, oldest first, streamed from the database (never held in memory whole). The export is
    /// recorded before the first row leaves.
    /// </summary>
    public async Task<Result<IAsyncEnumerable<AuditEvent>>> ExportAsync(AuditFilter filter, string format, Actor actor, CancellationToken ct)
    {
        var problem = authorizer.Require(actor, Permission.ReadAudit) ?? filter.Validate();
        if (problem is not null)
        {
            return problem;
        }

        await RecordReadAsync("audit.exported", new { filter, format }, actor, ct);
        return Result<IAsyncEnumerable<AuditEvent>>.Success(Stream(filter, ct));
    }

    /// <summary>Walks the whole chain and records the verdict in the chain itself.</summary>
    public async Task<Result<ChainVerification>> VerifyAsync(Actor actor, CancellationToken ct)
    {
        if (authorizer.Require(actor, Permission.ReadAudit) is { } denied)
        {
            return denied;
        }

        var verification = await VerifyChainAsync(ct);
        await RecordReadAsync("audit.verified", new
        {
            verification.Valid,
            verification.EventsChecked,
            verification.HeadSequence,
            verification.FirstBreak,
        }, actor, ct);
        return verification;
    }

    public async Task<Result<AuditHead>> HeadAsync(Actor actor, CancellationToken ct)
    {
        if (authorizer.Require(actor, Permission.ReadAudit) is { } denied)
        {
            return denied;
        }

        return await changes.Db.AuditHead.AsNoTracking().SingleAsync(ct);
    }

    /// <summary>Verifies the chain up to the head as it is now; no authorisation, for jobs and benchmarks.</summary>
    public async Task<ChainVerification> VerifyChainAsync(CancellationToken ct)
    {
        await using var db = await contexts.CreateDbContextAsync(ct);
        var head = await db.AuditHead.AsNoTracking().SingleAsync(ct);
        var chain = new AuditChain();
        await foreach (var e in db.AuditEvents.AsNoTracking().Where(e => e.Sequence <= head.LastSequence).OrderBy(e => e.Sequence).AsAsyncEnumerable().WithCancellation(ct))
        {
            if (!chain.Feed(e))
            {
                break;
            }
        }

        chain.Finish(head);
        return new ChainVerification(chain.FirstBreak is null, chain.EventsChecked, head.LastSequence, head.LastHash, chain.FirstBreak, time.UtcNow());
    }

    private async IAsyncEnumerable<AuditEvent> Stream(AuditFilter filter, [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken ct)
    {
        await using var db = await contexts.CreateDbContextAsync(ct);
        await foreach (var e in filter.Apply(db.AuditEvents.AsNoTracking()).OrderBy(e => e.Sequence).AsAsyncEnumerable().WithCancellation(ct))
        {
            yield return e;
        }
    }

    private async Task RecordReadAsync(string action, object details, Actor actor, CancellationToken ct)
    {
        await using var cs = await changes.BeginAsync(actor, ct);
        cs.Audit(new AuditRecord(action) { Details = AuditDetails.Of(details) });
        var committed = await cs.CommitAsync(ct);
        if (!committed.IsSuccess)
        {
            throw new InvalidOperationException($"Recording an audit read failed: {committed.Error.Code}.");
        }
    }
}
