using Elevate.Core.Approvals;
using Elevate.Core.Common;
using Elevate.Core.Mfa;
using Elevate.Server.Api;
using Elevate.Server.Requests;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Elevate.Server.Approvals;

/// <summary>Deciding requests that wait for approval: one at a time or many, and seeing what waits for whom.</summary>
public static class ApprovalEndpoints
{
    public const int MaxBulk = 100;

    public sealed record DecisionBody(string? Reason, StepUpProof? Mfa);

    public sealed record ChallengeBody(ApprovalVerdict? Verdict);

    public sealed record BulkItem(Guid? RequestId, ApprovalVerdict? Verdict, string? Reason);

    public sealed record BulkBody(IReadOnlyList<BulkItem>? Decisions);

    /// <summary>One item's outcome: the request's status after it, or the problem that stopped it.</summary>
    public sealed record BulkResult(Guid? RequestId, Elevate.Core.Requests.RequestStatus? Status, Problems.ProblemItem? Problem);

    public sealed record BulkView(IReadOnlyList<BulkResult> Results);

    public static RouteGroupBuilder MapApprovals(this RouteGroupBuilder api)
    {
        var requests = api.MapGroup("requests").WithTags("Approvals");
        requests.MapGet("awaiting-me", AwaitingAsync).WithName("ListRequestsAwaitingMe")
            .WithSummary("Requests whose current approval stage you may decide and have not decided yet, oldest first.");
        requests.MapGet("{id:guid}/approval", GetAsync).WithName("GetRequestApproval").WithSummary("A request's approval stages and decisions.");
        requests.MapPost("{id:guid}/approve", (Guid id, DecisionBody body, ApprovalService approvals, TimeProvider time, HttpContext http, CancellationToken ct) =>
            DecideAsync(id, ApprovalVerdict.Approve, body, approvals, time, http, ct)).WithName("ApproveRequest")
            .WithSummary("Approve the current stage of a request you may decide (never your own). Honours reason and, where the role requires it, mfa.");
        requests.MapPost("{id:guid}/deny", (Guid id, DecisionBody body, ApprovalService approvals, TimeProvider time, HttpContext http, CancellationToken ct) =>
            DecideAsync(id, ApprovalVerdict.Deny, body, approvals, time, http, ct)).WithName("DenyRequest")
            .WithSummary("Deny a request you may decide, with a reason; it ends the request.");
        requests.MapPost("{id:guid}/decision-challenge", ChallengeAsync).WithName("RequestDecisionChallenge")
            .WithSummary("A WebAuthn challenge bound to this request and verdict, for roles that require MFA to approve.");
        requests.MapPost("decisions", BulkAsync).WithName("DecideRequests")
            .WithSummary($"Approve or deny up to {MaxBulk} requests at once; each is decided on its own and reported (requests whose role requires MFA to approve are refused here).");
        return api;
    }

    private static async Task<Ok<PageView<RequestView>>> AwaitingAsync(int? limit, ApprovalService approvals, TimeProvider time, HttpContext http, CancellationToken ct)
    {
        var now = time.UtcNow();
        var items = await approvals.AwaitingAsync(http.Actor(), Math.Clamp(limit ?? 50, 1, 200), ct);
        return TypedResults.Ok(new PageView<RequestView>(items.Select(r => RequestView.From(r, null, now)).ToList(), null));
    }

    private static async Task<Results<Ok<ApprovalView>, ProblemHttpResult>> GetAsync(Guid id, ApprovalService approvals, HttpContext http, CancellationToken ct) =>
        Respond.Ok(await approvals.GetAsync(id, http.Actor(), ct), ApprovalView.From);

    private static async Task<Results<Ok<DecidedView>, ProblemHttpResult>> DecideAsync(
        Guid id, ApprovalVerdict verdict, DecisionBody body, ApprovalService approvals, TimeProvider time, HttpContext http, CancellationToken ct)
    {
        if (body.Mfa is { } proof && (proof.Totp is null) == (proof.WebAuthn is null))
        {
            return Problems.From(ElevateError.Validation(ErrorCodes.InvalidValue, "mfa", "Give exactly one factor: mfa.totp or mfa.webAuthn."));
        }

        var result = await approvals.DecideAsync(id, new DecisionInput(verdict, body.Reason, body.Mfa), http.Actor(), ct);
        var now = time.UtcNow();
        return Respond.Ok(result, state => new DecidedView(RequestView.From(state.Request, null, now), ApprovalView.From(state)));
    }

    private static async Task<Results<Ok<RequestEndpoints.ChallengeView>, ProblemHttpResult>> ChallengeAsync(
        Guid id, ChallengeBody body, ApprovalService approvals, HttpContext http, CancellationToken ct)
    {
        if (body.Verdict is not { } verdict)
        {
            return Problems.From(ElevateError.Validation(ErrorCodes.Required, "verdict", "Say which decision the factor is for: approve or deny."));
        }

        var ceremony = await approvals.DecisionChallengeAsync(id, verdict, http.Actor(), ct);
        if (!ceremony.IsSuccess)
        {
            return Problems.From(ceremony.Error);
        }

        using var options = System.Text.Json.JsonDocument.Parse(ceremony.Value.OptionsJson);
        return TypedResults.Ok(new RequestEndpoints.ChallengeView(ceremony.Value.ChallengeId, options.RootElement.Clone(), ceremony.Value.ExpiresAt));
    }

    private static async Task<Results<Ok<BulkView>, ProblemHttpResult>> BulkAsync(BulkBody body, ApprovalService approvals, HttpContext http, CancellationToken ct)
    {
        if (body.Decisions is not { Count: > 0 and <= MaxBulk } items)
        {
            return Problems.From(ElevateError.Validation(ErrorCodes.InvalidValue, "decisions", $"Send 1 to {MaxBulk} decisions."));
        }

        for (var i = 0; i < items.Count; i++)
        {
            if (items[i].RequestId is null || items[i].Verdict is null)
            {
                return Problems.From(ElevateError.Validation(ErrorCodes.Required, items[i].RequestId is null ? $"decisions[{i}].requestId" : $"decisions[{i}].verdict",
                    "Each decision names a requestId and a verdict (approve or deny)."));
            }
        }

        // Each decision is its own change: one refused (not an approver, already decided) does not undo the others.
        var results = new List<BulkResult>();
        foreach (var item in items)
        {
            var outcome = await approvals.DecideAsync(item.RequestId!.Value, new DecisionInput(item.Verdict!.Value, item.Reason, null), http.Actor(), ct);
            results.Add(outcome.IsSuccess
                ? new BulkResult(item.RequestId, outcome.Value.Request.Status, null)
                : new BulkResult(item.RequestId, null, new Problems.ProblemItem(outcome.Error.Code, outcome.Error.Field, outcome.Error.Message)));
        }

        return TypedResults.Ok(new BulkView(results));
    }
}
