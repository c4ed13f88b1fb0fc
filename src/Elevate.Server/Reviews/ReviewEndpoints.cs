using System.Text;
using Elevate.Core.Assignments;
using Elevate.Core.Principals;
using Elevate.Core.Reviews;
using Elevate.Server.Api;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Elevate.Server.Reviews;

/// <summary>
/// Access reviews: definitions (create, edit, stop), instances with progress and results, close and apply, the CSV
/// evidence, and the reviewer's side (what waits for me, decide one or many, accept recommendations).
/// </summary>
public static class ReviewEndpoints
{
    public sealed record ReviewBody(string? Name, string? Description, Guid? OwnerId, ReviewDefinition? Definition);

    public sealed record StopBody(string? Reason);

    public sealed record DecisionItem(Guid? ItemId, ReviewVerdict? Decision, string? Reason);

    public sealed record DecisionsBody(IReadOnlyList<DecisionItem>? Items);

    public sealed record ReviewView(
        Guid Id, string Name, string? Description, Guid OwnerId, ReviewStatus Status, ReviewDefinition Definition, DateTimeOffset? NextStartAt,
        int InstancesStarted, DateTimeOffset CreatedAt, Guid? CreatedById, DateTimeOffset UpdatedAt, DateTimeOffset? StoppedAt, int Version)
    {
        public static ReviewView From(AccessReview r) =>
            new(r.Id, r.Name, r.Description, r.OwnerId, r.Status, r.Read(), r.NextStartAt, r.InstancesStarted, r.CreatedAt, r.CreatedById, r.UpdatedAt, r.StoppedAt, r.Version);
    }

    public sealed record InstanceView(
        Guid Id, Guid ReviewId, int Number, InstanceStatus Status, DateTimeOffset StartsAt, DateTimeOffset EndsAt, int ItemCount, DateTimeOffset? ReminderAt,
        DateTimeOffset? ClosedAt, Guid? ClosedById, DateTimeOffset? AppliedAt, Guid? AppliedById)
    {
        public static InstanceView From(ReviewInstance i) =>
            new(i.Id, i.ReviewId, i.Number, i.Status, i.StartsAt, i.EndsAt, i.ItemCount, i.ReminderAt, i.ClosedAt, i.ClosedById, i.AppliedAt, i.AppliedById);
    }

    public sealed record ProgressView(
        InstanceView Instance, string Review, int Items, int Decided, int Approved, int Denied, int DontKnow, int Undecided, int WithoutReviewer,
        IReadOnlyList<ReviewerProgress> ByReviewer, ReviewRunner.Summary? Results)
    {
        public static ProgressView From(InstanceProgress p) =>
            new(InstanceView.From(p.Instance), p.Review.Name, p.Items, p.Decided, p.Approved, p.Denied, p.DontKnow, p.Undecided, p.WithoutReviewer, p.ByReviewer, p.Results);
    }

    public sealed record NamedRef(Guid Id, string Name);

    public sealed record DecisionView(int Stage, ReviewVerdict Decision, string? Reason, NamedRef Reviewer, DateTimeOffset DecidedAt, bool AcceptedRecommendation);

    public sealed record ItemView(
        Guid Id, Guid InstanceId, Guid AssignmentId, NamedRef Principal, PrincipalKind PrincipalKind, NamedRef? ViaGroup, NamedRef Role, string Scope,
        AssignmentKind Kind, DateTimeOffset AssignmentStartsAt, DateTimeOffset? AssignmentEndsAt, DateTimeOffset? LastActivityAt, ReviewVerdict? Recommendation,
        string? RecommendationReason, int Stage, ReviewVerdict? Decision, NamedRef? DecidedBy, DateTimeOffset? DecidedAt, string? Reason, ReviewResult? Result,
        bool ResultIsDefault, ReviewOutcome Outcome, string? OutcomeDetail, Guid? RemovalRequestId, bool AccessEnded, bool CanDecide, IReadOnlyList<DecisionView> Decisions)
    {
        public static ItemView From(ReviewItemView v)
        {
            var i = v.Item;
            return new(i.Id, i.InstanceId, i.AssignmentId, new(i.PrincipalId, i.PrincipalName), i.PrincipalKind, i.ViaGroupId is { } g ? new(g, i.ViaGroupName ?? "") : null,
                new(i.RoleId, i.RoleName), i.Scope, i.Kind, i.AssignmentStartsAt, i.AssignmentEndsAt, i.LastActivityAt, i.Recommendation, i.RecommendationReason, i.Stage,
                i.Decision, i.DecidedById is { } by ? new(by, i.DecidedByName ?? "") : null, i.DecidedAt, i.DecisionReason, i.Result, i.ResultIsDefault, i.Outcome,
                i.OutcomeDetail, i.RemovalRequestId, v.AccessEnded, v.CanDecide,
                [.. v.Decisions.Select(d => new DecisionView(d.Stage, d.Verdict, d.Reason, new(d.ReviewerId, d.ReviewerName), d.DecidedAt, d.AcceptedRecommendation))]);
        }
    }

    public sealed record PendingView(InstanceView Instance, string Review, int Pending);

    public sealed record DecidedView(int Decided, IReadOnlyList<Guid> ItemIds);

    public static RouteGroupBuilder MapReviews(this RouteGroupBuilder api)
    {
        var reviews = api.MapGroup("access-reviews").WithTags("Access reviews");
        reviews.MapGet("", ListAsync).WithName("ListAccessReviews")
            .WithSummary("Review definitions: all of them for auditors and administrators, one's own for an owner.");
        reviews.MapPost("", CreateAsync).WithName("CreateAccessReview")
            .WithSummary("Define a review: scope, reviewers (stages), schedule, recommendations, default decision, auto-apply. Needs Privileged Role Administrator at the review's scope.");
        reviews.MapGet("{id:guid}", GetAsync).WithName("GetAccessReview").WithSummary("One review definition (ETag for If-Match).");
        reviews.MapPut("{id:guid}", UpdateAsync).WithName("UpdateAccessReview")
            .WithSummary("Replace a review's definition; instances already running keep theirs, the next ones use the new one.");
        reviews.MapPost("{id:guid}/stop", StopAsync).WithName("StopAccessReview")
            .WithSummary("Stop a review: no further instance starts, and a running instance closes now with the default for undecided items.");
        reviews.MapGet("{id:guid}/instances", InstancesAsync).WithName("ListAccessReviewInstances").WithSummary("The review's instances, newest first.");

        var instances = api.MapGroup("access-review-instances").WithTags("Access reviews");
        instances.MapGet("{id:guid}", ProgressAsync).WithName("GetAccessReviewInstance")
            .WithSummary("An instance's progress (decided, how, by whom) and, once closed, its results. Owner, auditors and administrators.");
        instances.MapGet("{id:guid}/items", ItemsAsync).WithName("ListAccessReviewItems")
            .WithSummary("An instance's items with recommendations, decisions, results and outcomes; decision = all, undecided, approve, deny or dontKnow.");
        instances.MapGet("{id:guid}/export", ExportAsync).WithName("ExportAccessReviewInstance")
            .WithSummary("Every item and decision of an instance as CSV: evidence for auditors.");
        instances.MapPost("{id:guid}/close", CloseAsync).WithName("CloseAccessReviewInstance")
            .WithSummary("Close an instance before its end; undecided items get the default decision.");
        instances.MapPost("{id:guid}/apply", ApplyAsync).WithName("ApplyAccessReviewInstance")
            .WithSummary("Apply a closed instance's results: denied access is removed through adminRemove requests; failures are reported per item and retried by applying again.");
        instances.MapPost("{id:guid}/decisions", DecideAsync).WithName("DecideAccessReviewItems")
            .WithSummary("Approve, deny or don't know, for one item or many (all or none); changeable until the instance closes.");
        instances.MapPost("{id:guid}/accept-recommendations", AcceptAsync).WithName("AcceptAccessReviewRecommendations")
            .WithSummary("Decide every item waiting for you as its recommendation says.");

        var mine = api.MapGroup("me/access-reviews").WithTags("Access reviews");
        mine.MapGet("", MineAsync).WithName("ListMyAccessReviews").WithSummary("Running instances with items waiting for your decision, and how many.");
        mine.MapGet("{id:guid}/items", MyItemsAsync).WithName("ListMyAccessReviewItems")
            .WithSummary("Your items in an instance (pending=true: only those waiting for you), with recommendations and whether you may decide each now.");
        return api;
    }

    private static async Task<Results<Ok<List<ReviewView>>, ProblemHttpResult>> ListAsync(ReviewService reviews, HttpContext http, CancellationToken ct)
    {
        var result = await reviews.ListAsync(http.Actor(), ct);
        return result.IsSuccess ? TypedResults.Ok(result.Value.Select(ReviewView.From).ToList()) : Problems.From(result.Error);
    }

    private static async Task<Results<Created<ReviewView>, ProblemHttpResult>> CreateAsync(ReviewBody body, ReviewService reviews, HttpContext http, CancellationToken ct)
    {
        var result = await reviews.CreateAsync(new ReviewInput(body.Name, body.Description, body.OwnerId, body.Definition), http.Actor(), ct);
        if (result.IsSuccess)
        {
            Http.SetETag(http.Response, result.Value.Version);
        }

        return Respond.Created(result, r => $"/api/v1/access-reviews/{r.Id}", ReviewView.From);
    }

    private static async Task<Results<Ok<ReviewView>, ProblemHttpResult>> GetAsync(Guid id, ReviewService reviews, HttpContext http, CancellationToken ct)
    {
        var result = await reviews.GetAsync(id, http.Actor(), ct);
        if (result.IsSuccess)
        {
            Http.SetETag(http.Response, result.Value.Version);
        }

        return Respond.Ok(result, ReviewView.From);
    }

    private static async Task<Results<Ok<ReviewView>, ProblemHttpResult>> UpdateAsync(Guid id, ReviewBody body, ReviewService reviews, HttpContext http, CancellationToken ct)
    {
        var ifMatch = Http.IfMatch(http.Request);
        if (!ifMatch.IsSuccess)
        {
            return Problems.From(ifMatch.Error);
        }

        var result = await reviews.UpdateAsync(id, new ReviewInput(body.Name, body.Description, body.OwnerId, body.Definition), ifMatch.Value, http.Actor(), ct);
        if (result.IsSuccess)
        {
            Http.SetETag(http.Response, result.Value.Version);
        }

        return Respond.Ok(result, ReviewView.From);
    }

    private static async Task<Results<Ok<ReviewView>, ProblemHttpResult>> StopAsync(Guid id, StopBody? body, ReviewService reviews, HttpContext http, CancellationToken ct) =>
        Respond.Ok(await reviews.StopAsync(id, body?.Reason, http.Actor(), ct), ReviewView.From);

    private static async Task<Results<Ok<List<InstanceView>>, ProblemHttpResult>> InstancesAsync(Guid id, ReviewService reviews, HttpContext http, CancellationToken ct)
    {
        var result = await reviews.InstancesAsync(id, http.Actor(), ct);
        return result.IsSuccess ? TypedResults.Ok(result.Value.Select(InstanceView.From).ToList()) : Problems.From(result.Error);
    }

    private static async Task<Results<Ok<ProgressView>, ProblemHttpResult>> ProgressAsync(Guid id, ReviewService reviews, HttpContext http, CancellationToken ct) =>
        Respond.Ok(await reviews.ProgressAsync(id, http.Actor(), ct), ProgressView.From);

    private static async Task<Results<Ok<PageView<ItemView>>, ProblemHttpResult>> ItemsAsync(
        Guid id, string? decision, string? cursor, int? limit, ReviewService reviews, HttpContext http, CancellationToken ct) =>
        Respond.Page(await reviews.ItemsAsync(id, new ReviewService.ItemFilter(decision, cursor, limit), http.Actor(), ct), ItemView.From);

    private static async Task<IResult> ExportAsync(Guid id, ReviewService reviews, HttpContext http, CancellationToken ct)
    {
        var result = await reviews.ExportCsvAsync(id, http.Actor(), ct);
        return result.IsSuccess
            ? TypedResults.File(Encoding.UTF8.GetBytes(result.Value), "text/csv; charset=utf-8", $"access-review-{id:N}.csv")
            : Problems.From(result.Error);
    }

    private static async Task<Results<Ok<InstanceView>, ProblemHttpResult>> CloseAsync(Guid id, ReviewService reviews, HttpContext http, CancellationToken ct) =>
        Respond.Ok(await reviews.CloseAsync(id, http.Actor(), ct), InstanceView.From);

    private static async Task<Results<Ok<ReviewRunner.Summary>, ProblemHttpResult>> ApplyAsync(Guid id, ReviewService reviews, HttpContext http, CancellationToken ct) =>
        Respond.Ok(await reviews.ApplyAsync(id, http.Actor(), ct), s => s);

    private static async Task<Results<Ok<DecidedView>, ProblemHttpResult>> DecideAsync(Guid id, DecisionsBody body, ReviewService reviews, HttpContext http, CancellationToken ct)
    {
        var items = body.Items ?? [];
        for (var n = 0; n < items.Count; n++)
        {
            if (items[n] is null)
            {
                return Problems.From(Core.Common.ElevateError.Validation(Core.Common.ErrorCodes.InvalidValue, $"items[{n}]", "An item and its decision."));
            }

            if (items[n].ItemId is null)
            {
                return Problems.From(Core.Common.ElevateError.Validation(Core.Common.ErrorCodes.Required, $"items[{n}].itemId", "The item decided."));
            }

            if (items[n].Decision is null)
            {
                return Problems.From(Core.Common.ElevateError.Validation(Core.Common.ErrorCodes.Required, $"items[{n}].decision", "approve, deny or dontKnow."));
            }
        }

        var result = await reviews.DecideAsync(id, [.. items.Select(i => new DecisionInput(i.ItemId!.Value, i.Decision!.Value, i.Reason))], http.Actor(), ct);
        return Respond.Ok(result, decided => new DecidedView(decided.Count, [.. decided.Select(i => i.Id)]));
    }

    private static async Task<Results<Ok<DecidedView>, ProblemHttpResult>> AcceptAsync(Guid id, ReviewService reviews, HttpContext http, CancellationToken ct) =>
        Respond.Ok(await reviews.AcceptRecommendationsAsync(id, http.Actor(), ct), decided => new DecidedView(decided.Count, [.. decided.Select(i => i.Id)]));

    private static async Task<Results<Ok<List<PendingView>>, ProblemHttpResult>> MineAsync(ReviewService reviews, HttpContext http, CancellationToken ct)
    {
        var result = await reviews.MyPendingAsync(http.Actor(), ct);
        return result.IsSuccess
            ? TypedResults.Ok(result.Value.Select(p => new PendingView(InstanceView.From(p.Instance), p.Review, p.Pending)).ToList())
            : Problems.From(result.Error);
    }

    private static async Task<Results<Ok<PageView<ItemView>>, ProblemHttpResult>> MyItemsAsync(
        Guid id, bool? pending, string? cursor, int? limit, ReviewService reviews, HttpContext http, CancellationToken ct)
    {
        var result = await reviews.ReviewerItemsAsync(id, pending ?? false, cursor, limit, http.Actor(), ct);
        return result.IsSuccess
            ? TypedResults.Ok(new PageView<ItemView>([.. result.Value.Items.Items.Select(ItemView.From)], result.Value.Items.NextCursor))
            : Problems.From(result.Error);
    }
}
