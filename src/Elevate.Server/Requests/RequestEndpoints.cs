using Elevate.Core.Common;
using Elevate.Core.Requests;
using Elevate.Server.Api;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Elevate.Server.Requests;

/// <summary>Every change to an assignment: activation, deactivation, assignment by an administrator, extension, removal.</summary>
public static class RequestEndpoints
{
    public const string IdempotencyHeader = "Idempotency-Key";

    /// <summary>The dry-run answer: what the request needs and what is wrong with it, nothing changed.</summary>
    public sealed record DryRunView(
        bool ValidateOnly, bool WouldSucceed, RequestStatus? WouldBe, Requirements Requirements, IReadOnlyList<Problems.ProblemItem> Problems,
        ScheduleView? Schedule, Guid? EligibilityId, IReadOnlyList<string> AcceptableFactors);

    public static RouteGroupBuilder MapRequests(this RouteGroupBuilder api)
    {
        var requests = api.MapGroup("requests").WithTags("Requests");
        requests.MapPost("", SubmitAsync).WithName("SubmitRequest")
            .WithSummary("Submit a request (selfActivate, selfDeactivate, adminAssign, ...). validateOnly=true answers what it would need. Honours Idempotency-Key and If-Match.");
        requests.MapPost("challenge", ChallengeAsync).WithName("RequestStepUpChallenge")
            .WithSummary("A WebAuthn challenge bound to this request's content (same body as POST /requests); answer it with a passkey and send the answer as mfa.webAuthn.");
        requests.MapGet("", ListAsync).WithName("ListRequests").WithSummary("Requests, newest first: yours, or everyone's for readers of assignments (mine=true for yours only).");
        requests.MapGet("{id:guid}", GetAsync).WithName("GetRequest").WithSummary("One request.");
        requests.MapPost("{id:guid}/cancel", CancelAsync).WithName("CancelRequest").WithSummary("Withdraw a pending or scheduled request (its requester or an administrator).");
        return api;
    }

    private static async Task<Results<Created<RequestView>, Ok<RequestView>, Ok<DryRunView>, ProblemHttpResult>> SubmitAsync(
        SubmitRequest body, RequestService requests, TimeProvider time, HttpContext http, CancellationToken ct)
    {
        if (body.ValidateOnly)
        {
            var dry = await requests.DryRunAsync(body, http.Actor(), ct);
            if (!dry.IsSuccess)
            {
                return Problems.From(dry.Error);
            }

            var evaluation = dry.Value.Evaluation;
            var window = evaluation.Window;
            return TypedResults.Ok(new DryRunView(
                true,
                evaluation.IsAccepted,
                dry.Value.WouldBe,
                evaluation.Requirements,
                evaluation.Problems.Select(p => new Problems.ProblemItem(p.Code, p.Field, p.Message)).ToList(),
                window is null ? null : new ScheduleView(window.StartsAt, window.EndsAt, window.Length, null),
                evaluation.Eligibility?.Id,
                dry.Value.AcceptableFactors));
        }

        var key = http.Request.Headers[IdempotencyHeader].ToString();
        if (key.Length > 200 || (key.Length > 0 && key.Any(char.IsControl)))
        {
            return Problems.From(ElevateError.Validation(ErrorCodes.InvalidValue, IdempotencyHeader, "An Idempotency-Key is 1 to 200 printable characters."));
        }

        var ifMatch = Http.IfMatch(http.Request);
        if (!ifMatch.IsSuccess)
        {
            return Problems.From(ifMatch.Error);
        }

        var result = await requests.SubmitAsync(body, http.Actor(), key.Length == 0 ? null : key, ifMatch.Value, ct);
        if (!result.IsSuccess)
        {
            return Problems.From(result.Error);
        }

        var outcome = result.Value;
        var view = RequestView.From(outcome.Request, outcome.Assignment, time.UtcNow());
        if (outcome.Replayed)
        {
            http.Response.Headers["Idempotent-Replayed"] = "true";
            return TypedResults.Ok(view);
        }

        return TypedResults.Created($"/api/v1/requests/{outcome.Request.Id}", view);
    }

    /// <summary>A step-up challenge: <c>options</c> go to <c>navigator.credentials.get</c>, <c>challengeId</c> comes back with the answer.</summary>
    public sealed record ChallengeView(string ChallengeId, System.Text.Json.JsonElement Options, DateTimeOffset ExpiresAt);

    private static async Task<Results<Ok<ChallengeView>, ProblemHttpResult>> ChallengeAsync(SubmitRequest body, RequestService requests, HttpContext http, CancellationToken ct)
    {
        var ceremony = await requests.StepUpChallengeAsync(body, http.Actor(), ct);
        if (!ceremony.IsSuccess)
        {
            return Problems.From(ceremony.Error);
        }

        using var options = System.Text.Json.JsonDocument.Parse(ceremony.Value.OptionsJson);
        return TypedResults.Ok(new ChallengeView(ceremony.Value.ChallengeId, options.RootElement.Clone(), ceremony.Value.ExpiresAt));
    }

    private static async Task<Results<Ok<PageView<RequestView>>, ProblemHttpResult>> ListAsync(
        bool? mine, string? principalId, string? roleId, string? status, string? cursor, int? limit,
        RequestService requests, TimeProvider time, HttpContext http, CancellationToken ct)
    {
        var principal = Http.Id(principalId, "principalId");
        var role = Http.Id(roleId, "roleId");
        var parsedStatus = Http.Enum<RequestStatus>(status, "status");
        if (Respond.FirstError(principal.Error, role.Error, parsedStatus.Error) is { } invalid)
        {
            return Problems.From(invalid);
        }

        var filter = new RequestService.ListFilter(mine ?? false, principal.Value, role.Value, parsedStatus.Value, cursor, limit);
        var now = time.UtcNow();
        return Respond.Page(await requests.ListAsync(filter, http.Actor(), ct), r => RequestView.From(r, null, now));
    }

    private static async Task<Results<Ok<RequestView>, ProblemHttpResult>> GetAsync(Guid id, RequestService requests, TimeProvider time, HttpContext http, CancellationToken ct)
    {
        var now = time.UtcNow();
        return Respond.Ok(await requests.GetAsync(id, http.Actor(), ct), r => RequestView.From(r, null, now));
    }

    private static async Task<Results<Ok<RequestView>, ProblemHttpResult>> CancelAsync(Guid id, RequestService requests, TimeProvider time, HttpContext http, CancellationToken ct)
    {
        var now = time.UtcNow();
        return Respond.Ok(await requests.CancelAsync(id, http.Actor(), ct), r => RequestView.From(r, null, now));
    }
}
