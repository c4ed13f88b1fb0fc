using System.Text.Json;
using Elevate.Core.Assignments;
using Elevate.Core.Audit;
using Elevate.Core.Common;
using Elevate.Core.Common.Json;
using Elevate.Core.Notifications;
using Elevate.Core.Persistence;
using Elevate.Core.Principals;
using Elevate.Core.Roles;
using Microsoft.EntityFrameworkCore;

namespace Elevate.Core.Alerts;

/// <summary>What one evaluation changed.</summary>
public sealed record EvaluationResult(int Raised, int Updated, int Reopened, int Resolved, TimeSpan Took)
{
    public int Changed => Raised + Updated + Reopened + Resolved;
}

/// <summary>
/// Evaluates the alert catalogue against the data. The findings are computed with plain reads (no lock is held while
/// the large queries run), then one change set raises, updates, reopens and resolves alerts, auditing each; the
/// planner turns raised and reopened alerts into messages to administrators. Several instances may evaluate at once:
/// each reconciles under the change-set lock against the alerts as they are then, so the second finds nothing to do.
/// </summary>
public sealed class AlertEvaluator(ChangeSets changes, TimeProvider time)
{
    /// <summary>Elevate's administrative roles: those that manage assignments.</summary>
    private static readonly Guid[] AdministratorRoles = BuiltInRoles.Granting(Access.Permission.ManageAssignments);

    public async Task<EvaluationResult> EvaluateAsync(CancellationToken ct)
    {
        var started = time.GetTimestamp();
        var settings = await AlertSettingsStore.ReadAsync(changes.Db, ct);
        var now = time.UtcNow();
        var findings = new List<Finding>();
        foreach (var type in Enum.GetValues<AlertType>().Where(t => !settings.Disabled.Contains(t)))
        {
            findings.Add(await FindAsync(type, settings, now, ct));
        }

        await using var cs = await changes.BeginAsync(Actor.System("alerts"), ct);
        var current = await cs.Db.SecurityAlerts.Where(a => a.Status != AlertStatus.Resolved).ToListAsync(ct);
        int raised = 0, updated = 0, reopened = 0, resolved = 0;
        foreach (var found in findings)
        {
            var alert = current.FirstOrDefault(a => a.Type == found.Type);
            if (alert is not null && alert.UpdatedAt > now)
            {
                // Another evaluation (or a fix) changed it after these findings were read: theirs is the newer view.
                continue;
            }

            var dismissed = alert is null ? [] : JsonSerializer.Deserialize<List<string>>(alert.DismissedKeys, ElevateJson.Options) ?? [];
            switch (AlertRules.Reconcile(alert, found, dismissed))
            {
                case AlertChange.Raise:
                    var definition = AlertCatalogue.Of(found.Type);
                    alert = new SecurityAlert
                    {
                        Id = Ids.New(cs.Now),
                        Type = found.Type,
                        Severity = definition.Severity,
                        Status = AlertStatus.Open,
                        RaisedAt = cs.Now,
                    };
                    Fill(alert, found, cs.Now);
                    cs.Db.SecurityAlerts.Add(alert);
                    cs.Audit(Record("alert.raised", alert));
                    raised++;
                    break;
                case AlertChange.Update:
                    Fill(alert!, found, cs.Now);
                    cs.Audit(Record("alert.updated", alert!));
                    updated++;
                    break;
                case AlertChange.Reopen:
                    Fill(alert!, found, cs.Now);
                    alert!.Status = AlertStatus.Open;
                    cs.Audit(Record("alert.reopened", alert));
                    reopened++;
                    break;
                case AlertChange.Resolve:
                    alert!.Status = AlertStatus.Resolved;
                    alert.ResolvedAt = cs.Now;
                    alert.UpdatedAt = cs.Now;
                    cs.Audit(Record("alert.resolved", alert));
                    resolved++;
                    break;
                case AlertChange.None:
                    break;
            }
        }

        // Types turned off resolve their open alerts: nobody is watching them any more.
        foreach (var alert in current.Where(a => settings.Disabled.Contains(a.Type)))
        {
            alert.Status = AlertStatus.Resolved;
            alert.ResolvedAt = cs.Now;
            alert.UpdatedAt = cs.Now;
            cs.Audit(Record("alert.resolved", alert) with { Details = AuditDetails.Of(new { type = alert.Type, reason = "alert type disabled" }) });
            resolved++;
        }

        if (cs.Records.Count > 0)
        {
            var committed = await cs.CommitAsync(ct);
            if (!committed.IsSuccess)
            {
                // Another instance reconciled at the same moment; its result stands.
                return new EvaluationResult(0, 0, 0, 0, time.GetElapsedTime(started));
            }
        }

        return new EvaluationResult(raised, updated, reopened, resolved, time.GetElapsedTime(started));
    }

    /// <summary>Open (not dismissed) alerts that name <paramref name="principalId"/>, by title: what an approver should know.</summary>
    public static async Task<IReadOnlyList<string>> OpenAboutAsync(ElevateDbContext db, Guid principalId, CancellationToken ct)
    {
        var open = await db.SecurityAlerts.AsNoTracking().Where(a => a.Status == AlertStatus.Open).ToListAsync(ct);
        return open.Where(a => a.ReadItems().Any(i => i.PrincipalId == principalId))
            .Select(a => $"{AlertCatalogue.Of(a.Type).Title} ({a.Severity.ToString().ToLowerInvariant()})").ToList();
    }

    private static void Fill(SecurityAlert alert, Finding found, DateTimeOffset now)
    {
        alert.Items = SecurityAlert.WriteItems(found.Items);
        alert.ItemCount = found.Count;
        alert.UpdatedAt = now;
    }

    private static AuditRecord Record(string action, SecurityAlert alert) => new(action)
    {
        Details = AuditDetails.Of(new { alertId = alert.Id, type = alert.Type, severity = alert.Severity, items = alert.ItemCount }),
    };

    private Task<Finding> FindAsync(AlertType type, AlertSettings settings, DateTimeOffset now, CancellationToken ct) => type switch
    {
        AlertType.TooManyPermanentAdministrators => PermanentAdministratorsAsync(settings, ct),
        AlertType.RolesWithoutMfa => RolesWithoutMfaAsync(ct),
        AlertType.RolesActivatedTooFrequently => FrequentActivationsAsync(settings, now, ct),
        AlertType.StaleEligibility => StaleEligibilityAsync(settings, now, ct),
        AlertType.StaleAccounts => StaleAccountsAsync(settings, now, ct),
        AlertType.StandingAdministratorAssignments => StandingAssignmentsAsync(ct),

        // Raised by target connectors, which compare what a target holds with what Elevate granted; none exist yet.
        AlertType.GrantsOutsideElevate => Task.FromResult(Finding.None(type)),
        AlertType.NotificationDeliveryFailing => DeadLettersAsync(ct),
    };

    private IQueryable<Assignment> Open => changes.Db.Assignments.AsNoTracking()
        .Where(a => a.Status == AssignmentStatus.Active || a.Status == AssignmentStatus.Scheduled);

    private async Task<Finding> PermanentAdministratorsAsync(AlertSettings settings, CancellationToken ct)
    {
        var permanent = await Open
            .Where(a => AdministratorRoles.Contains(a.RoleId) && a.Kind == AssignmentKind.Active && a.Origin == AssignmentOrigin.Administrator
                && a.Status == AssignmentStatus.Active && a.EndsAt == null)
            .Select(a => new { a.Id, a.PrincipalId, a.RoleId, a.Scope }).ToListAsync(ct);
        // The kind filter (every kind there is) lets the database use the (role, kind, status) index.
        var everyone = await Open.Where(a => AdministratorRoles.Contains(a.RoleId) && (a.Kind == AssignmentKind.Eligible || a.Kind == AssignmentKind.Active)
                && a.Origin == AssignmentOrigin.Administrator)
            .Select(a => a.PrincipalId).Distinct().CountAsync(ct);
        var people = permanent.Select(p => p.PrincipalId).Distinct().Count();
        if (!AlertRules.TooManyPermanent(people, everyone, settings))
        {
            return Finding.None(AlertType.TooManyPermanentAdministrators);
        }

        var names = await NamesAsync(permanent.Select(p => p.PrincipalId), permanent.Select(p => p.RoleId), ct);
        var items = permanent.OrderBy(p => names.Principal(p.PrincipalId), StringComparer.Ordinal).ThenBy(p => p.Id)
            .Select(p => names.Assignment(p.Id, p.PrincipalId, p.RoleId, p.Scope,
                $"{people} of {everyone} administrators are permanent")).ToList();
        return new Finding(AlertType.TooManyPermanentAdministrators, [.. items.Take(SecurityAlert.MaxItemsKept)], items.Count);
    }

    private async Task<Finding> RolesWithoutMfaAsync(CancellationToken ct)
    {
        // Access Checker is held by other systems' service accounts, which cannot present a second factor; it grants
        // only the right to ask whether someone holds a role.
        var checker = BuiltInRoles.IdOf(BuiltInRole.AccessChecker);
        var privileged = await changes.Db.Roles.AsNoTracking().Where(r => r.IsPrivileged && r.Id != checker).Select(r => new { r.Id, r.Name }).ToListAsync(ct);
        var ids = privileged.Select(r => r.Id).ToList();
        var documents = await changes.Db.RoleSettings.AsNoTracking().Where(s => ids.Contains(s.RoleId)).ToListAsync(ct);
        var items = documents.Where(d => !d.Settings.Activation.RequireMfa)
            .Select(d => new AlertItem($"settings:{d.RoleId:N}:{d.Scope}", RoleId: d.RoleId, Role: privileged.First(r => r.Id == d.RoleId).Name, Scope: d.Scope,
                Detail: "activation.requireMfa is off"))
            .OrderBy(i => i.Role, StringComparer.Ordinal).ThenBy(i => i.Scope, StringComparer.Ordinal).ToList();
        return new Finding(AlertType.RolesWithoutMfa, [.. items.Take(SecurityAlert.MaxItemsKept)], items.Count);
    }

    private async Task<Finding> FrequentActivationsAsync(AlertSettings settings, DateTimeOffset now, CancellationToken ct)
    {
        var since = now - settings.FrequentActivationWindow;
        var threshold = settings.FrequentActivationCount;
        var frequent = await changes.Db.Assignments.AsNoTracking()
            .Where(a => a.Origin == AssignmentOrigin.Activation && a.StartsAt >= since && a.StartsAt <= now)
            .GroupBy(a => new { a.PrincipalId, a.RoleId })
            .Where(g => g.Count() >= threshold)
            .Select(g => new { g.Key.PrincipalId, g.Key.RoleId, Count = g.Count() })
            .ToListAsync(ct);
        var names = await NamesAsync(frequent.Select(f => f.PrincipalId), frequent.Select(f => f.RoleId), ct);
        var items = frequent.OrderByDescending(f => f.Count)
            .Select(f => new AlertItem($"activations:{f.PrincipalId:N}:{f.RoleId:N}", f.PrincipalId, names.Principal(f.PrincipalId), f.RoleId, names.Role(f.RoleId),
                Detail: $"{f.Count} activations in {Common.IsoDuration.Format(settings.FrequentActivationWindow)}")).ToList();
        return new Finding(AlertType.RolesActivatedTooFrequently, [.. items.Take(SecurityAlert.MaxItemsKept)], items.Count);
    }

    private async Task<Finding> StaleEligibilityAsync(AlertSettings settings, DateTimeOffset now, CancellationToken ct)
    {
        var cutoff = now - settings.StaleEligibilityAfter;
        var activations = changes.Db.Assignments.AsNoTracking();
        var stale = Open.Where(e => e.Kind == AssignmentKind.Eligible && e.StartsAt <= cutoff
            && !activations.Any(a => a.EligibilityId == e.Id && a.StartsAt >= cutoff));
        var count = await stale.CountAsync(ct);
        if (count == 0)
        {
            return Finding.None(AlertType.StaleEligibility);
        }

        var kept = await stale.OrderBy(e => e.StartsAt).ThenBy(e => e.Id).Take(SecurityAlert.MaxItemsKept)
            .Select(e => new { e.Id, e.PrincipalId, e.RoleId, e.Scope, e.StartsAt }).ToListAsync(ct);
        var names = await NamesAsync(kept.Select(k => k.PrincipalId), kept.Select(k => k.RoleId), ct);
        var items = kept.Select(k => names.Assignment(k.Id, k.PrincipalId, k.RoleId, k.Scope,
            $"eligible since {k.StartsAt.UtcDateTime:yyyy-MM-dd}, not activated in {(int)settings.StaleEligibilityAfter.TotalDays} days")).ToList();
        return new Finding(AlertType.StaleEligibility, items, count);
    }

    private async Task<Finding> StaleAccountsAsync(AlertSettings settings, DateTimeOffset now, CancellationToken ct)
    {
        var cutoff = now - settings.StaleAccountAfter;
        var privileged = changes.Db.Roles.AsNoTracking().Where(r => r.IsPrivileged).Select(r => r.Id);
        var open = Open;
        var tokens = changes.Db.Tokens.AsNoTracking();
        var stale = changes.Db.Principals.AsNoTracking()
            .Where(p => p.Kind == PrincipalKind.User && p.Enabled && p.CreatedAt <= cutoff && (p.LastSignInAt == null || p.LastSignInAt < cutoff)
                && !tokens.Any(t => t.PrincipalId == p.Id && t.LastUsedAt >= cutoff)
                && open.Any(a => a.PrincipalId == p.Id && privileged.Contains(a.RoleId)));
        // One pass: every match (a few small columns each), counted here rather than by a second query.
        var all = await stale.OrderBy(p => p.Name).ThenBy(p => p.Id).Select(p => new { p.Id, p.Name, p.LastSignInAt }).ToListAsync(ct);
        if (all.Count == 0)
        {
            return Finding.None(AlertType.StaleAccounts);
        }

        var count = all.Count;
        var kept = all.Take(SecurityAlert.MaxItemsKept);
        var items = kept.Select(p => new AlertItem($"principal:{p.Id:N}", p.Id, p.Name,
            Detail: p.LastSignInAt is { } last ? $"last signed in {last.UtcDateTime:yyyy-MM-dd}" : "never signed in")).ToList();
        return new Finding(AlertType.StaleAccounts, items, count);
    }

    private async Task<Finding> StandingAssignmentsAsync(CancellationToken ct)
    {
        // Elevate's own administrative roles are the permanent-administrators alert's (with its thresholds); Access
        // Checker is meant to be held standing by other systems' service accounts.
        var checker = BuiltInRoles.IdOf(BuiltInRole.AccessChecker);
        var privileged = changes.Db.Roles.AsNoTracking().Where(r => r.IsPrivileged && !AdministratorRoles.Contains(r.Id) && r.Id != checker).Select(r => r.Id);
        var standing = Open.Where(a => a.Kind == AssignmentKind.Active && a.Origin == AssignmentOrigin.Administrator && privileged.Contains(a.RoleId));
        var count = await standing.CountAsync(ct);
        if (count == 0)
        {
            return Finding.None(AlertType.StandingAdministratorAssignments);
        }

        var kept = await standing.OrderBy(a => a.StartsAt).ThenBy(a => a.Id).Take(SecurityAlert.MaxItemsKept)
            .Select(a => new { a.Id, a.PrincipalId, a.RoleId, a.Scope, a.EndsAt }).ToListAsync(ct);
        var names = await NamesAsync(kept.Select(k => k.PrincipalId), kept.Select(k => k.RoleId), ct);
        var items = kept.Select(k => names.Assignment(k.Id, k.PrincipalId, k.RoleId, k.Scope,
            k.EndsAt is { } end ? $"active until {end.UtcDateTime:yyyy-MM-dd HH:mm} UTC" : "permanently active")).ToList();
        return new Finding(AlertType.StandingAdministratorAssignments, items, count);
    }

    private async Task<Finding> DeadLettersAsync(CancellationToken ct)
    {
        var dead = changes.Db.OutboxMessages.AsNoTracking().Where(m => m.Status == OutboxStatus.DeadLettered);
        var count = await dead.CountAsync(ct);
        if (count == 0)
        {
            return Finding.None(AlertType.NotificationDeliveryFailing);
        }

        var kept = await dead.OrderByDescending(m => m.CreatedAt).ThenBy(m => m.Id).Take(SecurityAlert.MaxItemsKept)
            .Select(m => new { m.Id, m.Channel, m.Event, m.Attempts, m.LastError }).ToListAsync(ct);
        var items = kept.Select(m => new AlertItem($"message:{m.Id:N}",
            Detail: $"{NotificationEvents.Name(m.Event)} by {m.Channel}, {m.Attempts} attempts: {m.LastError}")).ToList();
        return new Finding(AlertType.NotificationDeliveryFailing, items, count);
    }

    private async Task<Names> NamesAsync(IEnumerable<Guid> principals, IEnumerable<Guid> roles, CancellationToken ct)
    {
        var principalIds = principals.Distinct().ToList();
        var roleIds = roles.Distinct().ToList();
        var p = await changes.Db.Principals.AsNoTracking().Where(x => principalIds.Contains(x.Id)).ToDictionaryAsync(x => x.Id, x => x.Name, ct);
        var r = await changes.Db.Roles.AsNoTracking().Where(x => roleIds.Contains(x.Id)).ToDictionaryAsync(x => x.Id, x => x.Name, ct);
        return new Names(p, r);
    }

    private sealed record Names(Dictionary<Guid, string> Principals, Dictionary<Guid, string> Roles)
    {
        public string? Principal(Guid id) => Principals.GetValueOrDefault(id);

        public string? Role(Guid id) => Roles.GetValueOrDefault(id);

        /// <summary>An item about one assignment, with its holder's and role's names.</summary>
        public AlertItem Assignment(Guid id, Guid principalId, Guid roleId, string scope, string detail) =>
            new($"assignment:{id:N}", principalId, Principal(principalId), roleId, Role(roleId), scope, id, detail);
    }
}

/// <summary>Reads and writes the installation's alert thresholds.</summary>
public static class AlertSettingsStore
{
    public static async Task<AlertSettings> ReadAsync(ElevateDbContext db, CancellationToken ct)
    {
        var record = await db.AlertSettings.AsNoTracking().OrderBy(r => r.Id).FirstOrDefaultAsync(ct);
        return record is null ? AlertSettings.Default : JsonSerializer.Deserialize<AlertSettings>(record.Settings, ElevateJson.Options) ?? AlertSettings.Default;
    }
}
