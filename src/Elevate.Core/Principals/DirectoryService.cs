using Elevate.Core.Access;
using Elevate.Core.Assignments;
using Elevate.Core.Audit;
using Elevate.Core.Common;
using Elevate.Core.Persistence;
using Elevate.Core.Requests;
using Microsoft.EntityFrameworkCore;

namespace Elevate.Core.Principals;

/// <summary>Users, groups, memberships and service accounts.</summary>
public sealed class DirectoryService(ChangeSets changes, Authorizer authorizer)
{
    public async Task<Result<Principal>> CreateAsync(PrincipalKind kind, NewPrincipal input, Actor actor, CancellationToken ct)
    {
        if (authorizer.Require(actor, Permission.ManageDirectory) is { } denied)
        {
            return denied;
        }

        if (PrincipalInput.Validate(input, kind) is { Count: > 0 } errors)
        {
            return ElevateError.Combine(errors);
        }

        await using var cs = await changes.BeginAsync(actor, ct);
        var normalized = Principal.Normalize(input.Name!);
        if (await cs.Db.Principals.AnyAsync(p => p.NormalizedName == normalized, ct))
        {
            return ElevateError.Conflict(ErrorCodes.NameTaken, $"A user, group or service account is already called '{input.Name}'.", "name");
        }

        if (input.ManagerId is { } managerId && await CheckManagerAsync(cs.Db, managerId, null, ct) is { } managerError)
        {
            return managerError;
        }

        var principal = new Principal
        {
            Id = Ids.New(cs.Now),
            Kind = kind,
            Name = input.Name!,
            NormalizedName = normalized,
            DisplayName = input.DisplayName ?? input.Name!,
            Email = input.Email,
            ManagerId = input.ManagerId,
            Description = input.Description,
            CreatedAt = cs.Now,
        };
        cs.Db.Principals.Add(principal);
        cs.Audit(Record($"{Noun(kind)}.created", principal, new { principal.DisplayName, principal.Email, principal.ManagerId }));
        var committed = await cs.CommitAsync(ct);
        return committed.IsSuccess ? principal : committed.Error;
    }

    public async Task<Result<Principal>> UpdateAsync(Guid id, PrincipalChanges input, int? ifMatch, Actor actor, CancellationToken ct)
    {
        if (authorizer.Require(actor, Permission.ManageDirectory) is { } denied)
        {
            return denied;
        }

        if (PrincipalInput.Validate(input) is { Count: > 0 } errors)
        {
            return ElevateError.Combine(errors);
        }

        await using var cs = await changes.BeginAsync(actor, ct);
        var principal = await cs.Db.Principals.FirstOrDefaultAsync(p => p.Id == id, ct);
        if (principal is null)
        {
            return NotFound();
        }

        if (ifMatch is { } expected && principal.Version != expected)
        {
            return new ElevateError(ErrorCodes.PreconditionFailed, ErrorKind.PreconditionFailed, $"The principal is at version {principal.Version}; read it again.", "If-Match");
        }

        if (principal.Kind != PrincipalKind.User && (input.Email is not null || input.ManagerId is not null))
        {
            return ElevateError.Validation(ErrorCodes.InvalidValue, input.Email is not null ? "email" : "managerId", "Only users have an e-mail address and a manager.");
        }

        if (input.ManagerId is { } managerId && await CheckManagerAsync(cs.Db, managerId, principal.Id, ct) is { } managerError)
        {
            return managerError;
        }

        var before = new { principal.DisplayName, principal.Email, principal.ManagerId, principal.Description, principal.Enabled };
        principal.DisplayName = input.DisplayName ?? principal.DisplayName;
        principal.Email = input.Email ?? principal.Email;
        principal.ManagerId = input.ClearManager == true ? null : input.ManagerId ?? principal.ManagerId;
        principal.Description = input.Description ?? principal.Description;

        var audit = new AssignmentAudit();
        audit.Know(principal.Id, principal.Name);
        if (input.Enabled == false && principal.Enabled)
        {
            var holders = await AdministratorSafeguard.LoadHoldersAsync(cs.Db, cs.Now, ct);
            if (AdministratorSafeguard.WouldRemoveLast(holders, new AdministratorSafeguard.Change(DisabledPrincipalId: principal.Id)))
            {
                return ElevateError.Rule(ErrorCodes.LastAdministrator,
                    "Disabling this principal would leave no enabled user with a permanent active Elevate Administrator assignment.", "enabled");
            }

            principal.Enabled = false;
            principal.DisabledAt = cs.Now;
            await EndGrantsOfDisabledAsync(cs, audit, principal, ct);

            // Ended, not merely refused while disabled: enabling the user again must not revive a session someone holds.
            await cs.Db.Sessions.Where(s => s.PrincipalId == principal.Id && s.EndedAt == null)
                .ExecuteUpdateAsync(u => u.SetProperty(s => s.EndedAt, cs.Now).SetProperty(s => s.EndReason, SignIn.SessionEndReason.UserDisabled), ct);
        }
        else if (input.Enabled == true && !principal.Enabled)
        {
            principal.Enabled = true;
            principal.DisabledAt = null;
        }

        var after = new { principal.DisplayName, principal.Email, principal.ManagerId, principal.Description, principal.Enabled };
        var action = before.Enabled == after.Enabled ? "updated" : after.Enabled ? "enabled" : "disabled";
        cs.Audit(Record($"{Noun(principal.Kind)}.{action}", principal, new { before, after }));
        var committed = await cs.CommitAsync(ct);
        return committed.IsSuccess ? principal : committed.Error;
    }

    public async Task<Result<GroupMembership>> AddMemberAsync(Guid groupId, Guid memberId, Actor actor, CancellationToken ct)
    {
        if (authorizer.Require(actor, Permission.ManageDirectory) is { } denied)
        {
            return denied;
        }

        await using var cs = await changes.BeginAsync(actor, ct);
        var (group, member, error) = await LoadMembershipAsync(cs.Db, groupId, memberId, ct);
        if (error is not null)
        {
            return error;
        }

        if (await cs.Db.GroupMemberships.AnyAsync(m => m.GroupId == groupId && m.MemberId == memberId, ct))
        {
            return ElevateError.Conflict(ErrorCodes.AlreadyMember, $"{member!.Name} is already in {group!.Name}.", "memberId");
        }

        var membership = AddMembership(cs, group!, member!, null);
        var committed = await cs.CommitAsync(ct);
        return committed.IsSuccess ? membership : committed.Error;
    }

    /// <summary>
    /// Takes a member out of a group. Activations the member made from the group's eligibilities end at once, and
    /// their pending requests under those eligibilities are revoked: leaving the group leaves its rights behind.
    /// </summary>
    public async Task<Result<bool>> RemoveMemberAsync(Guid groupId, Guid memberId, Actor actor, CancellationToken ct)
    {
        if (authorizer.Require(actor, Permission.ManageDirectory) is { } denied)
        {
            return denied;
        }

        await using var cs = await changes.BeginAsync(actor, ct);
        var (group, member, error) = await LoadMembershipAsync(cs.Db, groupId, memberId, ct);
        if (error is not null)
        {
            return error;
        }

        var membership = await cs.Db.GroupMemberships.FirstOrDefaultAsync(m => m.GroupId == groupId && m.MemberId == memberId, ct);
        if (membership is null)
        {
            return ElevateError.Conflict(ErrorCodes.NotMember, $"{member!.Name} is not in {group!.Name}.", "memberId");
        }

        if (await RemoveMembershipAsync(cs, group!, member!, membership, ct) is { } refused)
        {
            return refused;
        }

        var committed = await cs.CommitAsync(ct);
        return committed.IsSuccess ? true : committed.Error;
    }

    public async Task<Result<Principal>> GetAsync(Guid id, Actor actor, CancellationToken ct)
    {
        if (actor.PrincipalId != id && authorizer.Require(actor, Permission.ReadDirectory) is { } denied)
        {
            return denied;
        }

        var principal = await changes.Db.Principals.AsNoTracking().FirstOrDefaultAsync(p => p.Id == id, ct);
        return principal is null ? NotFound() : principal;
    }

    public sealed record ListFilter(PrincipalKind? Kind, string? NameStartsWith, bool? Enabled, string? Cursor, int? Limit);

    /// <summary>Principals in name order.</summary>
    public async Task<Result<Page<Principal>>> ListAsync(ListFilter filter, Actor actor, CancellationToken ct)
    {
        if (authorizer.Require(actor, Permission.ReadDirectory) is { } denied)
        {
            return denied;
        }

        var limit = Cursor.Limit(filter.Limit);
        var after = Cursor.Decode(filter.Cursor, 1);
        if (!limit.IsSuccess || !after.IsSuccess)
        {
            return limit.Error ?? after.Error!;
        }

        var query = changes.Db.Principals.AsNoTracking();
        if (filter.Kind is { } kind)
        {
            query = query.Where(p => p.Kind == kind);
        }

        if (filter.Enabled is { } enabled)
        {
            query = query.Where(p => p.Enabled == enabled);
        }

        if (filter.NameStartsWith is { } prefix)
        {
            var normalizedPrefix = Principal.Normalize(prefix);
            query = query.Where(p => p.NormalizedName.StartsWith(normalizedPrefix));
        }

        if (after.Value is [var lastName])
        {
            query = query.Where(p => string.Compare(p.NormalizedName, lastName) > 0);
        }

        var items = await query.OrderBy(p => p.NormalizedName).Take(limit.Value + 1).ToListAsync(ct);
        var next = items.Count > limit.Value ? Cursor.Encode(items[limit.Value - 1].NormalizedName) : null;
        return new Page<Principal>(items.Take(limit.Value).ToList(), next);
    }

    /// <summary>A group's members in name order, a page at a time.</summary>
    public async Task<Result<Page<Principal>>> MembersAsync(Guid groupId, string? cursor, int? limit, Actor actor, CancellationToken ct)
    {
        var size = Cursor.Limit(limit);
        var after = Cursor.Decode(cursor, 1);
        var problem = authorizer.Require(actor, Permission.ReadDirectory) ?? size.Error ?? after.Error;
        if (problem is not null)
        {
            return problem;
        }

        if (!await changes.Db.Principals.AnyAsync(p => p.Id == groupId && p.Kind == PrincipalKind.Group, ct))
        {
            return NotFound();
        }

        var members = from m in changes.Db.GroupMemberships.AsNoTracking()
                      join p in changes.Db.Principals.AsNoTracking() on m.MemberId equals p.Id
                      where m.GroupId == groupId
                      select p;
        if (after.Value is [var lastName])
        {
            members = members.Where(p => string.Compare(p.NormalizedName, lastName) > 0);
        }

        var items = await members.OrderBy(p => p.NormalizedName).Take(size.Value + 1).ToListAsync(ct);
        var next = items.Count > size.Value ? Cursor.Encode(items[size.Value - 1].NormalizedName) : null;
        return new Page<Principal>(items.Take(size.Value).ToList(), next);
    }

    /// <summary>
    /// Ends what a disabled principal holds and withdraws what it asked for. A disabled group gives its members nothing:
    /// the access index skips its own grants, and the activations its members made from its eligibilities end here.
    /// The group's assignments themselves stay, to apply again if it is enabled.
    /// </summary>
    private static async Task EndGrantsOfDisabledAsync(ChangeSet cs, AssignmentAudit audit, Principal principal, CancellationToken ct)
    {
        if (principal.Kind == PrincipalKind.Group)
        {
            var eligibilities = await cs.Db.Assignments.Where(a => a.PrincipalId == principal.Id && a.Kind == AssignmentKind.Eligible).Select(a => a.Id).ToListAsync(ct);
            await AssignmentEffects.EndActivationsFromAsync(cs, audit, eligibilities, EndReason.PrincipalDisabled, null, ct);
            return;
        }

        var grants = await cs.Db.Assignments
            .Where(a => a.PrincipalId == principal.Id && a.Kind == AssignmentKind.Active
                && (a.Status == AssignmentStatus.Scheduled || a.Status == AssignmentStatus.Active))
            .ToListAsync(ct);
        await audit.LoadNamesAsync(cs.Db, grants, ct);
        foreach (var grant in grants)
        {
            await AssignmentEffects.EndAsync(cs, audit, grant, EndReason.PrincipalDisabled, null, ct);
        }

        var pending = await cs.Db.Requests
            .Where(r => (r.PrincipalId == principal.Id || r.RequestedById == principal.Id) && r.Status == RequestStatus.PendingApproval)
            .ToListAsync(ct);
        await audit.LoadNamesAsync(cs.Db, pending.Select(r => new Assignment { PrincipalId = r.PrincipalId, RoleId = r.RoleId }), ct);
        foreach (var request in pending)
        {
            AssignmentEffects.Move(cs, audit, request, RequestStatus.Canceled, "The principal was disabled.");
        }
    }

    /// <summary>Adds a member (stamping both so every instance's index picks it up) and audits it.</summary>
    internal static GroupMembership AddMembership(ChangeSet cs, Principal group, Principal member, string? source)
    {
        var membership = new GroupMembership { GroupId = group.Id, MemberId = member.Id, AddedAt = cs.Now, Source = source };
        cs.Db.GroupMemberships.Add(membership);
        StampMembership(cs, group, member);
        cs.Audit(Record("group.member_added", group, new { memberId = member.Id, memberName = member.Name, source }));
        return membership;
    }

    /// <summary>
    /// Takes a member out, unless that would leave no permanent Elevate Administrator; activations the member made
    /// from the group's eligibilities end with it.
    /// </summary>
    internal static async Task<ElevateError?> RemoveMembershipAsync(ChangeSet cs, Principal group, Principal member, GroupMembership membership, CancellationToken ct)
    {
        var holders = await AdministratorSafeguard.LoadHoldersAsync(cs.Db, cs.Now, ct);
        if (AdministratorSafeguard.WouldRemoveLast(holders, new AdministratorSafeguard.Change(RemovedMembership: (group.Id, member.Id))))
        {
            return ElevateError.Rule(ErrorCodes.LastAdministrator,
                "This member is the last enabled user with a permanent active Elevate Administrator assignment (through this group).", "memberId");
        }

        cs.Db.GroupMemberships.Remove(membership);
        StampMembership(cs, group, member);
        cs.Audit(Record("group.member_removed", group, new { memberId = member.Id, memberName = member.Name, source = membership.Source }));

        var groupEligibilities = await cs.Db.Assignments.Where(a => a.PrincipalId == group.Id && a.Kind == AssignmentKind.Eligible).Select(a => a.Id).ToListAsync(ct);
        var audit = new AssignmentAudit();
        await AssignmentEffects.EndActivationsFromAsync(cs, audit, groupEligibilities, EndReason.GroupMembershipRemoved, null, ct, principalId: member.Id);
        return null;
    }

    /// <summary>
    /// A membership change stamps both ends: the group, so every instance reloads its members, and the member, so a
    /// request read before the change is read again (its eligibilities through groups may differ).
    /// </summary>
    private static void StampMembership(ChangeSet cs, Principal group, Principal member)
    {
        // A principal added in this same change set (a user created at first single sign-on) is inserted, and so
        // stamped, anyway; marking it modified would turn its insert into an update of a row that does not exist.
        foreach (var principal in new[] { group, member })
        {
            var entry = cs.Db.Entry(principal);
            if (entry.State != EntityState.Added)
            {
                entry.State = EntityState.Modified;
            }
        }
    }

    private static async Task<(Principal? Group, Principal? Member, ElevateError? Error)> LoadMembershipAsync(ElevateDbContext db, Guid groupId, Guid memberId, CancellationToken ct)
    {
        var group = await db.Principals.FirstOrDefaultAsync(p => p.Id == groupId, ct);
        if (group is null || group.Kind != PrincipalKind.Group)
        {
            return (null, null, ElevateError.NotFound(ErrorCodes.PrincipalNotFound, "groupId", "No group has this id."));
        }

        var member = await db.Principals.AsNoTracking().FirstOrDefaultAsync(p => p.Id == memberId, ct);
        if (member is null)
        {
            return (null, null, ElevateError.NotFound(ErrorCodes.PrincipalNotFound, "memberId", "No user or service account has this id."));
        }

        if (member.Kind == PrincipalKind.Group)
        {
            return (null, null, ElevateError.Rule(ErrorCodes.WrongPrincipalKind, "Groups do not contain groups; add the users instead.", "memberId"));
        }

        return (group, member, null);
    }

    private static async Task<ElevateError?> CheckManagerAsync(ElevateDbContext db, Guid managerId, Guid? userId, CancellationToken ct)
    {
        // Walk up the chain: a manager must be a user, and nobody may end up managing themselves.
        var current = managerId;
        for (var depth = 0; depth < 64; depth++)
        {
            if (current == userId)
            {
                return ElevateError.Validation(ErrorCodes.InvalidValue, "managerId", "A user cannot be their own manager, directly or up the chain.");
            }

            var manager = await db.Principals.AsNoTracking().Where(p => p.Id == current).Select(p => new { p.Kind, p.ManagerId }).FirstOrDefaultAsync(ct);
            if (manager is null || manager.Kind != PrincipalKind.User)
            {
                return depth == 0
                    ? ElevateError.NotFound(ErrorCodes.PrincipalNotFound, "managerId", "No user has this id.")
                    : null;
            }

            if (manager.ManagerId is not { } next)
            {
                return null;
            }

            current = next;
        }

        return null;
    }

    private static ElevateError NotFound() => ElevateError.NotFound(ErrorCodes.PrincipalNotFound, "id", "No user, group or service account has this id.");

    private static string Noun(PrincipalKind kind) => kind switch
    {
        PrincipalKind.User => "user",
        PrincipalKind.Group => "group",
        PrincipalKind.ServiceAccount => "service_account",
    };

    private static AuditRecord Record(string action, Principal principal, object details) => new(action)
    {
        PrincipalId = principal.Id,
        PrincipalName = principal.Name,
        Details = AuditDetails.Of(details),
    };
}
