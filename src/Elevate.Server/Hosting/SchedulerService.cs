using Elevate.Core.Scheduling;
using Microsoft.Extensions.Options;

namespace Elevate.Server.Hosting;

/// <summary>Runs the durable grant scheduler for the life of the host.</summary>
public sealed class SchedulerService(GrantScheduler scheduler, IOptions<ElevateOptions> options) : BackgroundService
{
    protected override Task ExecuteAsync(CancellationToken stoppingToken) =>
        options.Value.RunScheduler ? scheduler.RunAsync(stoppingToken) : Task.CompletedTask;
}
