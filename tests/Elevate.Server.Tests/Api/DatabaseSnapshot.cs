using Microsoft.EntityFrameworkCore;

namespace Elevate.Server.Tests.Api;

/// <summary>
/// What a refused request must leave as it was: the row count of every table a request can write, the sum of the
/// optimistic versions (so an in-place update shows too) and the head of the audit chain (so an audited attempt shows).
/// Two snapshots taken around a request are equal exactly when it changed nothing that a test can see.
/// </summary>
public sealed record DatabaseSnapshot(
    int Principals,
    int GroupMemberships,
    int Roles,
    int RoleSettings,
    int Assignments,
    int Requests,
    int Tokens,
    int SetupSecrets,
    int AccessReviews,
    int ReviewInstances,
    int ReviewItems,
    int ReviewDecisions,
    long Versions,
    long AuditHeadSequence,
    string AuditHeadHash)
{
    public static async Task<DatabaseSnapshot> TakeAsync(Infrastructure.TestDatabase database)
    {
        await using var db = database.OpenContext();
        var head = await db.AuditHead.AsNoTracking().SingleAsync();
        var versions = await db.Principals.SumAsync(p => (long)p.Version)
            + await db.Roles.SumAsync(r => (long)r.Version)
            + await db.RoleSettings.SumAsync(s => (long)s.Version)
            + await db.Assignments.SumAsync(a => (long)a.Version)
            + await db.Requests.SumAsync(r => (long)r.Version)
            + await db.AccessReviews.SumAsync(r => (long)r.Version)
            + await db.ReviewInstances.SumAsync(i => (long)i.Version)
            + await db.ReviewItems.SumAsync(i => (long)i.Version);
        return new DatabaseSnapshot(
            await db.Principals.CountAsync(),
            await db.GroupMemberships.CountAsync(),
            await db.Roles.CountAsync(),
            await db.RoleSettings.CountAsync(),
            await db.Assignments.CountAsync(),
            await db.Requests.CountAsync(),
            await db.Tokens.CountAsync(),
            await db.SetupSecrets.CountAsync(),
            await db.AccessReviews.CountAsync(),
            await db.ReviewInstances.CountAsync(),
            await db.ReviewItems.CountAsync(),
            await db.ReviewDecisions.CountAsync(),
            versions,
            head.LastSequence,
            head.LastHash);
    }
}
