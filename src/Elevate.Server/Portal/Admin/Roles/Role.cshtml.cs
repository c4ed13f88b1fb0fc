using System.Text.Json;
using Elevate.Core.Access;
using Elevate.Core.Approvals;
using Elevate.Core.Assignments;
using Elevate.Core.Common;
using Elevate.Core.Common.Json;
using Elevate.Core.Persistence;
using Elevate.Core.Roles;
using Elevate.Core.Settings;
using Microsoft.AspNetCore.Mvc;
using Microsoft.EntityFrameworkCore;

namespace Elevate.Server.Portal.Admin.Roles;

/// <summary>
/// One role: what it is (renamed and described by those who manage roles at /), how many hold it, and its settings at
/// a chosen scope. Changing the settings takes two steps: "Review changes" checks the form against the core's rules
/// and lists every rule that would change (old and new value in words) with any warnings about the approval stages;
/// "Save" then sends the reviewed document with the version it was read at, so a change someone else made meanwhile
/// is reported rather than overwritten. A narrower scope's own settings can be removed, so the ones above apply again.
/// </summary>
public sealed class RoleModel(RoleService roles, ElevateDbContext db, Authorizer authorizer, TimeProvider time) : RoleAdminPage(authorizer, time)
{
    [BindProperty(SupportsGet = true)]
    public Guid RoleId { get; set; }

    /// <summary>The scope whose settings are shown (default /).</summary>
    [BindProperty(SupportsGet = true, Name = "scope")]
    public string? ScopeText { get; set; }

    /// <summary>"revert" to ask for confirmation before removing this scope's own settings.</summary>
    [BindProperty(SupportsGet = true, Name = "confirm")]
    public string? Confirm { get; set; }

    [BindProperty]
    public SettingsForm Form { get; set; } = new();

    /// <summary>The version of this scope's own settings when the form was read; empty when the scope had none (If-Match).</summary>
    [BindProperty]
    public int? SettingsVersion { get; set; }

    /// <summary>The reviewed document (JSON, as the API takes it), carried from "Review changes" to "Save" or "Back".</summary>
    [BindProperty]
    public string? Proposed { get; set; }

    [BindProperty]
    public string? RoleName { get; set; }

    [BindProperty]
    public string? RoleDescription { get; set; }

    [BindProperty]
    public bool RolePrivileged { get; set; }

    [BindProperty]
    public int? RoleVersion { get; set; }

    public Role Role { get; private set; } = null!;

    public ScopePath Scope { get; private set; } = ScopePath.Root;

    /// <summary>This scope's own settings, or null when it inherits them.</summary>
    public RoleSettingsRecord? Own { get; private set; }

    /// <summary>The settings that apply at the scope: its own, or the nearest scope's above.</summary>
    public RoleSettingsRecord Effective { get; private set; } = null!;

    /// <summary>Every scope with settings of its own, by path.</summary>
    public IReadOnlyList<RoleSettingsRecord> ScopeRecords { get; private set; } = [];

    public string? UpdatedByName { get; private set; }

    public int EligibleCount { get; private set; }

    public int ActiveCount { get; private set; }

    /// <summary>Whether the signed-in person may change the settings at this scope.</summary>
    public bool MayEditScope { get; private set; }

    /// <summary>True on the second step: the summary of changes with "Save" and "Back".</summary>
    public bool Reviewing { get; private set; }

    public IReadOnlyList<SettingChange> Changes { get; private set; } = [];

    public IReadOnlyList<ElevateError> Warnings { get; private set; } = [];

    /// <summary>The names of the approvers the shown settings name, for the read-only view.</summary>
    public IReadOnlyDictionary<Guid, string> Names { get; private set; } = new Dictionary<Guid, string>();

    public bool ConfirmingRevert => string.Equals(Confirm, "revert", StringComparison.OrdinalIgnoreCase) && Own is not null && !Scope.IsRoot;

    /// <summary>This page's address at its scope (for links and forms).</summary>
    public string Self => $"/admin/roles/{RoleId}?scope={Uri.EscapeDataString(Scope.Value)}";

    public string NameOf(Guid id) => Names.GetValueOrDefault(id, id.ToString());

    public async Task<IActionResult> OnGetAsync(CancellationToken ct)
    {
        if (await LoadAsync(ct) is { } refused)
        {
            return refused;
        }

        await FillAsync(ct);
        return Page();
    }

    /// <summary>Step one: check the form and show what would change.</summary>
    public async Task<IActionResult> OnPostReviewAsync(CancellationToken ct)
    {
        if (await LoadAsync(ct) is { } refused)
        {
            return refused;
        }

        if (!MayEditScope)
        {
            return Refused();
        }

        if (Stale())
        {
            await ConflictAsync(ct);
            return Page();
        }

        var read = ModelState.IsValid ? await Form.ReadAsync(db, ModelState, ct) : null;
        if (read is null)
        {
            Form.Pad();
            return Page();
        }

        var before = (Own ?? Effective).Settings;
        var names = await ApproverNames.OfAsync(db, SettingsForm.NamedIn(before).Concat(SettingsForm.NamedIn(read.Settings)), ct);
        Changes = SettingsChanges.Describe(before, read.Settings, id => names.GetValueOrDefault(id, id.ToString()));
        Warnings = await ApprovalService.StageWarningsAsync(db, read.Settings, ct);
        Proposed = JsonSerializer.Serialize(read.Settings, ElevateJson.Options);
        Reviewing = true;
        return Page();
    }

    /// <summary>Step two: save the reviewed document at the version it was read at.</summary>
    public async Task<IActionResult> OnPostSaveAsync(CancellationToken ct)
    {
        if (await LoadAsync(ct) is { } refused)
        {
            return refused;
        }

        if (!MayEditScope)
        {
            return Refused();
        }

        if (ReadProposed() is not { } proposed)
        {
            ModelState.AddModelError("", "The reviewed settings could not be read. Nothing was saved; make your changes again.");
            await FillAsync(ct);
            return Page();
        }

        if (Stale())
        {
            await ConflictAsync(ct);
            return Page();
        }

        var saved = await roles.PutSettingsAsync(RoleId, Scope, proposed, SettingsVersion, Actor, ct);
        if (saved.IsSuccess)
        {
            var before = (Own ?? Effective).Settings;
            var count = SettingsChanges.Describe(before, proposed).Count;
            var warnings = await ApprovalService.StageWarningsAsync(db, proposed, ct);
            Notice = $"Saved the settings of \u201c{Role.Name}\u201d at {Scope}: "
                + (count == 0 ? "nothing changed." : count == 1 ? "1 rule changed." : $"{count} rules changed.")
                + string.Concat(warnings.Select(w => " Warning: " + w.Message));
            return Redirect(Self);
        }

        switch (saved.Error.Kind)
        {
            case ErrorKind.NotFound when saved.Error.Field == "id":
                return Refused(saved.Error);
            case ErrorKind.PreconditionFailed:
                await ConflictAsync(ct);
                return Page();
            case ErrorKind.Forbidden:
                ModelState.AddModelError("", saved.Error.Message);
                break;
            default:
                SettingsForm.AddErrors(ModelState, saved.Error, SettingsForm.RowsOf(proposed));
                break;
        }

        Form = await SettingsForm.FromAsync(proposed, db, ct);
        return Page();
    }

    /// <summary>From the summary back to the form, with the values that were reviewed.</summary>
    public async Task<IActionResult> OnPostBackAsync(CancellationToken ct)
    {
        if (await LoadAsync(ct) is { } refused)
        {
            return refused;
        }

        if (ReadProposed() is { } proposed)
        {
            Form = await SettingsForm.FromAsync(proposed, db, ct);
        }
        else
        {
            await FillAsync(ct);
        }

        return Page();
    }

    /// <summary>Removes this scope's own settings (after the confirmation step), so the nearest scope's above apply.</summary>
    public async Task<IActionResult> OnPostRevertAsync(CancellationToken ct)
    {
        if (await LoadAsync(ct) is { } refused)
        {
            return refused;
        }

        if (!MayEditScope)
        {
            return Refused();
        }

        var deleted = await roles.DeleteSettingsAsync(RoleId, Scope, SettingsVersion, Actor, ct);
        if (deleted.IsSuccess)
        {
            Notice = $"Removed the settings of \u201c{Role.Name}\u201d at {Scope}: the settings of the nearest scope above apply there now.";
            return Redirect(Self);
        }

        ModelState.AddModelError("", deleted.Error.Kind == ErrorKind.PreconditionFailed
            ? "Someone changed these settings since you opened them, so they were not removed. Check them below, then remove them again if you still want to."
            : deleted.Error.Message);
        await FillAsync(ct);
        return Page();
    }

    /// <summary>Renames, describes or (un)marks as privileged; Elevate's own roles keep their names and stay privileged.</summary>
    public async Task<IActionResult> OnPostUpdateRoleAsync(CancellationToken ct)
    {
        if (await LoadAsync(ct) is { } refused)
        {
            return refused;
        }

        if (!MayEditRoles)
        {
            return Refused();
        }

        var builtIn = Role.BuiltIn is not null;
        var name = builtIn || string.IsNullOrWhiteSpace(RoleName) ? null : RoleName.Trim();
        if (!builtIn && name is null)
        {
            ModelState.AddModelError(nameof(RoleName), "A role needs a name.");
        }
        else
        {
            var description = string.IsNullOrWhiteSpace(RoleDescription) ? null : RoleDescription.Trim();
            var updated = await roles.UpdateAsync(RoleId, new RoleChanges(name, description, builtIn ? null : RolePrivileged), RoleVersion, Actor, ct);
            if (updated.IsSuccess)
            {
                Notice = $"Saved the role \u201c{updated.Value.Name}\u201d.";
                return Redirect(Self);
            }

            if (updated.Error.Kind == ErrorKind.Forbidden)
            {
                return Refused(updated.Error);
            }

            foreach (var e in updated.Error.Others.Prepend(updated.Error))
            {
                ModelState.AddModelError(e.Kind == ErrorKind.PreconditionFailed ? "" : e.Field switch
                {
                    "name" => nameof(RoleName),
                    "description" => nameof(RoleDescription),
                    "isPrivileged" => nameof(RolePrivileged),
                    _ => "",
                }, e.Kind == ErrorKind.PreconditionFailed ? "Someone changed this role since you opened it. Reload the page to see their change, then make yours again." : e.Message);
            }
        }

        // After a conflict the form shows the role as stored now; otherwise what was typed, to correct it.
        var (typedName, typedDescription, typedPrivileged) = (RoleName, RoleDescription, RolePrivileged);
        var conflict = ModelState.TryGetValue("", out var pageErrors) && pageErrors.Errors.Count > 0;
        await FillAsync(ct);
        if (!conflict)
        {
            (RoleName, RoleDescription, RolePrivileged) = (typedName, typedDescription, typedPrivileged);
        }

        return Page();
    }

    /// <summary>The role, the scope and its settings; a refusal when the caller manages no roles or the role does not exist.</summary>
    private async Task<IActionResult?> LoadAsync(CancellationToken ct)
    {
        if (!MayManageSomewhere)
        {
            return Refused();
        }

        var role = await roles.GetAsync(RoleId, ct);
        if (!role.IsSuccess)
        {
            return Refused(role.Error);
        }

        Role = role.Value;
        var scope = ScopePath.FromInput(string.IsNullOrWhiteSpace(ScopeText) ? "/" : ScopeText.Trim(), "scope");
        if (scope.IsSuccess)
        {
            Scope = scope.Value;
        }
        else
        {
            ModelState.AddModelError(nameof(ScopeText), scope.Error.Message);
            Scope = ScopePath.Root;
        }

        var all = await roles.ListSettingsAsync(RoleId, ct);
        ScopeRecords = all.IsSuccess ? all.Value : [];
        Own = ScopeRecords.FirstOrDefault(r => r.Scope == Scope.Value);
        var effective = await roles.GetEffectiveSettingsAsync(RoleId, Scope, ct);
        if (!effective.IsSuccess)
        {
            return Refused(effective.Error);
        }

        Effective = effective.Value;
        MayEditScope = Authorizer.Can(Actor, Permission.ManageRoles, Scope);
        EligibleCount = await CountAsync(AssignmentKind.Eligible, ct);
        ActiveCount = await CountAsync(AssignmentKind.Active, ct);
        var shown = Own ?? Effective;
        Names = await ApproverNames.OfAsync(db, SettingsForm.NamedIn(shown.Settings).Concat(shown.UpdatedById is { } by ? [by] : []), ct);
        UpdatedByName = shown.UpdatedById is { } updatedBy ? NameOf(updatedBy) : null;
        return null;
    }

    /// <summary>Assignments of this role in force, by kind: a count on the (role, kind, status) index.</summary>
    private Task<int> CountAsync(AssignmentKind kind, CancellationToken ct) =>
        db.Assignments.AsNoTracking().CountAsync(a => a.RoleId == RoleId && a.Kind == kind && a.Status == AssignmentStatus.Active, ct);

    /// <summary>The forms filled from what is stored: the settings at the scope (or inherited), and the role itself.</summary>
    private async Task FillAsync(CancellationToken ct)
    {
        Form = await SettingsForm.FromAsync((Own ?? Effective).Settings, db, ct);
        SettingsVersion = Own?.Version;
        RoleName = Role.Name;
        RoleDescription = Role.Description;
        RolePrivileged = Role.IsPrivileged;
        RoleVersion = Role.Version;
    }

    /// <summary>Whether the form was read at another version than the one stored now (or the scope got settings of its own meanwhile).</summary>
    private bool Stale() => SettingsVersion != Own?.Version;

    /// <summary>Someone saved first: say so, and show the settings as they are now.</summary>
    private async Task ConflictAsync(CancellationToken ct)
    {
        ModelState.Clear();
        ModelState.AddModelError("", $"Someone changed the settings at {Scope} since you opened them. Nothing was saved. "
            + "The form now shows the settings as they are; make your changes again.");
        Reviewing = false;
        await FillAsync(ct);
    }

    private RoleSettings? ReadProposed()
    {
        if (string.IsNullOrEmpty(Proposed))
        {
            return null;
        }

        try
        {
            return JsonSerializer.Deserialize<RoleSettings>(Proposed, ElevateJson.Options);
        }
        catch (JsonException)
        {
            return null;
        }
    }
}
