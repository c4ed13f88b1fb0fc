using Elevate.Core.Assignments;
using Elevate.Core.Audit;
using Elevate.Core.Common;
using Elevate.Core.Persistence;
using Elevate.Core.Principals;
using Elevate.Core.Requests;
using Microsoft.EntityFrameworkCore;

namespace Elevate.Core.Reviews;

/// <summary>What one look at the review schedule did.</summary>
public sealed record ReviewPass(int Started, int Reminded, int Closed, int Applied)
{
    public int Total => Started + Reminded + Closed + Applied;
}

/// <summary>
/// The life of review instances: start (snapshot the items, resolve reviewers, make recommendations), remind,
/// close (give undecided items the default) and apply (removals through adminRemove requests). The durable scheduler
/// runs what is due; administrators close and apply early through <see cref="ReviewService"/>. Every step re-reads
/// what it acts on under the change-set lock, so with several instances each step happens once.
/// </summary>
public sealed class ReviewRunner(ChangeSets changes, RequestService requests, DirectoryService directory, TimeProvider time)
{
    public const string ApplyJustification = "Access review";

    private const int Chunk = 2000;

    /// <summary>The earliest moment something about reviews falls due, or null.</summary>
    public async Task<DateTimeOffset?> NextDueAsync(CancellationToken ct)
    {
        var db = changes.Db;
        var start = await db.AccessReviews.Where(r => r.Status == ReviewStatus.Active && r.NextStartAt != null).MinAsync(r => r.NextStartAt, ct);
        var end = await db.ReviewInstances.Where(i => i.Status == InstanceStatus.InProgress).MinAsync(i => (DateTimeOffset?)i.EndsAt, ct);
        var reminder = await db.ReviewInstances.Where(i => i.Status == InstanceStatus.InProgress && i.ReminderAt != null).MinAsync(i => i.ReminderAt, ct);
        var apply = await db.ReviewInstances.Where(i => i.ApplyAt != null && i.Status == InstanceStatus.Closed).MinAsync(i => i.ApplyAt, ct);
        return new[] { start, end, reminder, apply }.Where(d => d is not null).Min();
    }

    /// <summary>Does everything due at <paramref name="now"/>: closes and automatic applies first (an instance ends before the next starts), then starts and reminders.</summary>
    public async Task<ReviewPass> RunDueAsync(DateTimeOffset now, CancellationToken ct)
    {
        var db = changes.Db;
        var ending = await db.ReviewInstances.AsNoTracking().Where(i => i.Status == InstanceStatus.InProgress && i.EndsAt <= now).OrderBy(i => i.EndsAt).Select(i => i.Id).ToListAsync(ct);
        var closed = 0;
        foreach (var id in ending)
        {
            closed += (await CloseAsync(id, Actor.System("reviews"), early: false, ct)).IsSuccess ? 1 : 0;
        }

        var applying = await db.ReviewInstances.AsNoTracking().Where(i => i.ApplyAt != null && i.ApplyAt <= now && i.Status == InstanceStatus.Closed).Select(i => i.Id).ToListAsync(ct);
        var applied = 0;
        foreach (var id in applying)
        {
            applied += await AutoApplyAsync(id, ct) ? 1 : 0;
        }

        var starting = await db.AccessReviews.AsNoTracking().Where(r => r.Status == ReviewStatus.Active && r.NextStartAt != null && r.NextStartAt <= now)
            .OrderBy(r => r.NextStartAt).Select(r => r.Id).ToListAsync(ct);
        var started = 0;
        foreach (var id in starting)
        {
            started += await StartAsync(id, ct) ? 1 : 0;
        }

        var reminding = await db.ReviewInstances.AsNoTracking().Where(i => i.Status == InstanceStatus.InProgress && i.ReminderAt != null && i.ReminderAt <= now && i.EndsAt > now)
            .Select(i => i.Id).ToListAsync(ct);
        var reminded = 0;
        foreach (var id in reminding)
        {
            reminded += await RemindAsync(id, ct) ? 1 : 0;
        }

        return new ReviewPass(started, reminded, closed, applied);
    }

    /// <summary>Starts the review's next instance if it is (still) due: snapshots its items and schedules the next one.</summary>
    /// <remarks>
    /// The snapshot is read before the write lock is taken (ADR 9): on a large instance that read takes seconds, and
    /// every other write would wait for it. Under the lock the review is checked to be unchanged (same version, still
    /// due); otherwise nothing is written and the next pass starts over. An assignment that ends between the read and
    /// the lock is an item whose access ended during the review, as one ending a minute later would be.
    /// </remarks>
    public async Task<bool> StartAsync(Guid reviewId, CancellationToken ct)
    {
        var seen = await changes.Db.AccessReviews.AsNoTracking().FirstOrDefaultAsync(r => r.Id == reviewId, ct);
        var readAt = time.UtcNow();
        if (seen is not { Status: ReviewStatus.Active, NextStartAt: { } due } || due > readAt)
        {
            return false;
        }

        var instanceId = Ids.New(readAt);
        var seenDefinition = seen.Read();
        var snapshot = due + TimeSpan.FromDays(seenDefinition.Schedule.DurationDays) > readAt
            ? await SnapshotAsync(changes.Db, new ReviewInstance { Id = instanceId }, seenDefinition, readAt, ct)
            : [];

        await using var cs = await changes.BeginAsync(Actor.System("reviews"), ct);
        var review = await cs.Db.AccessReviews.FirstOrDefaultAsync(r => r.Id == reviewId, ct);
        if (review is not { Status: ReviewStatus.Active, NextStartAt: { } at } || at > cs.Now || review.Version != seen.Version)
        {
            return false;
        }

        var definition = review.Read();
        var duration = TimeSpan.FromDays(definition.Schedule.DurationDays);
        if (at + duration <= cs.Now)
        {
            // Elevate was down for this instance's whole window: starting it now would close it at once and apply
            // defaults nobody had a chance to review. It is skipped, on the record, and the schedule moves on.
            review.NextStartAt = ReviewRecurrence.NextStart(definition.Schedule, review.InstancesStarted, at, cs.Now);
            if (review.NextStartAt is null && !await cs.Db.ReviewInstances.AnyAsync(i => i.ReviewId == review.Id && i.Status == InstanceStatus.InProgress, ct))
            {
                review.Status = ReviewStatus.Completed;
            }

            review.UpdatedAt = cs.Now;
            cs.Audit(new AuditRecord("review.skipped")
            {
                Outcome = AuditOutcome.Failed,
                Details = AuditDetails.Of(new { reviewId = review.Id, review = review.Name, scheduledAt = at, endedAt = at + duration, nextStartAt = review.NextStartAt }),
            });
            return (await cs.CommitAsync(ct)).IsSuccess;
        }

        var instance = new ReviewInstance
        {
            Id = instanceId,
            ReviewId = review.Id,
            Number = review.InstancesStarted + 1,
            Status = InstanceStatus.InProgress,
            StartsAt = at,
            EndsAt = at + duration,
            Definition = review.Definition,
        };
        var items = snapshot;
        instance.ItemCount = items.Count;
        instance.ReminderAt = ReviewRules.NextReminder(definition.Reminders, instance.EndsAt, cs.Now);
        cs.Db.ReviewInstances.Add(instance);
        cs.Db.ReviewItems.AddRange(items.Select(i => i.Item));
        cs.Db.ReviewItemReviewers.AddRange(items.SelectMany(i => i.Reviewers));

        review.InstancesStarted++;
        review.NextStartAt = ReviewRecurrence.NextStart(definition.Schedule, review.InstancesStarted, at, cs.Now);
        review.UpdatedAt = cs.Now;
        var withoutReviewer = items.Count(i => i.Reviewers.All(r => r.Stage != 1));
        cs.Audit(new AuditRecord("review.started")
        {
            Details = AuditDetails.Of(new
            {
                reviewId = review.Id,
                review = review.Name,
                instanceId = instance.Id,
                number = instance.Number,
                items = items.Count,
                withoutReviewer,
                endsAt = instance.EndsAt,
                nextStartAt = review.NextStartAt,
            }),
        });
        var committed = await cs.CommitAsync(ct);
        return committed.IsSuccess;
    }

    /// <summary>Tells reviewers with undecided items that the end is near, and schedules the next reminder.</summary>
    public async Task<bool> RemindAsync(Guid instanceId, CancellationToken ct)
    {
        await using var cs = await changes.BeginAsync(Actor.System("reviews"), ct);
        var instance = await cs.Db.ReviewInstances.FirstOrDefaultAsync(i => i.Id == instanceId, ct);
        if (instance is not { Status: InstanceStatus.InProgress, ReminderAt: { } due } || due > cs.Now)
        {
            return false;
        }

        var review = await cs.Db.AccessReviews.AsNoTracking().FirstAsync(r => r.Id == instance.ReviewId, ct);
        instance.ReminderAt = ReviewRules.NextReminder(instance.Read().Reminders, instance.EndsAt, cs.Now);
        var undecided = await cs.Db.ReviewItems.CountAsync(i => i.InstanceId == instanceId && i.Decision == null, ct);
        cs.Audit(new AuditRecord("review.reminder")
        {
            Details = AuditDetails.Of(new { reviewId = review.Id, review = review.Name, instanceId, number = instance.Number, undecided, endsAt = instance.EndsAt }),
        });
        return (await cs.CommitAsync(ct)).IsSuccess;
    }

    /// <summary>
    /// Closes an instance: every item gets its result (the reviewers' approval or denial, else the default), access
    /// that ended meanwhile is marked, and an automatic apply is scheduled when the review asks for one.
    /// </summary>
    public async Task<Result<ReviewInstance>> CloseAsync(Guid instanceId, Actor actor, bool early, CancellationToken ct)
    {
        await using var cs = await changes.BeginAsync(actor, ct);
        var instance = await cs.Db.ReviewInstances.FirstOrDefaultAsync(i => i.Id == instanceId, ct);
        if (instance is null)
        {
            return ElevateError.NotFound(ErrorCodes.ReviewNotFound, "id", "No such review instance.");
        }

        if (instance.Status != InstanceStatus.InProgress || (!early && instance.EndsAt > cs.Now))
        {
            return ElevateError.Conflict(ErrorCodes.ReviewNotInProgress, "The review instance is already closed.");
        }

        var review = await cs.Db.AccessReviews.FirstAsync(r => r.Id == instance.ReviewId, ct);
        await CloseAndRecordAsync(cs, review, instance, actor, early, reason: null, ct);
        if (review.Status == ReviewStatus.Active && review.NextStartAt is null)
        {
            review.Status = ReviewStatus.Completed;
            review.UpdatedAt = cs.Now;
        }

        var committed = await cs.CommitAsync(ct);
        return committed.IsSuccess ? instance : committed.Error;
    }

    /// <summary>Closes an instance inside the caller's change set and records it (<c>review.closed</c>, with the results).</summary>
    internal static async Task CloseAndRecordAsync(ChangeSet cs, AccessReview review, ReviewInstance instance, Actor actor, bool early, string? reason, CancellationToken ct)
    {
        await CloseAsync(cs, instance, actor, early, ct);
        var summary = await SummaryAsync(cs.Db, instance, ct);
        cs.Audit(new AuditRecord("review.closed")
        {
            Justification = reason,
            Details = AuditDetails.Of(new
            {
                reviewId = review.Id,
                review = review.Name,
                instanceId = instance.Id,
                number = instance.Number,
                early,
                summary.Items,
                summary.Approved,
                summary.Denied,
                summary.NotReviewed,
                summary.ByDefault,
                summary.ToRemove,
                summary.AlreadyGone,
                autoApply = instance.ApplyAt is not null,
            }),
        });
    }

    /// <summary>
    /// Gives every item of a closing instance its result, in a handful of set-based updates inside the caller's change
    /// set (an instance can hold a hundred thousand items, and the change set holds the write lock): one update per
    /// combination of decision and recommendation, then the items whose access ended meanwhile.
    /// </summary>
    internal static async Task CloseAsync(ChangeSet cs, ReviewInstance instance, Actor actor, bool early, CancellationToken ct)
    {
        var definition = instance.Read();
        var items = cs.Db.ReviewItems.Where(i => i.InstanceId == instance.Id);
        ReviewVerdict?[] verdicts = [null, ReviewVerdict.Approve, ReviewVerdict.Deny, ReviewVerdict.DontKnow];
        foreach (var decision in verdicts)
        {
            foreach (var recommendation in verdicts)
            {
                var (result, isDefault) = ReviewRules.Close(decision, recommendation, definition.DefaultDecision);
                var outcome = result == ReviewResult.Denied ? ReviewOutcome.Pending : ReviewOutcome.Kept;
                await items.Where(i => i.Decision == decision && i.Recommendation == recommendation).ExecuteUpdateAsync(set => set
                    .SetProperty(i => i.Result, result)
                    .SetProperty(i => i.ResultIsDefault, isDefault)
                    .SetProperty(i => i.Outcome, outcome)
                    .SetProperty(i => i.OutcomeDetail, (string?)null)
                    .SetProperty(i => i.Version, i => i.Version + 1), ct);
            }
        }

        var keys = await items.AsNoTracking().Select(i => new ItemKey(i.Id, i.AssignmentId, i.ViaGroupId, i.PrincipalId)).ToListAsync(ct);
        foreach (var chunk in (await GoneAsync(cs.Db, keys, ct)).Chunk(Chunk))
        {
            await items.Where(i => chunk.Contains(i.Id)).ExecuteUpdateAsync(set => set
                .SetProperty(i => i.Outcome, ReviewOutcome.AlreadyGone)
                .SetProperty(i => i.OutcomeDetail, "The access ended while the review was in progress."), ct);
        }

        instance.Status = InstanceStatus.Closed;
        instance.ClosedAt = cs.Now;
        instance.ClosedById = early ? actor.PrincipalId : null;
        instance.ReminderAt = null;
        if (!await items.AnyAsync(i => i.Outcome == ReviewOutcome.Pending, ct))
        {
            // Nothing to remove: the results are applied as they stand.
            instance.Status = InstanceStatus.Applied;
            instance.AppliedAt = cs.Now;
            var now = cs.Now;
            await items.ExecuteUpdateAsync(set => set.SetProperty(i => i.AppliedAt, now), ct);
        }
        else if (definition.AutoApply)
        {
            instance.ApplyAt = cs.Now;
        }
    }

    /// <summary>Counts of an instance's results.</summary>
    public sealed record Summary(int Items, int Approved, int Denied, int NotReviewed, int ByDefault, int ToRemove, int AlreadyGone, int Removed, int Failed);

    /// <summary>The counts, from the items this context tracks (an apply's unsaved outcomes) or else counted by the database.</summary>
    internal static async Task<Summary> SummaryAsync(ElevateDbContext db, ReviewInstance instance, CancellationToken ct)
    {
        var local = db.ReviewItems.Local.Where(i => i.InstanceId == instance.Id).ToList();
        var groups = local.Count > 0
            ? [.. local.GroupBy(i => (i.Result, i.ResultIsDefault, i.Outcome)).Select(g => (g.Key.Result, g.Key.ResultIsDefault, g.Key.Outcome, Count: g.Count()))]
            : (await db.ReviewItems.AsNoTracking().Where(i => i.InstanceId == instance.Id)
                .GroupBy(i => new { i.Result, i.ResultIsDefault, i.Outcome })
                .Select(g => new { g.Key.Result, g.Key.ResultIsDefault, g.Key.Outcome, Count = g.Count() }).ToListAsync(ct))
                .Select(g => (g.Result, g.ResultIsDefault, g.Outcome, g.Count)).ToList();
        int Sum(Func<(ReviewResult? Result, bool IsDefault, ReviewOutcome Outcome, int Count), bool> which) => groups.Where(which).Sum(g => g.Count);
        return new Summary(Sum(_ => true), Sum(g => g.Result == ReviewResult.Approved), Sum(g => g.Result == ReviewResult.Denied),
            Sum(g => g.Result == ReviewResult.NotReviewed), Sum(g => g.IsDefault), Sum(g => g.Outcome == ReviewOutcome.Pending),
            Sum(g => g.Outcome == ReviewOutcome.AlreadyGone), Sum(g => g.Outcome == ReviewOutcome.Removed), Sum(g => g.Outcome == ReviewOutcome.Failed));
    }

    /// <summary>Applies a closed instance whose automatic apply is due, with the authority of whoever last set the review's definition.</summary>
    private async Task<bool> AutoApplyAsync(Guid instanceId, CancellationToken ct)
    {
        // Claim it: of several instances, one applies.
        Guid appliesAs;
        await using (var cs = await changes.BeginAsync(Actor.System("reviews"), ct))
        {
            var instance = await cs.Db.ReviewInstances.FirstOrDefaultAsync(i => i.Id == instanceId, ct);
            // An instance applied meanwhile by an administrator has nothing left to apply.
            if (instance is not { ApplyAt: { } due, Status: InstanceStatus.Closed } || due > cs.Now)
            {
                return false;
            }

            instance.ApplyAt = null;

            var review = await cs.Db.AccessReviews.AsNoTracking().FirstAsync(r => r.Id == instance.ReviewId, ct);
            appliesAs = review.AppliesAsId ?? review.CreatedById ?? review.OwnerId;
            cs.Audit(new AuditRecord("review.apply_started")
            {
                Details = AuditDetails.Of(new { reviewId = review.Id, review = review.Name, instanceId, number = instance.Number, automatic = true, appliesAs }),
            });
            if (!(await cs.CommitAsync(ct)).IsSuccess)
            {
                return false;
            }
        }

        var writer = await changes.Db.Principals.AsNoTracking().FirstOrDefaultAsync(p => p.Id == appliesAs, ct);
        var actor = new Actor(appliesAs, writer?.Name ?? appliesAs.ToString(), CorrelationId: $"access-review:{instanceId:N}");
        await ApplyAsync(instanceId, actor, automatic: true, ct);
        return true;
    }

    /// <summary>
    /// Applies a closed instance's denials: each through an adminRemove request made by <paramref name="actor"/> (so it
    /// is authorised, cascades, is audited and notified like any removal), or, for a member's access through a group,
    /// by taking the member out of the group. Each removal is made once: its request carries the item as its
    /// idempotency key. A refused removal is reported on its item, and applying again retries it.
    /// </summary>
    public async Task<Result<Summary>> ApplyAsync(Guid instanceId, Actor actor, bool automatic, CancellationToken ct)
    {
        var db = changes.Db;
        var instance = await db.ReviewInstances.AsNoTracking().FirstOrDefaultAsync(i => i.Id == instanceId, ct);
        if (instance is null)
        {
            return ElevateError.NotFound(ErrorCodes.ReviewNotFound, "id", "No such review instance.");
        }

        if (instance.Status != InstanceStatus.Closed)
        {
            return ElevateError.Conflict(ErrorCodes.ReviewNotClosed,
                instance.Status == InstanceStatus.InProgress ? "The review instance is still in progress; close it first." : "The results are already applied.");
        }

        var review = await db.AccessReviews.AsNoTracking().FirstAsync(r => r.Id == instance.ReviewId, ct);
        var denied = await db.ReviewItems.AsNoTracking()
            .Where(i => i.InstanceId == instanceId && (i.Outcome == ReviewOutcome.Pending || i.Outcome == ReviewOutcome.Failed))
            .OrderBy(i => i.Id).ToListAsync(ct);
        var outcomes = new Dictionary<Guid, (ReviewOutcome Outcome, string? Detail, Guid? RequestId)>();
        foreach (var item in denied)
        {
            outcomes[item.Id] = item.ViaGroupId is { } groupId
                ? await RemoveMemberAsync(item, groupId, actor, ct)
                : await RemoveAssignmentAsync(item, review, instance, actor, ct);
        }

        await using var cs = await changes.BeginAsync(actor, ct);
        var tracked = await cs.Db.ReviewInstances.FirstAsync(i => i.Id == instanceId, ct);
        var items = await cs.Db.ReviewItems.Where(i => i.InstanceId == instanceId).ToListAsync(ct);

        // Under the lock, the removals this review's requests made are known for certain: an apply running at the same
        // time may have made one that this apply then found gone.
        var keys = outcomes.Keys.Select(Key).ToList();
        var targets = items.Where(i => outcomes.ContainsKey(i.Id)).Select(i => (Guid?)i.AssignmentId).Distinct().ToList();
        var made = await cs.Db.Requests.AsNoTracking()
            .Where(r => targets.Contains(r.TargetAssignmentId) && keys.Contains(r.IdempotencyKey!) && r.Action == RequestAction.AdminRemove && r.Status == RequestStatus.Provisioned)
            .Select(r => new { r.IdempotencyKey, r.Id }).ToListAsync(ct);
        foreach (var item in items)
        {
            if (outcomes.TryGetValue(item.Id, out var found) && found.Detail is { Length: > 1000 } detail)
            {
                outcomes[item.Id] = found with { Detail = detail[..1000] };
            }

            if (made.Find(m => m.IdempotencyKey == Key(item.Id)) is { } removal)
            {
                (item.Outcome, item.OutcomeDetail, item.RemovalRequestId) = (ReviewOutcome.Removed, null, removal.Id);
            }
            else if (outcomes.TryGetValue(item.Id, out var outcome)
                && (item.Outcome is ReviewOutcome.Pending or ReviewOutcome.Failed || (outcome.Outcome == ReviewOutcome.Removed && item.Outcome == ReviewOutcome.AlreadyGone)))
            {
                (item.Outcome, item.OutcomeDetail, item.RemovalRequestId) = (outcome.Outcome, outcome.Detail, outcome.RequestId ?? item.RemovalRequestId);
            }

            item.AppliedAt ??= item.Outcome is ReviewOutcome.Pending or ReviewOutcome.Failed ? null : cs.Now;
        }

        if (tracked.Status != InstanceStatus.Closed)
        {
            // Another apply finished first and recorded the outcomes (its removals and ours are the same requests).
            return ElevateError.Conflict(ErrorCodes.ReviewNotClosed, "The results were applied meanwhile.");
        }

        tracked.ApplyAt = null;
        var failed = items.Count(i => i.Outcome == ReviewOutcome.Failed);
        if (items.All(i => i.Outcome is not (ReviewOutcome.Pending or ReviewOutcome.Failed)))
        {
            tracked.Status = InstanceStatus.Applied;
            tracked.AppliedAt = cs.Now;
            tracked.AppliedById = actor.PrincipalId;
        }

        var summary = await SummaryAsync(cs.Db, tracked, ct);
        cs.Audit(new AuditRecord("review.applied")
        {
            Outcome = failed == 0 ? AuditOutcome.Succeeded : AuditOutcome.Failed,
            Details = AuditDetails.Of(new
            {
                reviewId = review.Id,
                review = review.Name,
                instanceId,
                number = instance.Number,
                automatic,
                summary.Removed,
                summary.AlreadyGone,
                summary.Failed,
                failures = items.Where(i => i.Outcome == ReviewOutcome.Failed).Take(20).Select(i => new { itemId = i.Id, i.PrincipalName, i.RoleName, detail = i.OutcomeDetail }),
            }),
        });
        var committed = await cs.CommitAsync(ct);
        return committed.IsSuccess ? summary : committed.Error;
    }

    private async Task<(ReviewOutcome, string?, Guid?)> RemoveAssignmentAsync(ReviewItem item, AccessReview review, ReviewInstance instance, Actor actor, CancellationToken ct)
    {
        var key = Key(item.Id);
        var earlier = await changes.Db.Requests.AsNoTracking().Where(r => r.TargetAssignmentId == item.AssignmentId && r.IdempotencyKey == key && r.Action == RequestAction.AdminRemove)
            .Select(r => new { r.Id, r.Status }).FirstOrDefaultAsync(ct);
        if (earlier is { Status: RequestStatus.Provisioned })
        {
            // Removed by an earlier apply whose outcome was not recorded (a crash, or another administrator's apply).
            return (ReviewOutcome.Removed, null, earlier.Id);
        }

        if (!await IsOpenAsync(item.AssignmentId, ct))
        {
            return (ReviewOutcome.AlreadyGone, "The assignment had ended before the results were applied.", null);
        }

        var by = item.ResultIsDefault ? "nobody decided; the review's default removes it" : $"denied by {item.DecidedByName}";
        var justification = $"{ApplyJustification} '{review.Name}' #{instance.Number}: {by}.";
        if (justification.Length > TextRules.JustificationMaxLength)
        {
            justification = justification[..TextRules.JustificationMaxLength];
        }

        var removed = await requests.SubmitAsync(new SubmitRequest
        {
            Action = RequestAction.AdminRemove,
            TargetAssignmentId = item.AssignmentId,
            Justification = justification,
        }, actor, key, null, ct);
        if (removed.IsSuccess)
        {
            return (ReviewOutcome.Removed, null, removed.Value.Request.Id);
        }

        // Lost a race with its end (or another apply): that is gone, not failed.
        return await IsOpenAsync(item.AssignmentId, ct)
            ? (ReviewOutcome.Failed, $"{removed.Error.Code}: {removed.Error.Message}", null)
            : (ReviewOutcome.AlreadyGone, "The assignment had ended before the results were applied.", null);
    }

    private async Task<(ReviewOutcome, string?, Guid?)> RemoveMemberAsync(ReviewItem item, Guid groupId, Actor actor, CancellationToken ct)
    {
        var membership = await changes.Db.GroupMemberships.AsNoTracking().FirstOrDefaultAsync(m => m.GroupId == groupId && m.MemberId == item.PrincipalId, ct);
        if (membership is null || !await IsOpenAsync(item.AssignmentId, ct))
        {
            return (ReviewOutcome.AlreadyGone, membership is null ? $"{item.PrincipalName} had left {item.ViaGroupName} before the results were applied." : "The group's assignment had ended before the results were applied.", null);
        }

        if (membership.Source is { } source)
        {
            // A sign-in provider's groups claim put the member there and would put them back at the next sign-in.
            return (ReviewOutcome.Failed, $"The membership in {item.ViaGroupName} comes from {source}; remove it there.", null);
        }

        var removed = await directory.RemoveMemberAsync(groupId, item.PrincipalId, actor, ct);
        return removed.IsSuccess || removed.Error.Code == ErrorCodes.NotMember
            ? (removed.IsSuccess ? ReviewOutcome.Removed : ReviewOutcome.AlreadyGone, removed.IsSuccess ? $"Taken out of {item.ViaGroupName}." : null, null)
            : (ReviewOutcome.Failed, $"{removed.Error.Code}: {removed.Error.Message}", null);
    }

    /// <summary>What <see cref="GoneAsync(ElevateDbContext, IReadOnlyCollection{ItemKey}, CancellationToken)"/> needs of an item.</summary>
    public sealed record ItemKey(Guid Id, Guid AssignmentId, Guid? ViaGroupId, Guid PrincipalId);

    /// <summary>The items whose access has ended since the snapshot: the assignment ended, or the member left the group.</summary>
    public static Task<HashSet<Guid>> GoneAsync(ElevateDbContext db, IReadOnlyCollection<ReviewItem> items, CancellationToken ct) =>
        GoneAsync(db, [.. items.Select(i => new ItemKey(i.Id, i.AssignmentId, i.ViaGroupId, i.PrincipalId))], ct);

    public static async Task<HashSet<Guid>> GoneAsync(ElevateDbContext db, IReadOnlyCollection<ItemKey> items, CancellationToken ct)
    {
        // By primary key alone, the status checked here: with the status in the query, SQLite's planner prefers the
        // status index and reads every open assignment.
        var open = new HashSet<Guid>();
        foreach (var chunk in items.Select(i => i.AssignmentId).Distinct().Chunk(Chunk))
        {
            var rows = await db.Assignments.AsNoTracking().Where(a => chunk.Contains(a.Id)).Select(a => new { a.Id, a.Status }).ToListAsync(ct);
            open.UnionWith(rows.Where(r => r.Status is AssignmentStatus.Active or AssignmentStatus.Scheduled).Select(r => r.Id));
        }

        var memberships = new HashSet<(Guid, Guid)>();
        foreach (var chunk in items.Where(i => i.ViaGroupId is not null).Chunk(Chunk))
        {
            var groups = chunk.Select(i => i.ViaGroupId!.Value).Distinct().ToList();
            var members = chunk.Select(i => i.PrincipalId).Distinct().ToList();
            var rows = await db.GroupMemberships.AsNoTracking().Where(m => groups.Contains(m.GroupId) && members.Contains(m.MemberId))
                .Select(m => new { m.GroupId, m.MemberId }).ToListAsync(ct);
            memberships.UnionWith(rows.Select(r => (r.GroupId, r.MemberId)));
        }

        return [.. items.Where(i => !open.Contains(i.AssignmentId) || (i.ViaGroupId is { } g && !memberships.Contains((g, i.PrincipalId)))).Select(i => i.Id)];
    }

    /// <summary>The idempotency key of the removal an item's denial makes.</summary>
    public static string Key(Guid itemId) => $"access-review-item:{itemId:N}";

    private Task<bool> IsOpenAsync(Guid assignmentId, CancellationToken ct) =>
        changes.Db.Assignments.AsNoTracking().AnyAsync(a => a.Id == assignmentId && (a.Status == AssignmentStatus.Active || a.Status == AssignmentStatus.Scheduled), ct);

    /// <summary>An item and who reviews it at each stage.</summary>
    internal sealed record Snapshotted(ReviewItem Item, IReadOnlyList<ReviewItemReviewer> Reviewers);

    private sealed record Holder(Guid Id, string Name, PrincipalKind Kind, bool Enabled, Guid? ManagerId, DateTimeOffset? LastSignInAt);

    /// <summary>
    /// The items of a starting instance: the open assignments (made by administrators, not activations) of the roles
    /// in scope, of the kinds in scope, at the scope path or below; groups as one item or one per member; with activity
    /// and recommendations as of now; filtered to the inactive when the review asks; each with its reviewers per stage.
    /// </summary>
    internal static async Task<List<Snapshotted>> SnapshotAsync(ElevateDbContext db, ReviewInstance instance, ReviewDefinition definition, DateTimeOffset now, CancellationToken ct)
    {
        var scope = definition.Scope;
        var roleIds = scope.RoleIds.Count > 0
            ? scope.RoleIds.ToList()
            : await db.Roles.AsNoTracking().Where(r => r.IsPrivileged).Select(r => r.Id).ToListAsync(ct);
        var roles = await db.Roles.AsNoTracking().Where(r => roleIds.Contains(r.Id)).ToDictionaryAsync(r => r.Id, r => r.Name, ct);
        var query = db.Assignments.AsNoTracking().Where(a => roleIds.Contains(a.RoleId) && a.Origin == AssignmentOrigin.Administrator
            && (a.Status == AssignmentStatus.Active || a.Status == AssignmentStatus.Scheduled));
        query = scope.AssignmentTypes switch
        {
            ReviewAssignmentTypes.Eligible => query.Where(a => a.Kind == AssignmentKind.Eligible),
            ReviewAssignmentTypes.Active => query.Where(a => a.Kind == AssignmentKind.Active),
            _ => query,
        };
        if (scope.ScopePath is { } path && path != "/")
        {
            var below = path + "/";
            query = query.Where(a => a.Scope == path || a.Scope.StartsWith(below));
        }

        var assignments = await query.OrderBy(a => a.Id).ToListAsync(ct);
        var holders = await HoldersAsync(db, assignments.Select(a => a.PrincipalId), ct);

        // Groups expanded: each member's share of the group's assignment is an item of its own.
        var members = new Dictionary<Guid, List<Holder>>();
        var groupIds = assignments.Select(a => a.PrincipalId).Where(id => holders.TryGetValue(id, out var h) && h.Kind == PrincipalKind.Group).Distinct().ToList();
        foreach (var chunk in groupIds.Chunk(Chunk))
        {
            var rows = await db.GroupMemberships.AsNoTracking().Where(m => chunk.Contains(m.GroupId)).Select(m => new { m.GroupId, m.MemberId }).ToListAsync(ct);
            var memberHolders = await HoldersAsync(db, rows.Select(r => r.MemberId), ct);
            foreach (var row in rows)
            {
                if (memberHolders.TryGetValue(row.MemberId, out var member))
                {
                    holders.TryAdd(member.Id, member);
                    (members.TryGetValue(row.GroupId, out var list) ? list : members[row.GroupId] = []).Add(member);
                }
            }
        }

        var units = new List<(Assignment Assignment, Holder Principal, Holder? Group)>();
        foreach (var a in assignments)
        {
            if (!holders.TryGetValue(a.PrincipalId, out var holder))
            {
                continue;
            }

            if (holder.Kind == PrincipalKind.Group && scope.Groups == ReviewGroups.ExpandMembers)
            {
                units.AddRange(members.GetValueOrDefault(holder.Id, []).OrderBy(m => m.Name, StringComparer.Ordinal).Select(m => (a, m, (Holder?)holder)));
            }
            else
            {
                units.Add((a, holder, null));
            }
        }

        // Reviewers named in the definition and managers, to pass over those disabled since.
        var reviewerIds = definition.Stages.SelectMany(st => st.ReviewerIds.Concat(st.FallbackReviewerIds))
            .Concat(holders.Values.Select(h => h.ManagerId).OfType<Guid>()).Where(id => !holders.ContainsKey(id)).Distinct().ToList();
        foreach (var (id, reviewer) in await HoldersAsync(db, reviewerIds, ct))
        {
            holders[id] = reviewer;
        }

        // A reviewer in a group reviewed as a whole would review their own access: they are passed over for it.
        var reviewerPool = definition.Stages.SelectMany(st => st.ReviewerIds.Concat(st.FallbackReviewerIds))
            .Concat(holders.Values.Select(h => h.ManagerId).OfType<Guid>()).Distinct().ToList();
        var wholeGroups = units.Where(u => u.Group is null && u.Principal.Kind == PrincipalKind.Group).Select(u => u.Principal.Id).Distinct().ToList();
        var inGroup = new HashSet<(Guid Group, Guid Member)>();
        foreach (var chunk in wholeGroups.Chunk(Chunk))
        {
            var rows = await db.GroupMemberships.AsNoTracking().Where(m => chunk.Contains(m.GroupId) && reviewerPool.Contains(m.MemberId))
                .Select(m => new { m.GroupId, m.MemberId }).ToListAsync(ct);
            inGroup.UnionWith(rows.Select(r => (r.GroupId, r.MemberId)));
        }

        var activity = await ActivityAsync(db, units, members, ct);
        var result = new List<Snapshotted>();
        foreach (var (a, principal, group) in units)
        {
            var last = activity(a, principal, group);
            var enabled = principal.Enabled && (group is null || group.Enabled);
            if (scope.InactiveDays is { } days && enabled && !ReviewRules.IsInactive(last, days, now))
            {
                continue;
            }

            var recommendation = definition.Recommendations ? ReviewRules.Recommend(a.Kind, new Activity(last, enabled), definition.RecommendationDays, now) : null;
            var item = new ReviewItem
            {
                Id = Ids.New(now),
                InstanceId = instance.Id,
                AssignmentId = a.Id,
                PrincipalId = principal.Id,
                PrincipalName = principal.Name,
                PrincipalKind = principal.Kind,
                ViaGroupId = group?.Id,
                ViaGroupName = group?.Name,
                RoleId = a.RoleId,
                RoleName = roles.GetValueOrDefault(a.RoleId, ""),
                Scope = a.Scope,
                Kind = a.Kind,
                AssignmentStartsAt = a.StartsAt,
                AssignmentEndsAt = a.EndsAt,
                LastActivityAt = last,
                Recommendation = recommendation?.Verdict,
                RecommendationReason = recommendation?.Reason,
                Stage = 1,
                Outcome = ReviewOutcome.Pending,
            };
            var reviewers = new List<ReviewItemReviewer>();
            for (var s = 0; s < definition.Stages.Count; s++)
            {
                foreach (var (reviewerId, fallback) in StageReviewers(definition.Stages[s], principal, holders, inGroup))
                {
                    reviewers.Add(new ReviewItemReviewer { ItemId = item.Id, InstanceId = instance.Id, Stage = s + 1, ReviewerId = reviewerId, IsFallback = fallback });
                }
            }

            result.Add(new Snapshotted(item, reviewers));
        }

        return result;
    }

    /// <summary>
    /// Who reviews a principal's item at a stage. Nobody reviews their own access except in self-review; when the
    /// stage's reviewers cannot review (no manager, a group or service account asked to review itself, only the
    /// principal named), the fallback reviewers do.
    /// </summary>
    private static IEnumerable<(Guid Id, bool Fallback)> StageReviewers(ReviewStage stage, Holder principal, IReadOnlyDictionary<Guid, Holder> known, HashSet<(Guid Group, Guid Member)> inGroup)
    {
        bool Usable(Guid id) => id != principal.Id && !inGroup.Contains((principal.Id, id)) && known.TryGetValue(id, out var p) && p.Enabled;
        IEnumerable<Guid> own = stage.Reviewers switch
        {
            ReviewerKind.Self => principal is { Kind: PrincipalKind.User, Enabled: true } ? [principal.Id] : [],
            ReviewerKind.Manager => principal.ManagerId is { } manager && Usable(manager) ? [manager] : [],
            _ => stage.ReviewerIds.Where(Usable),
        };
        var list = own.Distinct().ToList();
        return list.Count > 0
            ? list.Select(id => (id, false))
            : stage.FallbackReviewerIds.Where(Usable).Distinct().Select(id => (id, true));
    }

    private static async Task<Dictionary<Guid, Holder>> HoldersAsync(ElevateDbContext db, IEnumerable<Guid> ids, CancellationToken ct)
    {
        var found = new Dictionary<Guid, Holder>();
        foreach (var chunk in ids.Distinct().Chunk(Chunk))
        {
            var rows = await db.Principals.AsNoTracking().Where(p => chunk.Contains(p.Id))
                .Select(p => new Holder(p.Id, p.Name, p.Kind, p.Enabled, p.ManagerId, p.LastSignInAt)).ToListAsync(ct);
            foreach (var row in rows)
            {
                found[row.Id] = row;
            }
        }

        return found;
    }

    /// <summary>
    /// The last activity of each unit: for an eligibility, the principal's last activation from it (a group as a whole:
    /// any member's); for an active assignment, the principal's last sign-in to the portal or use of an API token (a
    /// group as a whole: any member's).
    /// </summary>
    private static async Task<Func<Assignment, Holder, Holder?, DateTimeOffset?>> ActivityAsync(
        ElevateDbContext db, List<(Assignment Assignment, Holder Principal, Holder? Group)> units, Dictionary<Guid, List<Holder>> members, CancellationToken ct)
    {
        var activations = new Dictionary<(Guid Eligibility, Guid Principal), DateTimeOffset>();
        var anyone = new Dictionary<Guid, DateTimeOffset>();
        var eligibilities = units.Where(u => u.Assignment.Kind == AssignmentKind.Eligible).Select(u => u.Assignment.Id).Distinct().ToList();
        foreach (var chunk in eligibilities.Chunk(Chunk))
        {
            var rows = await db.Assignments.AsNoTracking().Where(a => a.Origin == AssignmentOrigin.Activation && a.EligibilityId != null && chunk.Contains(a.EligibilityId.Value))
                .GroupBy(a => new { a.EligibilityId, a.PrincipalId }).Select(g => new { g.Key.EligibilityId, g.Key.PrincipalId, Last = g.Max(a => a.StartsAt) }).ToListAsync(ct);
            foreach (var row in rows)
            {
                activations[(row.EligibilityId!.Value, row.PrincipalId)] = row.Last;
                anyone[row.EligibilityId!.Value] = anyone.TryGetValue(row.EligibilityId!.Value, out var seen) && seen > row.Last ? seen : row.Last;
            }
        }

        var tokenUse = new Dictionary<Guid, DateTimeOffset>();
        var people = units.Where(u => u.Assignment.Kind == AssignmentKind.Active)
            .SelectMany(u => u.Principal.Kind == PrincipalKind.Group ? members.GetValueOrDefault(u.Principal.Id, []).Select(m => m.Id) : [u.Principal.Id]).Distinct().ToList();
        foreach (var chunk in people.Chunk(Chunk))
        {
            var rows = await db.Tokens.AsNoTracking().Where(t => chunk.Contains(t.PrincipalId) && t.LastUsedAt != null)
                .GroupBy(t => t.PrincipalId).Select(g => new { PrincipalId = g.Key, Last = g.Max(t => t.LastUsedAt) }).ToListAsync(ct);
            foreach (var row in rows)
            {
                tokenUse[row.PrincipalId] = row.Last!.Value;
            }
        }

        DateTimeOffset? SignIn(Holder h) => Latest(h.LastSignInAt, tokenUse.TryGetValue(h.Id, out var t) ? t : null);

        return (a, principal, group) =>
        {
            if (a.Kind == AssignmentKind.Eligible)
            {
                return principal.Kind == PrincipalKind.Group
                    ? anyone.TryGetValue(a.Id, out var any) ? any : null
                    : activations.TryGetValue((a.Id, principal.Id), out var at) ? at : null;
            }

            return principal.Kind == PrincipalKind.Group ? members.GetValueOrDefault(principal.Id, []).Select(SignIn).Max() : SignIn(principal);
        };
    }

    private static DateTimeOffset? Latest(DateTimeOffset? a, DateTimeOffset? b) => a is null ? b : b is null ? a : a > b ? a : b;
}
