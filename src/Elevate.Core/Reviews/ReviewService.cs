using System.Globalization;
using System.Text;
using Elevate.Core.Access;
using Elevate.Core.Audit;
using Elevate.Core.Common;
using Elevate.Core.Persistence;
using Elevate.Core.Principals;
using Elevate.Core.Roles;
using Microsoft.EntityFrameworkCore;

namespace Elevate.Core.Reviews;

/// <summary>A review as written by an administrator.</summary>
public sealed record ReviewInput(string? Name, string? Description, Guid? OwnerId, ReviewDefinition? Definition);

/// <summary>One decision in a (bulk) decision: the item, approve / deny / don't know, and why.</summary>
public sealed record DecisionInput(Guid ItemId, ReviewVerdict Verdict, string? Reason);

/// <summary>An item as a reader sees it: whether its access has ended since the snapshot, and each stage's decision.</summary>
public sealed record ReviewItemView(ReviewItem Item, bool AccessEnded, IReadOnlyList<ReviewDecision> Decisions, bool CanDecide = false);

/// <summary>How far an instance is: counts, and how many decisions each reviewer made.</summary>
public sealed record InstanceProgress(
    ReviewInstance Instance, AccessReview Review, int Items, int Decided, int Approved, int Denied, int DontKnow, int Undecided, int WithoutReviewer,
    IReadOnlyList<ReviewerProgress> ByReviewer, ReviewRunner.Summary? Results);

public sealed record ReviewerProgress(Guid ReviewerId, string Name, int Decisions);

/// <summary>An instance with undecided items for the caller.</summary>
public sealed record PendingReview(ReviewInstance Instance, string Review, int Pending);

/// <summary>
/// Access reviews as people use them: administrators define, edit and stop reviews, close instances early and apply
/// results; reviewers decide (one, many, or "accept recommendations"); owners and auditors follow progress and export
/// the decisions as evidence. Everything that changes something is one change set with its audit records.
/// </summary>
public sealed class ReviewService(ChangeSets changes, Authorizer authorizer, ReviewRunner runner)
{
    public const int MaxDecisionsPerCall = 500;

    // ----- definitions -----

    public async Task<Result<IReadOnlyList<AccessReview>>> ListAsync(Actor actor, CancellationToken ct)
    {
        if (actor.PrincipalId is null)
        {
            return ElevateError.Forbidden("Sign in to see access reviews.");
        }

        // Few enough to read whole; each is shown to those who may read it (scoped administrators see their scope's).
        var all = await changes.Db.AccessReviews.AsNoTracking().OrderBy(r => r.NormalizedName).ToListAsync(ct);
        return all.Where(r => CanRead(actor, r)).ToList();
    }

    public async Task<Result<AccessReview>> GetAsync(Guid id, Actor actor, CancellationToken ct)
    {
        var review = await changes.Db.AccessReviews.AsNoTracking().FirstOrDefaultAsync(r => r.Id == id, ct);
        return review is null || !CanRead(actor, review) ? ReviewNotFound() : review;
    }

    public async Task<Result<AccessReview>> CreateAsync(ReviewInput input, Actor actor, CancellationToken ct)
    {
        var definition = input.Definition ?? new ReviewDefinition();
        if (authorizer.Require(actor, Permission.ManageAssignments, ScopeOf(definition)) is { } denied)
        {
            return denied;
        }

        await using var cs = await changes.BeginAsync(actor, ct);
        var checkedInput = await CheckAsync(cs.Db, input, definition, null, cs.Now, ct);
        if (!checkedInput.IsSuccess)
        {
            return checkedInput.Error;
        }

        definition = checkedInput.Value;
        var review = new AccessReview
        {
            Id = Ids.New(cs.Now),
            Name = input.Name!.Trim(),
            NormalizedName = AccessReview.Normalize(input.Name!),
            Description = input.Description?.Trim() is { Length: > 0 } d ? d : null,
            OwnerId = input.OwnerId ?? actor.PrincipalId!.Value,
            Status = ReviewStatus.Active,
            CreatedAt = cs.Now,
            CreatedById = actor.PrincipalId,
            AppliesAsId = actor.PrincipalId,
            UpdatedAt = cs.Now,
        };
        review.Write(definition);
        review.NextStartAt = ReviewRecurrence.NextStart(definition.Schedule, 0, null, cs.Now);
        if (review.NextStartAt is null)
        {
            return ElevateError.Validation(ErrorCodes.InvalidValue, "definition.schedule.startsAt", "Every instance of this schedule would already be over; start later.");
        }

        cs.Db.AccessReviews.Add(review);
        cs.Audit(new AuditRecord("review.created")
        {
            Details = AuditDetails.Of(new { reviewId = review.Id, review = review.Name, ownerId = review.OwnerId, definition, nextStartAt = review.NextStartAt }),
        });
        var committed = await cs.CommitAsync(ct);
        return committed.IsSuccess ? review : committed.Error;
    }

    /// <summary>Replaces a review's name, description, owner and definition; instances already running keep theirs.</summary>
    public async Task<Result<AccessReview>> UpdateAsync(Guid id, ReviewInput input, int? ifMatch, Actor actor, CancellationToken ct)
    {
        var definition = input.Definition ?? new ReviewDefinition();
        await using var cs = await changes.BeginAsync(actor, ct);
        var review = await cs.Db.AccessReviews.FirstOrDefaultAsync(r => r.Id == id, ct);
        if (review is null || !CanRead(actor, review))
        {
            return ReviewNotFound();
        }

        if (authorizer.Require(actor, Permission.ManageAssignments, ScopeOf(review.Read())) is { } deniedOld)
        {
            return deniedOld;
        }

        if (authorizer.Require(actor, Permission.ManageAssignments, ScopeOf(definition)) is { } denied)
        {
            return denied;
        }

        if (ifMatch is { } expected && review.Version != expected)
        {
            return new ElevateError(ErrorCodes.PreconditionFailed, ErrorKind.PreconditionFailed, $"The review is at version {review.Version}, not {expected}; read it again.", "If-Match");
        }

        if (review.Status != ReviewStatus.Active)
        {
            return ElevateError.Conflict(ErrorCodes.ReviewStopped, $"The review is {Name(review.Status)}; a stopped or completed review does not change.");
        }

        var checkedInput = await CheckAsync(cs.Db, input, definition, review.Id, cs.Now, ct, review.InstancesStarted > 0 ? review.Read().Schedule.StartsAt : null);
        if (!checkedInput.IsSuccess)
        {
            return checkedInput.Error;
        }

        var before = new { review.Name, review.Description, review.OwnerId, definition = review.Read() };
        definition = checkedInput.Value;
        review.Name = input.Name!.Trim();
        review.NormalizedName = AccessReview.Normalize(input.Name!);
        review.Description = input.Description?.Trim() is { Length: > 0 } d ? d : null;
        review.OwnerId = input.OwnerId ?? review.OwnerId;
        review.AppliesAsId = actor.PrincipalId;
        review.Write(definition);
        var lastStart = await cs.Db.ReviewInstances.Where(i => i.ReviewId == id).MaxAsync(i => (DateTimeOffset?)i.StartsAt, ct);
        var runningUntil = await cs.Db.ReviewInstances.Where(i => i.ReviewId == id && i.Status == InstanceStatus.InProgress).MaxAsync(i => (DateTimeOffset?)i.EndsAt, ct);
        review.NextStartAt = ReviewRecurrence.NextStart(definition.Schedule, review.InstancesStarted, lastStart, cs.Now, notBefore: runningUntil);
        if (review.NextStartAt is null && review.InstancesStarted == 0)
        {
            return ElevateError.Validation(ErrorCodes.InvalidValue, "definition.schedule.startsAt", "Every instance of this schedule would already be over; start later.");
        }

        if (review.NextStartAt is null && runningUntil is null)
        {
            // The new schedule has nothing left to run and nothing runs: the review is complete.
            review.Status = ReviewStatus.Completed;
        }

        review.UpdatedAt = cs.Now;
        cs.Audit(new AuditRecord("review.updated")
        {
            Details = AuditDetails.Of(new
            {
                reviewId = review.Id,
                review = review.Name,
                before,
                after = new { review.Name, review.Description, review.OwnerId, definition },
                nextStartAt = review.NextStartAt,
            }),
        });
        var committed = await cs.CommitAsync(ct);
        return committed.IsSuccess ? review : committed.Error;
    }

    /// <summary>Stops a review: no further instance starts, and a running one closes now as if it had reached its end.</summary>
    public async Task<Result<AccessReview>> StopAsync(Guid id, string? reason, Actor actor, CancellationToken ct)
    {
        if (TextRules.Check(reason, "reason", TextRules.JustificationMaxLength, required: false, multiline: true) is { } bad)
        {
            return bad;
        }

        await using var cs = await changes.BeginAsync(actor, ct);
        var review = await cs.Db.AccessReviews.FirstOrDefaultAsync(r => r.Id == id, ct);
        if (review is null || !CanRead(actor, review))
        {
            return ReviewNotFound();
        }

        if (authorizer.Require(actor, Permission.ManageAssignments, ScopeOf(review.Read())) is { } denied)
        {
            return denied;
        }

        if (review.Status != ReviewStatus.Active)
        {
            return ElevateError.Conflict(ErrorCodes.ReviewStopped, $"The review is already {Name(review.Status)}.");
        }

        review.Status = ReviewStatus.Stopped;
        review.StoppedAt = cs.Now;
        review.NextStartAt = null;
        review.UpdatedAt = cs.Now;
        var running = await cs.Db.ReviewInstances.Where(i => i.ReviewId == id && i.Status == InstanceStatus.InProgress).ToListAsync(ct);
        foreach (var instance in running)
        {
            await ReviewRunner.CloseAndRecordAsync(cs, review, instance, actor, early: true, reason?.Trim(), ct);
        }

        cs.Audit(new AuditRecord("review.stopped")
        {
            Justification = reason?.Trim(),
            Details = AuditDetails.Of(new { reviewId = review.Id, review = review.Name, closedInstances = running.Select(i => i.Id) }),
        });
        var committed = await cs.CommitAsync(ct);
        return committed.IsSuccess ? review : committed.Error;
    }

    // ----- instances -----

    public async Task<Result<IReadOnlyList<ReviewInstance>>> InstancesAsync(Guid reviewId, Actor actor, CancellationToken ct)
    {
        var review = await GetAsync(reviewId, actor, ct);
        if (!review.IsSuccess)
        {
            return review.Error;
        }

        return await changes.Db.ReviewInstances.AsNoTracking().Where(i => i.ReviewId == reviewId).OrderByDescending(i => i.Number).Take(Cursor.MaxLimit).ToListAsync(ct);
    }

    /// <summary>An instance with its progress: how many items are decided and how, and how many decisions each reviewer made.</summary>
    public async Task<Result<InstanceProgress>> ProgressAsync(Guid instanceId, Actor actor, CancellationToken ct)
    {
        var found = await ReadableInstanceAsync(instanceId, actor, ct);
        if (!found.IsSuccess)
        {
            return found.Error;
        }

        var (instance, review) = found.Value;
        var db = changes.Db;
        var items = db.ReviewItems.AsNoTracking().Where(i => i.InstanceId == instanceId);
        var counts = await items.GroupBy(i => i.Decision).Select(g => new { Decision = g.Key, Count = g.Count() }).ToListAsync(ct);
        int Count(ReviewVerdict? v) => counts.Where(c => c.Decision == v).Sum(c => c.Count);
        var reviewers = db.ReviewItemReviewers.AsNoTracking();
        var withoutReviewer = await items.CountAsync(i => i.Decision == null && !reviewers.Any(r => r.ItemId == i.Id && r.Stage == i.Stage), ct);
        var byReviewer = await db.ReviewDecisions.AsNoTracking().Where(d => d.InstanceId == instanceId)
            .GroupBy(d => new { d.ReviewerId, d.ReviewerName }).Select(g => new { g.Key.ReviewerId, g.Key.ReviewerName, Count = g.Count() }).ToListAsync(ct);
        var results = instance.Status == InstanceStatus.InProgress ? null : await ReviewRunner.SummaryAsync(db, instance, ct);
        return new InstanceProgress(instance, review, instance.ItemCount, instance.ItemCount - Count(null), Count(ReviewVerdict.Approve), Count(ReviewVerdict.Deny),
            Count(ReviewVerdict.DontKnow), Count(null), withoutReviewer,
            [.. byReviewer.OrderByDescending(r => r.Count).ThenBy(r => r.ReviewerName, StringComparer.Ordinal).Select(r => new ReviewerProgress(r.ReviewerId, r.ReviewerName, r.Count))],
            results);
    }

    public sealed record ItemFilter(string? Decision, string? Cursor, int? Limit);

    /// <summary>An instance's items in snapshot order, for its owner, administrators and auditors.</summary>
    public async Task<Result<Page<ReviewItemView>>> ItemsAsync(Guid instanceId, ItemFilter filter, Actor actor, CancellationToken ct)
    {
        var found = await ReadableInstanceAsync(instanceId, actor, ct);
        if (!found.IsSuccess)
        {
            return found.Error;
        }

        var query = changes.Db.ReviewItems.AsNoTracking().Where(i => i.InstanceId == instanceId);
        switch (filter.Decision)
        {
            case null or "" or "all":
                break;
            case "undecided":
                query = query.Where(i => i.Decision == null);
                break;
            default:
                if (!Enum.TryParse<ReviewVerdict>(filter.Decision, ignoreCase: true, out var verdict) || !Enum.IsDefined(verdict))
                {
                    return ElevateError.Validation(ErrorCodes.InvalidValue, "decision", "One of all, undecided, approve, deny, dontKnow.");
                }

                query = query.Where(i => i.Decision == verdict);
                break;
        }

        return await PageAsync(query, filter.Cursor, filter.Limit, null, found.Value.Instance, ct);
    }

    /// <summary>Closes an instance before its end, with the defaults for undecided items (and the automatic apply, if set).</summary>
    public async Task<Result<ReviewInstance>> CloseAsync(Guid instanceId, Actor actor, CancellationToken ct)
    {
        var found = await ManageableInstanceAsync(instanceId, actor, ct);
        return found.IsSuccess ? await runner.CloseAsync(instanceId, actor, early: true, ct) : found.Error;
    }

    /// <summary>Applies a closed instance's results with the caller's authority (also retries removals that failed).</summary>
    public async Task<Result<ReviewRunner.Summary>> ApplyAsync(Guid instanceId, Actor actor, CancellationToken ct)
    {
        var found = await ManageableInstanceAsync(instanceId, actor, ct);
        return found.IsSuccess ? await runner.ApplyAsync(instanceId, actor, automatic: false, ct) : found.Error;
    }

    /// <summary>The instance's items and decisions as CSV (RFC 4180), the evidence an auditor keeps.</summary>
    public async Task<Result<string>> ExportCsvAsync(Guid instanceId, Actor actor, CancellationToken ct)
    {
        var found = await ReadableInstanceAsync(instanceId, actor, ct);
        if (!found.IsSuccess)
        {
            return found.Error;
        }

        var (instance, review) = found.Value;
        await using (var cs = await changes.BeginAsync(actor, ct))
        {
            // Who took the evidence out, like an export of the audit trail.
            cs.Audit(new AuditRecord("review.exported")
            {
                Details = AuditDetails.Of(new { reviewId = review.Id, review = review.Name, instanceId, number = instance.Number, items = instance.ItemCount }),
            });
            var committed = await cs.CommitAsync(ct);
            if (!committed.IsSuccess)
            {
                return committed.Error;
            }
        }

        var items = await changes.Db.ReviewItems.AsNoTracking().Where(i => i.InstanceId == instanceId).OrderBy(i => i.Id).ToListAsync(ct);
        var gone = instance.Status == InstanceStatus.InProgress ? await ReviewRunner.GoneAsync(changes.Db, items, ct) : [];
        var csv = new StringBuilder();
        Row(csv, "review", "instance", "instance_starts_at", "instance_ends_at", "item_id", "principal", "principal_kind", "via_group", "role", "scope", "assignment_kind",
            "assignment_id", "last_activity_at", "recommendation", "recommendation_reason", "decision", "decided_by", "decided_at", "reason", "result", "result_by_default",
            "outcome", "outcome_detail", "removal_request_id", "applied_at");
        foreach (var i in items)
        {
            var outcome = instance.Status == InstanceStatus.InProgress ? (gone.Contains(i.Id) ? "accessEnded" : "") : Camel(i.Outcome.ToString());
            Row(csv, review.Name, instance.Number.ToString(CultureInfo.InvariantCulture), Iso(instance.StartsAt), Iso(instance.EndsAt), i.Id.ToString(), i.PrincipalName,
                Camel(i.PrincipalKind.ToString()), i.ViaGroupName, i.RoleName, i.Scope, Camel(i.Kind.ToString()), i.AssignmentId.ToString(), Iso(i.LastActivityAt),
                i.Recommendation is { } r ? Camel(r.ToString()) : "", i.RecommendationReason, i.Decision is { } d ? Camel(d.ToString()) : "", i.DecidedByName,
                Iso(i.DecidedAt), i.DecisionReason, i.Result is { } res ? Camel(res.ToString()) : "", i.Result is null ? "" : i.ResultIsDefault ? "true" : "false",
                outcome, i.OutcomeDetail, i.RemovalRequestId?.ToString(), Iso(i.AppliedAt));
        }

        return csv.ToString();
    }

    // ----- reviewers -----

    /// <summary>The running instances in which the caller has items to decide, and how many.</summary>
    public async Task<Result<IReadOnlyList<PendingReview>>> MyPendingAsync(Actor actor, CancellationToken ct)
    {
        if (actor.PrincipalId is not { } me)
        {
            return ElevateError.Forbidden("Sign in to review access.");
        }

        var mine = await IdentitiesAsync(changes.Db, me, ct);
        var db = changes.Db;
        var rows = await (from r in db.ReviewItemReviewers.AsNoTracking()
                          join i in db.ReviewItems.AsNoTracking() on r.ItemId equals i.Id
                          join inst in db.ReviewInstances.AsNoTracking() on i.InstanceId equals inst.Id
                          where mine.Contains(r.ReviewerId) && inst.Status == InstanceStatus.InProgress && r.Stage == i.Stage && i.Decision == null
                              && ((r.ReviewerId == me && i.PrincipalId == me) || (i.PrincipalId != me && !mine.Contains(i.PrincipalId)))
                              && !db.ReviewDecisions.Any(d => d.ItemId == i.Id && d.ReviewerId == me && d.Stage < i.Stage)
                          select new { i.InstanceId, i.Id })
            .GroupBy(r => r.InstanceId).Select(g => new { InstanceId = g.Key, Count = g.Select(r => r.Id).Distinct().Count() }).ToListAsync(ct);
        var counts = rows.ToDictionary(r => r.InstanceId, r => r.Count);
        var ids = counts.Keys.ToList();
        var instances = await db.ReviewInstances.AsNoTracking().Where(i => ids.Contains(i.Id)).ToListAsync(ct);
        var reviewIds = instances.Select(i => i.ReviewId).ToList();
        var names = await db.AccessReviews.AsNoTracking().Where(r => reviewIds.Contains(r.Id)).ToDictionaryAsync(r => r.Id, r => r.Name, ct);
        return instances.OrderBy(i => i.EndsAt).Select(i => new PendingReview(i, names.GetValueOrDefault(i.ReviewId, ""), counts[i.Id])).ToList();
    }

    /// <summary>
    /// The caller's items in an instance (those they review at any stage the item has reached), with whether they may
    /// decide each now. <paramref name="pendingOnly"/> keeps the undecided ones.
    /// </summary>
    public async Task<Result<(InstanceProgress? Progress, ReviewInstance Instance, string Review, Page<ReviewItemView> Items)>> ReviewerItemsAsync(
        Guid instanceId, bool pendingOnly, string? cursor, int? limit, Actor actor, CancellationToken ct)
    {
        if (actor.PrincipalId is not { } me)
        {
            return ElevateError.Forbidden("Sign in to review access.");
        }

        var db = changes.Db;
        var instance = await db.ReviewInstances.AsNoTracking().FirstOrDefaultAsync(i => i.Id == instanceId, ct);
        if (instance is null)
        {
            return ReviewNotFound();
        }

        var mine = await IdentitiesAsync(db, me, ct);
        var reviewers = db.ReviewItemReviewers.AsNoTracking();
        // Never one's own access (nor one's group's), except one's own self-review.
        var query = db.ReviewItems.AsNoTracking().Where(i => i.InstanceId == instanceId
            && reviewers.Any(r => r.ItemId == i.Id && mine.Contains(r.ReviewerId) && r.Stage <= i.Stage
                && ((r.ReviewerId == me && i.PrincipalId == me) || (i.PrincipalId != me && !mine.Contains(i.PrincipalId)))));
        if (pendingOnly)
        {
            var decisions = db.ReviewDecisions.AsNoTracking();
            query = query.Where(i => i.Decision == null && reviewers.Any(r => r.ItemId == i.Id && mine.Contains(r.ReviewerId) && r.Stage == i.Stage)
                && !decisions.Any(d => d.ItemId == i.Id && d.ReviewerId == me && d.Stage < i.Stage));
        }

        var review = await db.AccessReviews.AsNoTracking().FirstAsync(r => r.Id == instance.ReviewId, ct);
        if (!await IsKnownToAsync(db, actor, review, instance, mine, ct))
        {
            // Neither a reviewer here nor allowed to read the instance: as if it did not exist.
            return ReviewNotFound();
        }

        var page = await PageAsync(query, cursor, limit, mine, instance, ct);
        if (!page.IsSuccess)
        {
            return page.Error;
        }

        var progress = CanReadInstance(actor, review, instance) && await ProgressAsync(instanceId, actor, ct) is { IsSuccess: true } read ? read.Value : null;

        return (progress, instance, review.Name, page.Value);
    }

    /// <summary>
    /// Records decisions, all or none: every item must be one the caller reviews at a stage it has reached, never their
    /// own access (except in self-review), with a reason where the review requires one. A decision may be changed
    /// until the instance closes, as long as no later stage has decided the item (a later stage's decision stands).
    /// </summary>
    public Task<Result<IReadOnlyList<ReviewItem>>> DecideAsync(Guid instanceId, IReadOnlyList<DecisionInput> decisions, Actor actor, CancellationToken ct) =>
        DecideAsync(instanceId, decisions, actor, acceptRecommendations: false, ct);

    /// <summary>Decides every item the caller may decide now and has not, as its recommendation says.</summary>
    public async Task<Result<IReadOnlyList<ReviewItem>>> AcceptRecommendationsAsync(Guid instanceId, Actor actor, CancellationToken ct)
    {
        if (actor.PrincipalId is not { } me)
        {
            return ElevateError.Forbidden("Sign in to review access.");
        }

        var db = changes.Db;
        var mine = await IdentitiesAsync(db, me, ct);
        var reviewers = db.ReviewItemReviewers.AsNoTracking();
        var pending = await db.ReviewItems.AsNoTracking()
            .Where(i => i.InstanceId == instanceId && i.Decision == null && i.Recommendation != null
                && i.PrincipalId != me && !mine.Contains(i.PrincipalId)
                && reviewers.Any(r => r.ItemId == i.Id && mine.Contains(r.ReviewerId) && r.Stage == i.Stage)
                && !db.ReviewDecisions.Any(d => d.ItemId == i.Id && d.ReviewerId == me && d.Stage < i.Stage))
            .OrderBy(i => i.Id).Select(i => new { i.Id, i.Recommendation, i.RecommendationReason, i.PrincipalId }).ToListAsync(ct);
        var inputs = pending.Select(p => new DecisionInput(p.Id, p.Recommendation!.Value, $"Recommendation: {p.RecommendationReason}")).ToList();
        if (inputs.Count == 0)
        {
            // Nothing to accept; to a stranger (neither reviewer nor reader) the instance does not exist.
            var instance = await db.ReviewInstances.AsNoTracking().FirstOrDefaultAsync(i => i.Id == instanceId, ct);
            var review = instance is null ? null : await db.AccessReviews.AsNoTracking().FirstOrDefaultAsync(r => r.Id == instance.ReviewId, ct);
            var known = review is not null
                && await IsKnownToAsync(db, actor, review, instance!, mine, ct);
            return known ? Result<IReadOnlyList<ReviewItem>>.Success([]) : ReviewNotFound();
        }

        return await DecideAsync(instanceId, inputs, actor, acceptRecommendations: true, ct);
    }

    private async Task<Result<IReadOnlyList<ReviewItem>>> DecideAsync(Guid instanceId, IReadOnlyList<DecisionInput> decisions, Actor actor, bool acceptRecommendations, CancellationToken ct)
    {
        if (actor.PrincipalId is not { } me)
        {
            return ElevateError.Forbidden("Sign in to review access.");
        }

        if (decisions.Count == 0 || (decisions.Count > MaxDecisionsPerCall && !acceptRecommendations))
        {
            return ElevateError.Validation(ErrorCodes.InvalidValue, "items", $"Between 1 and {MaxDecisionsPerCall} decisions.");
        }

        var duplicate = decisions.GroupBy(d => d.ItemId).FirstOrDefault(g => g.Count() > 1);
        if (duplicate is not null)
        {
            return ElevateError.Validation(ErrorCodes.InvalidValue, $"items[{IndexOf(decisions, duplicate.Key)}].itemId", "An item is decided twice in one call.");
        }

        for (var n = 0; n < decisions.Count; n++)
        {
            if (!Enum.IsDefined(decisions[n].Verdict))
            {
                return ElevateError.Validation(ErrorCodes.InvalidValue, $"items[{n}].decision", "approve, deny or dontKnow.");
            }
        }

        await using var cs = await changes.BeginAsync(actor, ct);
        var instance = await cs.Db.ReviewInstances.AsNoTracking().FirstOrDefaultAsync(i => i.Id == instanceId, ct);
        if (instance is null)
        {
            return ReviewNotFound();
        }

        var definition = instance.Read();
        var review = await cs.Db.AccessReviews.AsNoTracking().FirstAsync(r => r.Id == instance.ReviewId, ct);
        var mine = await IdentitiesAsync(cs.Db, me, ct);
        if (!await IsKnownToAsync(cs.Db, actor, review, instance, mine, ct))
        {
            // Neither a reviewer here nor allowed to read the review: whose access it holds (or whether it is still
            // open) is none of the caller's business.
            return ReviewNotFound();
        }

        if (instance.Status != InstanceStatus.InProgress)
        {
            return ElevateError.Conflict(ErrorCodes.ReviewNotInProgress, "The review instance has closed; its decisions are final.");
        }

        var ids = decisions.Select(d => d.ItemId).ToList();
        var items = await cs.Db.ReviewItems.Where(i => i.InstanceId == instanceId && ids.Contains(i.Id)).ToDictionaryAsync(i => i.Id, ct);
        var myStages = (await cs.Db.ReviewItemReviewers.AsNoTracking().Where(r => ids.Contains(r.ItemId) && mine.Contains(r.ReviewerId)).ToListAsync(ct))
            .GroupBy(r => r.ItemId).ToDictionary(g => g.Key, g => g.ToList());
        var existing = await cs.Db.ReviewDecisions.Where(d => ids.Contains(d.ItemId)).ToListAsync(ct);
        var decider = await cs.Db.Principals.AsNoTracking().Where(p => p.Id == me).Select(p => p.Name).FirstOrDefaultAsync(ct) ?? actor.Name;

        var plan = new List<(ReviewItem Item, int Stage, DecisionInput Input)>();
        for (var n = 0; n < decisions.Count; n++)
        {
            var input = decisions[n];
            if (!items.TryGetValue(input.ItemId, out var item))
            {
                return ElevateError.NotFound(ErrorCodes.ReviewItemNotFound, $"items[{n}].itemId", "No such item in this review instance.");
            }

            // The stage reached: the current one, or the one whose decision made the item final.
            var reached = item.Decision is null ? item.Stage : existing.Where(d => d.ItemId == item.Id).Select(d => d.Stage).DefaultIfEmpty(item.Stage).Max();
            // One's own earlier decision is the one a change changes (so nobody decides two stages of an item: stages
            // are separate pairs of eyes); otherwise the highest stage one reviews.
            var stage = existing.Where(d => d.ItemId == item.Id && d.ReviewerId == me && d.Stage <= reached).Select(d => d.Stage).DefaultIfEmpty(0).Max() is var decided and > 0
                ? decided
                : myStages.GetValueOrDefault(item.Id, []).Where(r => r.Stage <= reached).Select(r => r.Stage).DefaultIfEmpty(0).Max();
            if (stage == 0)
            {
                return new ElevateError(ErrorCodes.NotAReviewer, ErrorKind.Forbidden, $"You do not review {item.PrincipalName}'s {item.RoleName} at this stage.", $"items[{n}].itemId");
            }

            if (acceptRecommendations && (item.Decision is not null || stage != item.Stage || existing.Any(d => d.ItemId == item.Id && d.Stage >= stage)))
            {
                // Decided by someone else since the list of pending items was read: theirs stands.
                continue;
            }

            // A later stage's decision stands: an earlier stage cannot take it back (in a self-review, the principal
            // could otherwise undo the denial of their own access by approving again).
            if (existing.Any(d => d.ItemId == item.Id && d.Stage > stage))
            {
                return ElevateError.Conflict(ErrorCodes.StageDecided,
                    $"Stage {existing.Where(d => d.ItemId == item.Id).Max(d => d.Stage)} has decided {item.PrincipalName}'s {item.RoleName}; an earlier stage's decision no longer changes.",
                    $"items[{n}].itemId");
            }

            // Self-review lets a principal review their own access, and only that; a fallback reviewer of a self-review
            // stage (for a group) is bound by the same rule as any reviewer: not their own group's access.
            var self = definition.Stages[stage - 1].Reviewers == ReviewerKind.Self;
            var own = item.PrincipalId == me || mine.Contains(item.PrincipalId);
            if (own && !(self && item.PrincipalId == me))
            {
                return new ElevateError(ErrorCodes.SelfApprovalForbidden, ErrorKind.Forbidden, "Nobody reviews their own access, except in a self-review.", $"items[{n}].itemId");
            }

            if (TextRules.Check(input.Reason, $"items[{n}].reason", TextRules.JustificationMaxLength, required: false, multiline: true) is { } bad)
            {
                return bad;
            }

            var selfReview = self && item.PrincipalId == me;
            if ((definition.RequireReason || selfReview) && string.IsNullOrWhiteSpace(input.Reason))
            {
                return ElevateError.Rule(ErrorCodes.ReasonRequired,
                    selfReview ? "A self-review needs a justification: say why you still need this access." : "This review asks for a reason with every decision.",
                    $"items[{n}].reason");
            }

            plan.Add((item, stage, input));
        }

        if (plan.Count == 0)
        {
            // Every recommendation was overtaken by another reviewer's decision: nothing to record.
            return Result<IReadOnlyList<ReviewItem>>.Success([]);
        }

        foreach (var (item, stage, input) in plan)
        {
            var before = item.Decision;
            var decision = existing.FirstOrDefault(d => d.ItemId == item.Id && d.Stage == stage);
            var previous = decision?.Verdict;
            if (decision is null)
            {
                decision = new ReviewDecision { Id = Ids.New(cs.Now), ItemId = item.Id, InstanceId = instanceId, Stage = stage };
                cs.Db.ReviewDecisions.Add(decision);
            }

            var reason = input.Reason?.Trim() is { Length: > 0 } r ? r : null;
            decision.Verdict = input.Verdict;
            decision.Reason = reason;
            decision.ReviewerId = me;
            decision.ReviewerName = decider;
            decision.DecidedAt = cs.Now;
            decision.AcceptedRecommendation = acceptRecommendations;

            var step = ReviewRules.Step(stage, definition.Stages.Count, input.Verdict);
            item.Stage = step.Stage;
            item.Decision = step.Final;
            var final = step.Final is not null;
            item.DecidedById = final ? me : null;
            item.DecidedByName = final ? decider : null;
            item.DecidedAt = final ? cs.Now : null;
            item.DecisionReason = final ? reason : null;
            cs.Audit(new AuditRecord("review.decided")
            {
                PrincipalId = item.PrincipalId,
                PrincipalName = item.PrincipalName,
                RoleId = item.RoleId,
                RoleName = item.RoleName,
                Scope = item.Scope,
                AssignmentId = item.AssignmentId,
                Justification = reason,
                Details = AuditDetails.Of(new
                {
                    reviewId = review.Id,
                    review = review.Name,
                    instanceId,
                    itemId = item.Id,
                    stage,
                    decision = input.Verdict,
                    previous,
                    final = item.Decision,
                    wasFinal = before,
                    viaGroup = item.ViaGroupName,
                    acceptedRecommendation = acceptRecommendations,
                }),
            });
        }

        var committed = await cs.CommitAsync(ct);
        return committed.IsSuccess ? plan.Select(p => p.Item).ToList() : committed.Error;
    }

    // ----- helpers -----

    private async Task<Result<Page<ReviewItemView>>> PageAsync(IQueryable<ReviewItem> query, string? cursor, int? limit, IReadOnlyCollection<Guid>? reviewer, ReviewInstance instance, CancellationToken ct)
    {
        var after = Cursor.Decode(cursor, 1);
        if (!after.IsSuccess)
        {
            return after.Error;
        }

        if (after.Value is [var last] && Guid.TryParse(last, out var lastId))
        {
            query = query.Where(i => i.Id.CompareTo(lastId) > 0);
        }

        var checkedLimit = Cursor.Limit(limit);
        if (!checkedLimit.IsSuccess)
        {
            return checkedLimit.Error;
        }

        var take = checkedLimit.Value;
        var items = await query.OrderBy(i => i.Id).Take(take + 1).ToListAsync(ct);
        var next = items.Count > take ? Cursor.Encode(items[take - 1].Id.ToString()) : null;
        items = [.. items.Take(take)];
        var ids = items.Select(i => i.Id).ToList();
        var decisions = await changes.Db.ReviewDecisions.AsNoTracking().Where(d => ids.Contains(d.ItemId)).ToListAsync(ct);
        var gone = instance.Status == InstanceStatus.InProgress ? await ReviewRunner.GoneAsync(changes.Db, items, ct) : [];
        var stages = reviewer is null ? [] : await changes.Db.ReviewItemReviewers.AsNoTracking().Where(r => ids.Contains(r.ItemId) && reviewer.Contains(r.ReviewerId)).ToListAsync(ct);
        return new Page<ReviewItemView>([.. items.Select(i => new ReviewItemView(i,
            gone.Contains(i.Id) || i.Outcome == ReviewOutcome.AlreadyGone,
            [.. decisions.Where(d => d.ItemId == i.Id).OrderBy(d => d.Stage)],
            instance.Status == InstanceStatus.InProgress && stages.Any(r => r.ItemId == i.Id && r.Stage <= (i.Decision is null ? i.Stage : decisions.Where(d => d.ItemId == i.Id).Select(d => d.Stage).DefaultIfEmpty(i.Stage).Max()))))],
            next);
    }

    /// <summary>The caller and the groups they are in: a group named as reviewer lets its current members review.</summary>
    private static async Task<List<Guid>> IdentitiesAsync(ElevateDbContext db, Guid me, CancellationToken ct) =>
        [me, .. await db.GroupMemberships.AsNoTracking().Where(m => m.MemberId == me).Select(m => m.GroupId).ToListAsync(ct)];

    private async Task<Result<(ReviewInstance Instance, AccessReview Review)>> ReadableInstanceAsync(Guid instanceId, Actor actor, CancellationToken ct)
    {
        var instance = await changes.Db.ReviewInstances.AsNoTracking().FirstOrDefaultAsync(i => i.Id == instanceId, ct);
        var review = instance is null ? null : await changes.Db.AccessReviews.AsNoTracking().FirstOrDefaultAsync(r => r.Id == instance.ReviewId, ct);
        return instance is null || review is null || !CanReadInstance(actor, review, instance) ? ReviewNotFound() : (instance, review);
    }

    private async Task<Result<(ReviewInstance Instance, AccessReview Review)>> ManageableInstanceAsync(Guid instanceId, Actor actor, CancellationToken ct)
    {
        var found = await ReadableInstanceAsync(instanceId, actor, ct);
        if (!found.IsSuccess)
        {
            return found.Error;
        }

        return authorizer.Require(actor, Permission.ManageAssignments, ScopeOf(found.Value.Instance.Read())) is { } denied ? denied : found.Value;
    }

    private bool CanReadAll(Actor actor) => authorizer.Can(actor, Permission.ReadAudit) || authorizer.Can(actor, Permission.ReadAssignments);

    /// <summary>Its owner, auditors, and whoever may read assignments at the review's scope (its administrators too).</summary>
    private bool CanRead(Actor actor, AccessReview review) =>
        review.OwnerId == actor.PrincipalId || CanReadAll(actor) || authorizer.Can(actor, Permission.ReadAssignments, ScopeOf(review.Read()));

    /// <summary>Whether the caller may know the instance exists: they read it, or review something in it.</summary>
    private async Task<bool> IsKnownToAsync(ElevateDbContext db, Actor actor, AccessReview review, ReviewInstance instance, List<Guid> mine, CancellationToken ct) =>
        CanReadInstance(actor, review, instance) || await db.ReviewItemReviewers.AnyAsync(r => r.InstanceId == instance.Id && mine.Contains(r.ReviewerId), ct);

    /// <summary>An instance is read at the scope it snapshotted, whatever the review's scope has become since.</summary>
    private bool CanReadInstance(Actor actor, AccessReview review, ReviewInstance instance) =>
        review.OwnerId == actor.PrincipalId || CanReadAll(actor) || authorizer.Can(actor, Permission.ReadAssignments, ScopeOf(instance.Read()));

    private static ScopePath ScopeOf(ReviewDefinition definition) =>
        definition.Scope.ScopePath is { } path && ScopePath.TryParse(path, out var scope, out _) ? scope : ScopePath.Root;

    /// <summary>Checks the input against the rules and the database; returns the definition as stored (times truncated).</summary>
    private static async Task<Result<ReviewDefinition>> CheckAsync(
        ElevateDbContext db, ReviewInput input, ReviewDefinition definition, Guid? id, DateTimeOffset now, CancellationToken ct, DateTimeOffset? startedAnchor = null)
    {
        var errors = new List<ElevateError>();
        if (TextRules.Check(input.Name, "name", TextRules.NameMaxLength, required: true) is { } badName)
        {
            errors.Add(badName);
        }

        if (TextRules.Check(input.Description, "description", TextRules.DescriptionMaxLength, required: false, multiline: true) is { } badDescription)
        {
            errors.Add(badDescription);
        }

        errors.AddRange(definition.Validate().Select(InDefinition));
        var schedule = definition.Schedule;
        if (schedule.StartsAt == default)
        {
            errors.Add(ElevateError.Validation(ErrorCodes.Required, "definition.schedule.startsAt", "When the first instance starts."));
        }
        else if (startedAnchor is { } anchor && (schedule.StartsAt - anchor).Duration() < TimeSpan.FromMinutes(1))
        {
            // The first start of a schedule that already runs, as a form shows it (to the minute): unchanged.
            schedule = schedule with { StartsAt = anchor };
            definition = definition with { Schedule = schedule };
        }
        else if (schedule.StartsAt < now - TimeSpan.FromDays(1))
        {
            errors.Add(ElevateError.Validation(ErrorCodes.InvalidValue, "definition.schedule.startsAt", "Start today or later."));
        }

        if (errors.Count > 0)
        {
            return ElevateError.Combine(errors);
        }

        if (input.Name is { } name && await db.AccessReviews.AnyAsync(r => r.NormalizedName == AccessReview.Normalize(name) && r.Id != id, ct))
        {
            return ElevateError.Conflict(ErrorCodes.NameTaken, $"A review named '{name.Trim()}' exists.", "name");
        }

        var roleIds = definition.Scope.RoleIds.ToList();
        var roles = await db.Roles.AsNoTracking().Where(r => roleIds.Contains(r.Id)).Select(r => r.Id).ToListAsync(ct);
        if (roleIds.FirstOrDefault(r => !roles.Contains(r)) is var missingRole && missingRole != Guid.Empty)
        {
            return ElevateError.NotFound(ErrorCodes.RoleNotFound, $"definition.scope.roleIds[{roleIds.IndexOf(missingRole)}]", "No such role.");
        }

        for (var s = 0; s < definition.Stages.Count; s++)
        {
            var stage = definition.Stages[s];
            foreach (var (list, field) in new[] { (stage.ReviewerIds, "reviewerIds"), (stage.FallbackReviewerIds, "fallbackReviewerIds") })
            {
                var wanted = list.ToList();
                var found = await db.Principals.AsNoTracking().Where(p => wanted.Contains(p.Id)).Select(p => new { p.Id, p.Kind, p.Enabled }).ToListAsync(ct);
                for (var n = 0; n < wanted.Count; n++)
                {
                    var reviewer = found.Find(f => f.Id == wanted[n]);
                    if (reviewer is null)
                    {
                        return ElevateError.NotFound(ErrorCodes.PrincipalNotFound, $"definition.stages[{s}].{field}[{n}]", "No such user or group.");
                    }

                    if (reviewer.Kind == PrincipalKind.ServiceAccount || !reviewer.Enabled)
                    {
                        return ElevateError.Validation(ErrorCodes.InvalidValue, $"definition.stages[{s}].{field}[{n}]", "Reviewers are enabled users or groups.");
                    }
                }
            }
        }

        var ownerId = input.OwnerId;
        if (ownerId is { } owner && !await db.Principals.AnyAsync(p => p.Id == owner && p.Kind == PrincipalKind.User && p.Enabled, ct))
        {
            return ElevateError.NotFound(ErrorCodes.PrincipalNotFound, "ownerId", "The owner is an enabled user.");
        }

        return definition with
        {
            Schedule = schedule with
            {
                StartsAt = Clock.Truncate(schedule.StartsAt.ToUniversalTime()),
                EndsOn = schedule.EndsOn is { } until ? Clock.Truncate(until.ToUniversalTime()) : null,
                Instances = schedule.End == ReviewEnd.AfterCount ? schedule.Instances : null,
            },
            Scope = definition.Scope with { ScopePath = definition.Scope.ScopePath is { } p && ScopePath.TryParse(p, out var parsed, out _) ? parsed.Value : null },
        };
    }

    /// <summary>A definition's own field names, as they sit in the request body.</summary>
    private static ElevateError InDefinition(ElevateError e) => e with { Field = e.Field is null ? "definition" : $"definition.{e.Field}" };

    private static int IndexOf(IReadOnlyList<DecisionInput> decisions, Guid id)
    {
        for (var n = 0; n < decisions.Count; n++)
        {
            if (decisions[n].ItemId == id)
            {
                return n;
            }
        }

        return 0;
    }

    private static ElevateError ReviewNotFound() => ElevateError.NotFound(ErrorCodes.ReviewNotFound, "id", "No such access review (or you may not see it).");

    private static string Name(ReviewStatus status) => status == ReviewStatus.Stopped ? "stopped" : status == ReviewStatus.Completed ? "completed" : "active";

    private static string Camel(string value) => System.Text.Json.JsonNamingPolicy.CamelCase.ConvertName(value);

    private static string Iso(DateTimeOffset? at) => at?.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture) ?? "";

    private static void Row(StringBuilder csv, params string?[] values) => csv.Append(Csv.Row(values));
}
