using System.Text.Json;
using Elevate.Core.Access;
using Elevate.Core.Assignments;
using Elevate.Core.Audit;
using Elevate.Core.Common;
using Elevate.Core.Common.Json;
using Elevate.Core.Persistence;
using Elevate.Core.Requests;
using Elevate.Core.Roles;
using Microsoft.EntityFrameworkCore;

namespace Elevate.Core.Alerts;

/// <summary>One item's outcome of a one-click fix: done, or the problem that stopped it.</summary>
public sealed record FixResult(string Key, bool Fixed, ElevateError? Problem);

/// <summary>
/// What people do with alerts: read them (auditors and administrators), dismiss one with a reason, apply a one-click
/// fix where the catalogue offers a safe one, evaluate now, and set the thresholds. Fixes go through the ordinary
/// requests and settings (so they are authorised, audited and notified like any change, and an administrator still
/// never grants themselves); the alert then follows from the next evaluation.
/// </summary>
public sealed class AlertService(
    ChangeSets changes, Authorizer authorizer, AlertEvaluator evaluator, RequestService requests, RoleService roles, TimeProvider time)
{
    public const string FixJustification = "Security alert fix";

    public async Task<Result<IReadOnlyList<SecurityAlert>>> ListAsync(AlertStatus? status, Actor actor, CancellationToken ct)
    {
        if (authorizer.Require(actor, Permission.ReadAudit) is { } denied)
        {
            return denied;
        }

        var query = changes.Db.SecurityAlerts.AsNoTracking();
        query = status is { } s ? query.Where(a => a.Status == s) : query.Where(a => a.Status != AlertStatus.Resolved);
        var alerts = await query.OrderByDescending(a => a.RaisedAt).Take(500).ToListAsync(ct);
        return alerts.OrderByDescending(a => a.Severity).ThenByDescending(a => a.RaisedAt).ToList();
    }

    public async Task<Result<SecurityAlert>> GetAsync(Guid id, Actor actor, CancellationToken ct)
    {
        if (authorizer.Require(actor, Permission.ReadAudit) is { } denied)
        {
            return denied;
        }

        return await changes.Db.SecurityAlerts.AsNoTracking().FirstOrDefaultAsync(a => a.Id == id, ct) is { } alert ? alert : NotFound();
    }

    /// <summary>Accepts an open alert's current items with a reason; something new appearing later reopens it.</summary>
    public async Task<Result<SecurityAlert>> DismissAsync(Guid id, string? reason, Actor actor, CancellationToken ct)
    {
        if (authorizer.Require(actor, Permission.ManageRoles) is { } denied)
        {
            return denied;
        }

        if (TextRules.Check(reason, "reason", TextRules.JustificationMaxLength, required: true, multiline: true) is { } bad)
        {
            return bad;
        }

        await using var cs = await changes.BeginAsync(actor, ct);
        var alert = await cs.Db.SecurityAlerts.FirstOrDefaultAsync(a => a.Id == id, ct);
        if (alert is null)
        {
            return NotFound();
        }

        if (alert.Status != AlertStatus.Open)
        {
            return ElevateError.Conflict(ErrorCodes.AlertNotOpen, $"The alert is {JsonNamingPolicy.CamelCase.ConvertName(alert.Status.ToString())}; only an open alert is dismissed.");
        }

        alert.Status = AlertStatus.Dismissed;
        alert.DismissedAt = cs.Now;
        alert.DismissedById = actor.PrincipalId;
        alert.DismissReason = reason!.Trim();
        alert.DismissedKeys = JsonSerializer.Serialize(alert.ReadItems().Select(i => i.Key).ToList(), ElevateJson.Options);
        alert.DismissedItemCount = alert.ItemCount;
        alert.UpdatedAt = cs.Now;
        cs.Audit(new AuditRecord("alert.dismissed")
        {
            Justification = alert.DismissReason,
            Details = AuditDetails.Of(new { alertId = alert.Id, type = alert.Type, items = alert.ItemCount }),
        });
        var committed = await cs.CommitAsync(ct);
        return committed.IsSuccess ? alert : committed.Error;
    }

    /// <summary>
    /// Applies the catalogue's one-click fix to the alert's items (all, or those named by <paramref name="keys"/>), then
    /// evaluates again. Each item succeeds or fails on its own and a failure (e.g. one's own assignment: administrators
    /// never grant themselves) is reported with its reason. Making an assignment eligible adds the eligibility before
    /// removing the active assignment; if the removal is then refused (the last permanent administrator), the
    /// eligibility stays, which grants nothing until activated.
    /// </summary>
    public async Task<Result<IReadOnlyList<FixResult>>> FixAsync(Guid id, IReadOnlyList<string>? keys, Actor actor, CancellationToken ct)
    {
        if (authorizer.Require(actor, Permission.ManageRoles) is { } denied)
        {
            return denied;
        }

        var found = await GetAsync(id, actor, ct);
        if (!found.IsSuccess)
        {
            return found.Error;
        }

        var alert = found.Value;
        if (AlertCatalogue.Of(alert.Type).Fix is null)
        {
            return ElevateError.Rule(ErrorCodes.NoFix, "This alert has no one-click fix; its description says how to fix it.", "id");
        }

        if (alert.Status == AlertStatus.Resolved)
        {
            return ElevateError.Conflict(ErrorCodes.AlertNotOpen, "The alert is resolved; there is nothing to fix.");
        }

        var items = alert.ReadItems();
        if (keys is { Count: > 0 } && keys.FirstOrDefault(k => items.All(i => i.Key != k)) is { } unknown)
        {
            return ElevateError.Validation(ErrorCodes.InvalidValue, "items", $"'{unknown}' is not one of the alert's items.");
        }

        // The caller's own items last: changing one's own assignment can end the very rights the other items need.
        var results = new List<FixResult>();
        foreach (var item in items.Where(i => keys is not { Count: > 0 } || keys.Contains(i.Key)).OrderBy(i => i.PrincipalId == actor.PrincipalId))
        {
            var problem = alert.Type switch
            {
                AlertType.RolesWithoutMfa => await RequireMfaAsync(item, actor, ct),
                AlertType.StaleEligibility => await RemoveAsync(item, actor, ct),
                AlertType.TooManyPermanentAdministrators or AlertType.StandingAdministratorAssignments => await MakeEligibleAsync(item, actor, ct),
                _ => ElevateError.Rule(ErrorCodes.NoFix, "No one-click fix.", "id"),
            };
            results.Add(new FixResult(item.Key, problem is null, problem));
        }

        await evaluator.EvaluateAsync(ct);
        return results;
    }

    public async Task<Result<(AlertSettings Settings, int Version)>> GetSettingsAsync(Actor actor, CancellationToken ct)
    {
        if (authorizer.Require(actor, Permission.ReadAudit) is { } denied)
        {
            return denied;
        }

        var record = await changes.Db.AlertSettings.AsNoTracking().OrderBy(r => r.Id).FirstOrDefaultAsync(ct);
        return (await AlertSettingsStore.ReadAsync(changes.Db, ct), record?.Version ?? 0);
    }

    public async Task<Result<(AlertSettings Settings, int Version)>> PutSettingsAsync(AlertSettings settings, int? ifMatch, Actor actor, CancellationToken ct)
    {
        if (authorizer.Require(actor, Permission.ManageRoles) is { } denied)
        {
            return denied;
        }

        var errors = settings.Validate();
        if (errors.Count > 0)
        {
            return errors[0] with { Others = [.. errors.Skip(1)] };
        }

        await using var cs = await changes.BeginAsync(actor, ct);
        var record = await cs.Db.AlertSettings.OrderBy(r => r.Id).FirstOrDefaultAsync(ct);
        if (ifMatch is { } expected && (record?.Version ?? 0) != expected)
        {
            return new ElevateError(ErrorCodes.PreconditionFailed, ErrorKind.PreconditionFailed, "The alert settings changed since you read them; read them again.", "If-Match");
        }

        var before = record?.Settings;
        if (record is null)
        {
            record = new AlertSettingsRecord { Version = 1 };
            cs.Db.AlertSettings.Add(record);
        }

        record.Settings = JsonSerializer.Serialize(settings, ElevateJson.Options);
        record.UpdatedAt = cs.Now;
        record.UpdatedById = actor.PrincipalId;
        cs.Audit(new AuditRecord("alert_settings.updated") { Details = $$"""{"before":{{before ?? "null"}},"after":{{record.Settings}}}""" });
        var committed = await cs.CommitAsync(ct);
        return committed.IsSuccess ? (settings, record.Version) : committed.Error;
    }

    public async Task<Result<EvaluationResult>> EvaluateAsync(Actor actor, CancellationToken ct) =>
        authorizer.Require(actor, Permission.ManageRoles) is { } denied ? denied : await evaluator.EvaluateAsync(ct);

    private async Task<ElevateError?> RequireMfaAsync(AlertItem item, Actor actor, CancellationToken ct)
    {
        if (item is not { RoleId: { } roleId, Scope: { } scope })
        {
            return ElevateError.Rule(ErrorCodes.NoFix, "The item names no role settings.", "items");
        }

        var path = ScopePath.Parse(scope);
        var current = await roles.GetSettingsAsync(roleId, path, ct);
        if (!current.IsSuccess)
        {
            return current.Error;
        }

        var settings = current.Value.Settings;
        var updated = await roles.PutSettingsAsync(roleId, path, settings with { Activation = settings.Activation with { RequireMfa = true } }, current.Value.Version, actor, ct);
        return updated.IsSuccess ? null : updated.Error;
    }

    private async Task<ElevateError?> RemoveAsync(AlertItem item, Actor actor, CancellationToken ct)
    {
        if (item.AssignmentId is not { } assignmentId)
        {
            return ElevateError.Rule(ErrorCodes.NoFix, "The item names no assignment.", "items");
        }

        // The item is as the last evaluation saw it: if the eligibility was used since, removing it would end live access.
        var cutoff = time.UtcNow() - (await AlertSettingsStore.ReadAsync(changes.Db, ct)).StaleEligibilityAfter;
        var eligibility = await changes.Db.Assignments.AsNoTracking().FirstOrDefaultAsync(a => a.Id == assignmentId, ct);
        if (eligibility is null || eligibility.StartsAt > cutoff
            || await changes.Db.Assignments.AnyAsync(a => a.EligibilityId == assignmentId && a.StartsAt >= cutoff, ct))
        {
            return ElevateError.Conflict(ErrorCodes.ChangedConcurrently, "The eligibility is no longer stale (it was used or changed since the alert was evaluated); it was kept.");
        }

        var removed = await requests.SubmitAsync(new SubmitRequest
        {
            Action = RequestAction.AdminRemove,
            TargetAssignmentId = assignmentId,
            Justification = $"{FixJustification}: {AlertCatalogue.Of(AlertType.StaleEligibility).Title.ToLowerInvariant()}",
        }, actor, null, null, ct);
        return removed.IsSuccess ? null : removed.Error;
    }

    /// <summary>
    /// Turns an active assignment into an eligibility with the same window: the eligibility first (so the holder never
    /// loses the right to activate), then the removal of the active assignment.
    /// </summary>
    private async Task<ElevateError?> MakeEligibleAsync(AlertItem item, Actor actor, CancellationToken ct)
    {
        var active = item.AssignmentId is { } id ? await changes.Db.Assignments.AsNoTracking().FirstOrDefaultAsync(a => a.Id == id, ct) : null;
        if (active is not { IsOpen: true, Kind: AssignmentKind.Active })
        {
            return ElevateError.Conflict(ErrorCodes.ChangedConcurrently, "The assignment is no longer active.");
        }

        var justification = $"{FixJustification}: make eligible instead of active";
        var removal = new SubmitRequest { Action = RequestAction.AdminRemove, TargetAssignmentId = active.Id, Justification = justification };
        var hasEligibility = await changes.Db.Assignments.AsNoTracking().AnyAsync(a => a.PrincipalId == active.PrincipalId && a.RoleId == active.RoleId
            && a.Scope == active.Scope && a.Kind == AssignmentKind.Eligible && a.Origin == AssignmentOrigin.Administrator
            && (a.Status == AssignmentStatus.Active || a.Status == AssignmentStatus.Scheduled) && (a.EndsAt == null || (active.EndsAt != null && a.EndsAt >= active.EndsAt)), ct);
        var assignment = hasEligibility ? null : new SubmitRequest
        {
            Action = RequestAction.AdminAssign,
            Kind = AssignmentKind.Eligible,
            PrincipalId = active.PrincipalId,
            RoleId = active.RoleId,
            Scope = active.Scope,

            // A standing assignment that has not begun yet gives an eligibility from the same start, not from now.
            Schedule = active.EndsAt is { } end
                ? new ScheduleInput(Starting(active), ExpirationType.AfterDateTime, end, null)
                : new ScheduleInput(Starting(active), ExpirationType.NoExpiration, null, null),
            Justification = justification,
        };

        // Ask first whether both would be accepted (one's own eligibility is not; nor removing the last permanent
        // administrator), so a refused step does not leave the other half behind.
        foreach (var step in new[] { assignment, removal }.OfType<SubmitRequest>())
        {
            var dryRun = await requests.DryRunAsync(step, actor, ct);
            if (!dryRun.IsSuccess)
            {
                return dryRun.Error;
            }

            if (!dryRun.Value.Evaluation.IsAccepted)
            {
                return dryRun.Value.Evaluation.Problems[0];
            }
        }

        if (assignment is not null)
        {
            var assigned = await requests.SubmitAsync(assignment, actor, null, null, ct);
            if (!assigned.IsSuccess)
            {
                return assigned.Error;
            }
        }

        var removed = await requests.SubmitAsync(removal, actor, null, null, ct);
        return removed.IsSuccess ? null : removed.Error;
    }

    private DateTimeOffset? Starting(Assignment active) => active.StartsAt > time.UtcNow() ? active.StartsAt : null;

    private static ElevateError NotFound() => ElevateError.NotFound(ErrorCodes.AlertNotFound, "id", "No alert has this id.");
}
