using System.Data.Common;
using Microsoft.EntityFrameworkCore.Diagnostics;

namespace Elevate.Bench.Hosting;

/// <summary>
/// Where a use case's time goes: adds up the time of every database command (a reader from execution until it is
/// disposed, so reading the rows, and EF materialising them, is included; other commands until executed) and keeps
/// the slowest. Observes only; the benchmark resets it around the call it times.
/// </summary>
public sealed class CommandTimer : DbCommandInterceptor
{
    private readonly Lock _gate = new();
    private readonly List<(TimeSpan Duration, string Sql)> _commands = [];
    private readonly Dictionary<DbCommand, long> _started = new(ReferenceEqualityComparer.Instance);

    /// <summary>A context whose commands are not counted (a concurrent probe's).</summary>
    public Microsoft.EntityFrameworkCore.DbContext? Ignored { get; set; }

    public void Reset()
    {
        lock (_gate)
        {
            _commands.Clear();
        }
    }

    /// <summary>Total time, count and the slowest commands since the last reset.</summary>
    public (TimeSpan Total, int Count, IReadOnlyList<(TimeSpan Duration, string Sql)> Slowest) Read(int slowest = 3)
    {
        lock (_gate)
        {
            var total = TimeSpan.FromTicks(_commands.Sum(c => c.Duration.Ticks));
            return (total, _commands.Count, [.. _commands.OrderByDescending(c => c.Duration).Take(slowest)]);
        }
    }

    // Timed here from execution to the reader's disposal (or the end of a non-query / scalar), with our own clock.
    public override InterceptionResult<DbDataReader> ReaderExecuting(DbCommand command, CommandEventData eventData, InterceptionResult<DbDataReader> result)
    {
        Start(command, eventData);
        return result;
    }

    public override ValueTask<InterceptionResult<DbDataReader>> ReaderExecutingAsync(
        DbCommand command, CommandEventData eventData, InterceptionResult<DbDataReader> result, CancellationToken cancellationToken = default)
    {
        Start(command, eventData);
        return ValueTask.FromResult(result);
    }

    public override InterceptionResult<int> NonQueryExecuting(DbCommand command, CommandEventData eventData, InterceptionResult<int> result)
    {
        Start(command, eventData);
        return result;
    }

    public override ValueTask<InterceptionResult<int>> NonQueryExecutingAsync(
        DbCommand command, CommandEventData eventData, InterceptionResult<int> result, CancellationToken cancellationToken = default)
    {
        Start(command, eventData);
        return ValueTask.FromResult(result);
    }

    public override InterceptionResult<object> ScalarExecuting(DbCommand command, CommandEventData eventData, InterceptionResult<object> result)
    {
        Start(command, eventData);
        return result;
    }

    public override ValueTask<InterceptionResult<object>> ScalarExecutingAsync(
        DbCommand command, CommandEventData eventData, InterceptionResult<object> result, CancellationToken cancellationToken = default)
    {
        Start(command, eventData);
        return ValueTask.FromResult(result);
    }

    public override InterceptionResult DataReaderDisposing(DbCommand command, DataReaderDisposingEventData eventData, InterceptionResult result)
    {
        Stop(command);
        return result;
    }

    public override int NonQueryExecuted(DbCommand command, CommandExecutedEventData eventData, int result)
    {
        Stop(command);
        return result;
    }

    public override ValueTask<int> NonQueryExecutedAsync(DbCommand command, CommandExecutedEventData eventData, int result, CancellationToken cancellationToken = default)
    {
        Stop(command);
        return ValueTask.FromResult(result);
    }

    public override object? ScalarExecuted(DbCommand command, CommandExecutedEventData eventData, object? result)
    {
        Stop(command);
        return result;
    }

    public override ValueTask<object?> ScalarExecutedAsync(DbCommand command, CommandExecutedEventData eventData, object? result, CancellationToken cancellationToken = default)
    {
        Stop(command);
        return ValueTask.FromResult(result);
    }

    public override void CommandFailed(DbCommand command, CommandErrorEventData eventData) => Stop(command);

    public override Task CommandFailedAsync(DbCommand command, CommandErrorEventData eventData, CancellationToken cancellationToken = default)
    {
        Stop(command);
        return Task.CompletedTask;
    }

    private void Start(DbCommand command, CommandEventData eventData)
    {
        if (eventData.Context is { } context && ReferenceEquals(context, Ignored))
        {
            return;
        }

        lock (_gate)
        {
            _started[command] = System.Diagnostics.Stopwatch.GetTimestamp();
        }
    }

    private void Stop(DbCommand command)
    {
        var now = System.Diagnostics.Stopwatch.GetTimestamp();
        lock (_gate)
        {
            if (_started.Remove(command, out var started))
            {
                _commands.Add((System.Diagnostics.Stopwatch.GetElapsedTime(started, now), command.CommandText));
            }
        }
    }
}
