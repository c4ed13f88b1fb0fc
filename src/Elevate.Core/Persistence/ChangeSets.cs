using Elevate.Core.Audit;

namespace Elevate.Core.Persistence;

/// <summary>Starts <see cref="ChangeSet"/>s on the scope's context, with the clock and the commit observer wired in.</summary>
public sealed class ChangeSets(ElevateDbContext db, TimeProvider time, IChangeObserver observer)
{
    public ElevateDbContext Db => db;

    public Task<ChangeSet> BeginAsync(Actor actor, CancellationToken ct) => ChangeSet.BeginAsync(db, actor, time, observer, ct);
}
