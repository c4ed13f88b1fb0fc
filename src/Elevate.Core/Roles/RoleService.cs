using Elevate.Core.Access;
using Elevate.Core.Audit;
using Elevate.Core.Common;
using Elevate.Core.Persistence;
using Elevate.Core.Principals;
using Elevate.Core.Settings;
using Microsoft.EntityFrameworkCore;

namespace Elevate.Core.Roles;

public sealed record NewRole(string? Name, string? Description, bool? IsPrivileged);

public sealed record RoleChanges(string? Name, string? Description, bool? IsPrivileged);

/// <summary>Role definitions and their settings documents.</summary>
public sealed class RoleService(ChangeSets changes, Authorizer authorizer)
{
    public async Task<Result<Role>> CreateAsync(NewRole input, Actor actor, CancellationToken ct)
    {
        if (authorizer.Require(actor, Permission.ManageRoles) is { } denied)
        {
            return denied;
        }

        if (Validate(input.Name, input.Description, nameRequired: true) is { Count: > 0 } errors)
        {
            return ElevateError.Combine(errors);
        }

        await using var cs = await changes.BeginAsync(actor, ct);
        var normalized = Role.Normalize(input.Name!);
        if (await cs.Db.Roles.AnyAsync(r => r.NormalizedName == normalized, ct))
        {
            return ElevateError.Conflict(ErrorCodes.NameTaken, $"A role is already called '{input.Name}'.", "name");
        }

        var role = new Role
        {
            Id = Ids.New(cs.Now),
            Name = input.Name!,
            NormalizedName = normalized,
            Description = input.Description,
            IsPrivileged = input.IsPrivileged ?? true,
            CreatedAt = cs.Now,
        };
        cs.Db.Roles.Add(role);
        cs.Db.RoleSettings.Add(new RoleSettingsRecord { Id = Ids.New(cs.Now), RoleId = role.Id, Scope = "/", Settings = RoleSettings.Default, UpdatedAt = cs.Now, UpdatedById = actor.PrincipalId });
        cs.Audit(Record("role.created", role, new { role.Description, role.IsPrivileged, settings = RoleSettings.Default }));
        var committed = await cs.CommitAsync(ct);
        return committed.IsSuccess ? role : committed.Error;
    }

    public async Task<Result<Role>> UpdateAsync(Guid id, RoleChanges input, int? ifMatch, Actor actor, CancellationToken ct)
    {
        if (authorizer.Require(actor, Permission.ManageRoles) is { } denied)
        {
            return denied;
        }

        if (Validate(input.Name, input.Description, nameRequired: false) is { Count: > 0 } errors)
        {
            return ElevateError.Combine(errors);
        }

        await using var cs = await changes.BeginAsync(actor, ct);
        var role = await cs.Db.Roles.FirstOrDefaultAsync(r => r.Id == id, ct);
        if (role is null)
        {
            return NotFound();
        }

        if (ifMatch is { } expected && role.Version != expected)
        {
            return PreconditionFailed(role.Version);
        }

        if (role.BuiltIn is not null && (input.Name is not null || input.IsPrivileged is not null))
        {
            return ElevateError.Rule(ErrorCodes.BuiltInRoleProtected, "Elevate's own roles keep their names and are always privileged.", input.Name is not null ? "name" : "isPrivileged");
        }

        if (input.Name is not null)
        {
            var normalized = Role.Normalize(input.Name);
            if (await cs.Db.Roles.AnyAsync(r => r.NormalizedName == normalized && r.Id != id, ct))
            {
                return ElevateError.Conflict(ErrorCodes.NameTaken, $"A role is already called '{input.Name}'.", "name");
            }

            role.Name = input.Name;
            role.NormalizedName = normalized;
        }

        var before = new { role.Name, role.Description, role.IsPrivileged };
        role.Description = input.Description ?? role.Description;
        role.IsPrivileged = input.IsPrivileged ?? role.IsPrivileged;
        cs.Audit(Record("role.updated", role, new { before, after = new { role.Name, role.Description, role.IsPrivileged } }));
        var committed = await cs.CommitAsync(ct);
        return committed.IsSuccess ? role : committed.Error;
    }

    public async Task<Result<Role>> GetAsync(Guid id, CancellationToken ct)
    {
        var role = await changes.Db.Roles.AsNoTracking().FirstOrDefaultAsync(r => r.Id == id, ct);
        return role is null ? NotFound() : role;
    }

    /// <summary>All roles by name; every signed-in principal may read them (they must know what to ask for).</summary>
    public async Task<Result<Page<Role>>> ListAsync(string? cursor, int? limit, CancellationToken ct)
    {
        var size = Cursor.Limit(limit);
        var after = Cursor.Decode(cursor, 1);
        if (!size.IsSuccess || !after.IsSuccess)
        {
            return size.Error ?? after.Error!;
        }

        var query = changes.Db.Roles.AsNoTracking();
        if (after.Value is [var lastName])
        {
            query = query.Where(r => string.Compare(r.NormalizedName, lastName) > 0);
        }

        var items = await query.OrderBy(r => r.NormalizedName).Take(size.Value + 1).ToListAsync(ct);
        var next = items.Count > size.Value ? Cursor.Encode(items[size.Value - 1].NormalizedName) : null;
        return new Page<Role>(items.Take(size.Value).ToList(), next);
    }

    /// <summary>The document stored at exactly <paramref name="scope"/>.</summary>
    public async Task<Result<RoleSettingsRecord>> GetSettingsAsync(Guid roleId, ScopePath scope, CancellationToken ct)
    {
        if (!await changes.Db.Roles.AnyAsync(r => r.Id == roleId, ct))
        {
            return NotFound();
        }

        var record = await changes.Db.RoleSettings.AsNoTracking().FirstOrDefaultAsync(s => s.RoleId == roleId && s.Scope == scope.Value, ct);
        return record is null
            ? ElevateError.NotFound(ErrorCodes.SettingsNotFound, "scope", $"The role has no settings of its own at {scope}; see the effective settings.")
            : record;
    }

    /// <summary>The document that applies at <paramref name="scope"/> (its own or the nearest above).</summary>
    public async Task<Result<RoleSettingsRecord>> GetEffectiveSettingsAsync(Guid roleId, ScopePath scope, CancellationToken ct)
    {
        if (!await changes.Db.Roles.AnyAsync(r => r.Id == roleId, ct))
        {
            return NotFound();
        }

        return await SettingsLookup.EffectiveAsync(changes.Db, roleId, scope, ct);
    }

    public async Task<Result<IReadOnlyList<RoleSettingsRecord>>> ListSettingsAsync(Guid roleId, CancellationToken ct)
    {
        if (!await changes.Db.Roles.AnyAsync(r => r.Id == roleId, ct))
        {
            return NotFound();
        }

        var records = await changes.Db.RoleSettings.AsNoTracking().Where(s => s.RoleId == roleId).ToListAsync(ct);
        return records.OrderBy(r => r.Scope, StringComparer.Ordinal).ToList();
    }

    /// <summary>
    /// Replaces the document at <paramref name="scope"/> (creating a narrowed one if the scope had none). The whole
    /// document is replaced; what it leaves out takes Elevate's defaults. An impossible document changes nothing.
    /// </summary>
    public async Task<Result<(RoleSettingsRecord Record, bool Created)>> PutSettingsAsync(Guid roleId, ScopePath scope, RoleSettings settings, int? ifMatch, Actor actor, CancellationToken ct)
    {
        if (authorizer.Require(actor, Permission.ManageRoles, scope) is { } denied)
        {
            return denied;
        }

        var errors = RoleSettingsRules.Validate(settings).ToList();
        await using var cs = await changes.BeginAsync(actor, ct);
        var role = await cs.Db.Roles.AsNoTracking().FirstOrDefaultAsync(r => r.Id == roleId, ct);
        if (role is null)
        {
            return NotFound();
        }

        if (role.BuiltIn == BuiltInRole.ElevateAdministrator && !authorizer.Can(actor, Permission.ManageDirectory))
        {
            return ElevateError.Forbidden("Only an active Elevate Administrator changes the Elevate Administrator role's settings.");
        }

        var approval = settings.Activation.Approval;
        errors.AddRange(await CheckApproversAsync(cs.Db, approval.Approvers, "activation.approval.approvers", ct));
        for (var i = 0; i < approval.Stages.Count; i++)
        {
            errors.AddRange(await CheckApproversAsync(cs.Db, approval.Stages[i].Approvers, $"activation.approval.stages[{i}].approvers", ct));
            errors.AddRange(await CheckApproversAsync(cs.Db, approval.Stages[i].EscalationApprovers, $"activation.approval.stages[{i}].escalationApprovers", ct));
        }
        if (errors.Count > 0)
        {
            return ElevateError.Combine(errors);
        }

        var record = await cs.Db.RoleSettings.FirstOrDefaultAsync(s => s.RoleId == roleId && s.Scope == scope.Value, ct);
        var created = record is null;
        if (record is null)
        {
            if (ifMatch is not null)
            {
                return new ElevateError(ErrorCodes.PreconditionFailed, ErrorKind.PreconditionFailed,
                    $"The role has no settings of its own at {scope} yet; create them without If-Match.", "If-Match");
            }

            record = new RoleSettingsRecord { Id = Ids.New(cs.Now), RoleId = roleId, Scope = scope.Value };
            cs.Db.RoleSettings.Add(record);
        }
        else if (ifMatch is { } expected && record.Version != expected)
        {
            return PreconditionFailed(record.Version);
        }

        var before = record.Settings;
        record.Settings = settings;
        record.UpdatedAt = cs.Now;
        record.UpdatedById = actor.PrincipalId;
        cs.Audit(Record(created ? "role_settings.created" : "role_settings.updated", role, new { before = created ? null : before, after = settings }) with { Scope = scope.Value });
        var committed = await cs.CommitAsync(ct);
        return committed.IsSuccess ? (record, created) : committed.Error;
    }

    /// <summary>Removes a narrowed document, so the one above applies again. The document at <c>/</c> always stays.</summary>
    public async Task<Result<bool>> DeleteSettingsAsync(Guid roleId, ScopePath scope, int? ifMatch, Actor actor, CancellationToken ct)
    {
        if (authorizer.Require(actor, Permission.ManageRoles, scope) is { } denied)
        {
            return denied;
        }

        if (scope.IsRoot)
        {
            return ElevateError.Rule(ErrorCodes.ActionNotAllowed, "Every role keeps its settings at '/'; change them instead.", "scope");
        }

        await using var cs = await changes.BeginAsync(actor, ct);
        var role = await cs.Db.Roles.AsNoTracking().FirstOrDefaultAsync(r => r.Id == roleId, ct);
        var record = await cs.Db.RoleSettings.FirstOrDefaultAsync(s => s.RoleId == roleId && s.Scope == scope.Value, ct);
        if (role is null || record is null)
        {
            return role is null ? NotFound() : ElevateError.NotFound(ErrorCodes.SettingsNotFound, "scope", $"The role has no settings of its own at {scope}.");
        }

        if (role.BuiltIn == BuiltInRole.ElevateAdministrator && !authorizer.Can(actor, Permission.ManageDirectory))
        {
            return ElevateError.Forbidden("Only an active Elevate Administrator changes the Elevate Administrator role's settings.");
        }

        if (ifMatch is { } expected && record.Version != expected)
        {
            return PreconditionFailed(record.Version);
        }

        cs.Db.RoleSettings.Remove(record);
        cs.Audit(Record("role_settings.deleted", role, new { before = record.Settings }) with { Scope = scope.Value });
        var committed = await cs.CommitAsync(ct);
        return committed.IsSuccess ? true : committed.Error;
    }

    private static async Task<IReadOnlyList<ElevateError>> CheckApproversAsync(ElevateDbContext db, IReadOnlyList<Guid> approvers, string field, CancellationToken ct)
    {
        if (approvers.Count == 0)
        {
            return [];
        }

        var found = await db.Principals.AsNoTracking().Where(p => approvers.Contains(p.Id)).Select(p => new { p.Id, p.Kind }).ToListAsync(ct);
        var errors = new List<ElevateError>();
        for (var i = 0; i < approvers.Count; i++)
        {
            var approver = found.FirstOrDefault(p => p.Id == approvers[i]);
            if (approver is null)
            {
                errors.Add(ElevateError.NotFound(ErrorCodes.PrincipalNotFound, $"{field}[{i}]", "No user or group has this id."));
            }
            else if (approver.Kind == PrincipalKind.ServiceAccount)
            {
                errors.Add(ElevateError.Rule(ErrorCodes.WrongPrincipalKind, "Approvers are people: users or groups, not service accounts.", $"{field}[{i}]"));
            }
        }

        return errors;
    }

    private static List<ElevateError> Validate(string? name, string? description, bool nameRequired)
    {
        var errors = new List<ElevateError>();
        if (TextRules.Check(name, "name", TextRules.NameMaxLength, nameRequired) is { } nameError)
        {
            errors.Add(nameError);
        }

        if (TextRules.Check(description, "description", TextRules.DescriptionMaxLength, required: false, multiline: true) is { } descriptionError)
        {
            errors.Add(descriptionError);
        }

        return errors;
    }

    private static ElevateError NotFound() => ElevateError.NotFound(ErrorCodes.RoleNotFound, "id", "No role has this id.");

    private static ElevateError PreconditionFailed(int version) =>
        new(ErrorCodes.PreconditionFailed, ErrorKind.PreconditionFailed, $"The stored version is {version}; read it again and retry.", "If-Match");

    private static AuditRecord Record(string action, Role role, object details) => new(action)
    {
        RoleId = role.Id,
        RoleName = role.Name,
        Details = AuditDetails.Of(details),
    };
}
