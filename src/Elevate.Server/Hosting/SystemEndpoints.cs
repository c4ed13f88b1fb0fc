using Elevate.Core.Access;
using Elevate.Core.Scheduling;
using Elevate.Server.Api;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;

namespace Elevate.Server.Hosting;

/// <summary>Health and the scheduler's state.</summary>
public static class SystemEndpoints
{
    public sealed record HealthView(string Status, Elevate.Core.Persistence.DatabaseProvider Database, long IndexSequence);

    public sealed record SchedulerView(SchedulerPass? LastPass);

    public static IEndpointRouteBuilder MapHealth(this IEndpointRouteBuilder app)
    {
        app.MapGet("/healthz", (AccessIndex index, IOptions<ElevateOptions> options) =>
                index.IsLoaded
                    ? Results.Ok(new HealthView("ok", options.Value.Database.Provider, index.Sequence))
                    : Results.Json(new HealthView("starting", options.Value.Database.Provider, index.Sequence), statusCode: 503))
            .WithTags("System").WithName("Health").WithSummary("Whether this instance is ready to serve.").AllowAnonymous();
        return app;
    }

    public static RouteGroupBuilder MapSystem(this RouteGroupBuilder api)
    {
        api.MapGet("system/scheduler", Scheduler).WithTags("System").WithName("SchedulerStatus")
            .WithSummary("The grant scheduler's last pass on this instance: what it did, how late, and when it wakes next.");
        return api;
    }

    private static Results<Ok<SchedulerView>, ProblemHttpResult> Scheduler(GrantScheduler scheduler, Authorizer authorizer, HttpContext http) =>
        authorizer.Require(http.Actor(), Permission.ReadAssignments) is { } denied
            ? Problems.From(denied)
            : TypedResults.Ok(new SchedulerView(scheduler.LastPass));
}
