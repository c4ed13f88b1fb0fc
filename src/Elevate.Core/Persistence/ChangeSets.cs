using Elevate.Core.Audit;

namespace Elevate.Core.Persistence;

/// <summary>Starts <see cref="ChangeSet"/>s on the scope's context, with the clock, the commit observer and the hooks wired in.</summary>
public sealed class ChangeSets(ElevateDbContext db, TimeProvider time, IChangeObserver observer, IEnumerable<IChangeSetHook> hooks)
{
    private readonly IReadOnlyList<IChangeSetHook> _hooks = [.. hooks];

    public ElevateDbContext Db => db;

    public Task<ChangeSet> BeginAsync(Actor actor, CancellationToken ct) => ChangeSet.BeginAsync(db, actor, time, observer, _hooks, ct);
}
