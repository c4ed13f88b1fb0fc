using Elevate.Core.Persistence;
using Elevate.Core.Principals;
using Microsoft.AspNetCore.Mvc.ModelBinding;
using Microsoft.EntityFrameworkCore;

namespace Elevate.Server.Portal.Admin.Roles;

/// <summary>
/// Approvers and reviewers are typed as user and group names and stored as ids: names are looked up by their
/// normalized form, the indexed column, and only the names asked for are read.
/// </summary>
public static class ApproverNames
{
    /// <summary>The names of these principals; an id nobody has any more reads as itself.</summary>
    public static async Task<IReadOnlyDictionary<Guid, string>> OfAsync(ElevateDbContext db, IEnumerable<Guid> ids, CancellationToken ct)
    {
        var wanted = ids.Distinct().ToList();
        if (wanted.Count == 0)
        {
            return new Dictionary<Guid, string>();
        }

        return await db.Principals.AsNoTracking().Where(p => wanted.Contains(p.Id)).ToDictionaryAsync(p => p.Id, p => p.Name, ct);
    }

    /// <summary>
    /// Resolves comma-separated user and group names, in the order given; an unknown name or a service account is an
    /// error on <paramref name="key"/> (and is left out).
    /// </summary>
    public static async Task<IReadOnlyList<Guid>> ResolveAsync(ElevateDbContext db, string? text, string key, ModelStateDictionary state, CancellationToken ct) =>
        [.. (await ResolveNamedAsync(db, text, key, "approve", state, ct)).Select(p => p.Id)];

    /// <summary>
    /// <see cref="ResolveAsync"/> with the names as stored; <paramref name="task"/> is what a service account cannot do
    /// ("approve", "review"), for the error message.
    /// </summary>
    public static async Task<IReadOnlyList<(Guid Id, string Name)>> ResolveNamedAsync(
        ElevateDbContext db, string? text, string key, string task, ModelStateDictionary state, CancellationToken ct)
    {
        var wanted = Split(text).DistinctBy(Principal.Normalize).ToList();
        if (wanted.Count == 0)
        {
            return [];
        }

        var normalized = wanted.Select(Principal.Normalize).ToList();
        var found = await db.Principals.AsNoTracking().Where(p => normalized.Contains(p.NormalizedName))
            .Select(p => new { p.Id, p.Name, p.NormalizedName, p.Kind }).ToListAsync(ct);
        var unknown = wanted.Where(w => !found.Any(f => f.NormalizedName == Principal.Normalize(w))).ToList();
        if (unknown.Count > 0)
        {
            state.AddModelError(key, unknown.Count == 1
                ? $"No user or group is named \u201c{unknown[0]}\u201d."
                : $"No user or group is named {string.Join(", ", unknown.Select(u => $"\u201c{u}\u201d"))}.");
        }

        var services = found.Where(f => f.Kind == PrincipalKind.ServiceAccount).ToList();
        if (services.Count > 0)
        {
            state.AddModelError(key, $"{string.Join(", ", services.Select(s => s.Name))}: a service account cannot {task}; name users or groups.");
        }

        return [.. wanted.Select(w => found.FirstOrDefault(f => f.NormalizedName == Principal.Normalize(w)))
            .Where(f => f is not null && f.Kind != PrincipalKind.ServiceAccount).Select(f => (f!.Id, f.Name))];
    }

    /// <summary>Comma-, semicolon- or line-separated entries, trimmed, blanks left out.</summary>
    public static IEnumerable<string> Split(string? text) =>
        (text ?? "").Split([',', ';', '\n'], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
}
