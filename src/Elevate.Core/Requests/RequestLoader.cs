using Elevate.Core.Access;
using Elevate.Core.Assignments;
using Elevate.Core.Audit;
using Elevate.Core.Common;
using Elevate.Core.Persistence;
using Elevate.Core.Principals;
using Elevate.Core.Roles;
using Elevate.Core.Settings;
using Microsoft.EntityFrameworkCore;

namespace Elevate.Core.Requests;

/// <summary>
/// Reads what the rules need to decide a request. Reading happens before the write lock is taken, so that writers
/// hold the lock only to check and write; <see cref="IsCurrentAsync"/> then tells, under the lock, whether anything the
/// facts were read from has changed since (every change set stamps the rows it writes with its sequence). If it has,
/// the facts are read again under the lock.
/// </summary>
internal sealed class RequestLoader(AccessIndex index)
{
    /// <summary>The facts, and the rows they came from that the request may change or settle.</summary>
    public sealed record Loaded(
        RequestFacts Facts, Role Role, Assignment? Target, Assignment? OpenActivation, Assignment? Duplicate, AssignmentAudit Audit, Freshness? Freshness);

    /// <summary>
    /// Which rows the facts depend on, and the audit sequence they were read at. Null where the dependencies are too
    /// wide to check cheaply (Elevate Administrator requests, whose safeguard looks at every administrator): those are
    /// always read under the lock.
    /// </summary>
    /// <param name="Principals">The requester, the request's principal and the requester's enabled groups: their rows, and
    /// their assignments of the role, are what the facts were read from (joining or leaving a group stamps the member).</param>
    public sealed record Freshness(long Sequence, Guid RoleId, IReadOnlyList<Guid> Principals);

    public static bool IsSelf(RequestAction action) =>
        action is RequestAction.SelfActivate or RequestAction.SelfDeactivate or RequestAction.SelfExtend or RequestAction.SelfRenew;

    public async Task<Result<Loaded>> LoadAsync(ElevateDbContext db, SubmitRequest input, Actor actor, DateTimeOffset now, CancellationToken ct)
    {
        var sequence = await db.AuditHead.AsNoTracking().Select(h => h.LastSequence).SingleAsync(ct);
        var action = input.Action!.Value;
        var isSelf = IsSelf(action);
        var requesterId = actor.PrincipalId ?? throw new InvalidOperationException("Requests are made by principals.");
        var requester = await db.Principals.AsNoTracking().FirstOrDefaultAsync(p => p.Id == requesterId, ct)
            ?? throw new InvalidOperationException($"The authenticated principal {requesterId} does not exist.");

        Assignment? target = null;
        Guid principalId;
        Guid roleId;
        ScopePath scope;
        AssignmentKind kind;
        if (input.TargetAssignmentId is { } targetId)
        {
            target = await db.Assignments.AsNoTracking().FirstOrDefaultAsync(a => a.Id == targetId, ct);
            if (target is null || (isSelf && target.PrincipalId != requesterId && !index.Can(requesterId, Permission.ReadAssignments, ScopePath.Parse(target.Scope), now)))
            {
                return ElevateError.NotFound(ErrorCodes.AssignmentNotFound, "targetAssignmentId", "No such assignment.");
            }

            (principalId, roleId, scope, kind) = (target.PrincipalId, target.RoleId, ScopePath.Parse(target.Scope), target.Kind);
        }
        else
        {
            if (isSelf && input.PrincipalId is { } named && named != requesterId)
            {
                return ElevateError.Forbidden("Self-service requests are made by the principal they are for; administrators use adminAssign.");
            }

            principalId = isSelf ? requesterId : input.PrincipalId!.Value;
            roleId = input.RoleId!.Value;
            scope = ScopePath.Parse(input.Scope!);
            kind = isSelf ? AssignmentKind.Active : input.Kind!.Value;
        }

        var principal = principalId == requesterId ? requester : await db.Principals.AsNoTracking().FirstOrDefaultAsync(p => p.Id == principalId, ct);
        if (principal is null)
        {
            return ElevateError.NotFound(ErrorCodes.PrincipalNotFound, "principalId", "No user, group or service account has this id.");
        }

        var role = await db.Roles.AsNoTracking().FirstOrDefaultAsync(r => r.Id == roleId, ct);
        if (role is null)
        {
            return ElevateError.NotFound(ErrorCodes.RoleNotFound, "roleId", "No role has this id.");
        }

        var audit = new AssignmentAudit();
        audit.Know(principal.Id, principal.Name);
        audit.Know(requester.Id, requester.Name);
        audit.KnowRole(role.Id, role.Name);

        var settings = (await SettingsLookup.EffectiveAsync(db, role.Id, scope, ct)).Settings;
        var requesterGroups = await (from m in db.GroupMemberships
                                     join g in db.Principals on m.GroupId equals g.Id
                                     where m.MemberId == requesterId && g.Enabled
                                     select g.Id).ToListAsync(ct);
        var facts = new RequestFacts
        {
            Action = action,
            Requester = Facts(requester),
            Principal = Facts(principal),
            Role = new RoleFacts(role.Id, role.Name, role.BuiltIn),
            Scope = scope,
            Kind = kind,
            Settings = settings,
            Now = now,
            Justification = input.Justification,
            Ticket = input.Ticket,
            MfaPresented = false,
            Target = target,
            PrincipalIncludesRequester = principal.Id == requesterId || requesterGroups.Contains(principal.Id),
        };

        if (action is RequestAction.SelfActivate || (action is RequestAction.SelfExtend && target?.Origin == AssignmentOrigin.Activation))
        {
            var holders = requesterGroups.Append(requesterId).ToList();
            var scopes = scope.SelfAndAncestors().Select(s => s.Value).ToList();
            facts = facts with
            {
                Eligibilities = await db.Assignments.AsNoTracking()
                    .Where(a => a.Kind == AssignmentKind.Eligible && a.RoleId == roleId && holders.Contains(a.PrincipalId) && scopes.Contains(a.Scope)
                        && (a.Status == AssignmentStatus.Scheduled || a.Status == AssignmentStatus.Active))
                    .ToListAsync(ct),
            };
        }

        Assignment? open = null;
        if (action is RequestAction.SelfActivate)
        {
            open = await db.Assignments.AsNoTracking().FirstOrDefaultAsync(a => a.Origin == AssignmentOrigin.Activation && a.PrincipalId == principalId
                && a.RoleId == roleId && a.Scope == scope.Value && (a.Status == AssignmentStatus.Scheduled || a.Status == AssignmentStatus.Active), ct);
        }

        Assignment? duplicate = null;
        if (action is RequestAction.AdminAssign or RequestAction.AdminRenew or RequestAction.SelfRenew)
        {
            duplicate = await db.Assignments.AsNoTracking().FirstOrDefaultAsync(a => a.Origin == AssignmentOrigin.Administrator && a.Kind == kind
                && a.PrincipalId == principalId && a.RoleId == roleId && a.Scope == scope.Value
                && (a.Status == AssignmentStatus.Scheduled || a.Status == AssignmentStatus.Active), ct);
        }

        Freshness? freshness = null;
        if (role.BuiltIn == BuiltInRole.ElevateAdministrator)
        {
            var schedule = ScheduleAt(input, facts.Action, target, now);
            if (target is not null && schedule.IsSuccess && RemovesAdministratorRights(action, target, schedule.Value, now))
            {
                var admins = await AdministratorSafeguard.LoadHoldersAsync(db, now, ct);
                facts = facts with { RemovesLastAdministrator = AdministratorSafeguard.WouldRemoveLast(admins, new AdministratorSafeguard.Change(RemovedAssignmentId: target.Id)) };
            }
        }
        else
        {
            freshness = new Freshness(sequence, role.Id, requesterGroups.Append(requesterId).Append(principalId).Distinct().ToList());
        }

        return At(new Loaded(facts, role, target, open, duplicate, audit, freshness), input, now);
    }

    /// <summary>Under the write lock: true when none of the rows the facts were read from has been written since.</summary>
    public static async Task<bool> IsCurrentAsync(ElevateDbContext db, Freshness freshness, CancellationToken ct)
    {
        var (sequence, roleId, principals) = freshness;
        var latest = await db.Principals.Where(p => principals.Contains(p.Id)).Select(p => p.ChangeSeq)
            .Concat(db.Roles.Where(r => r.Id == roleId).Select(r => r.ChangeSeq))
            .Concat(db.RoleSettings.Where(s => s.RoleId == roleId).Select(s => s.ChangeSeq))
            .Concat(db.Assignments.Where(a => a.RoleId == roleId && principals.Contains(a.PrincipalId)).Select(a => a.ChangeSeq))
            .MaxAsync(ct);
        return latest <= sequence;
    }

    /// <summary>
    /// Moves facts to <paramref name="now"/>: the schedule is resolved at that time, and an open activation or
    /// duplicate that has run out by then no longer counts.
    /// </summary>
    public static Result<Loaded> At(Loaded loaded, SubmitRequest input, DateTimeOffset now)
    {
        var schedule = ScheduleAt(input, loaded.Facts.Action, loaded.Target, now);
        if (!schedule.IsSuccess)
        {
            return schedule.Error;
        }

        return loaded with
        {
            Facts = loaded.Facts with
            {
                Now = now,
                Schedule = schedule.Value,
                OpenActivation = loaded.OpenActivation is { } open && !open.HasRunOutAt(now) ? open : null,
                Duplicate = loaded.Duplicate is { } duplicate && !duplicate.HasRunOutAt(now) ? duplicate : null,
            },
        };
    }

    /// <summary>
    /// Attaches the rows the request may change to the change set, and marks those that have run out as expired (so
    /// history says so, and the one-open-activation index lets a new activation in).
    /// </summary>
    public static void Attach(ChangeSet cs, Loaded loaded)
    {
        foreach (var assignment in new[] { loaded.Target, loaded.OpenActivation, loaded.Duplicate }.OfType<Assignment>().DistinctBy(a => a.Id))
        {
            cs.Db.Assignments.Attach(assignment);
            AssignmentEffects.Settle(cs, loaded.Audit, assignment);
        }
    }

    private static Result<Schedule?> ScheduleAt(SubmitRequest input, RequestAction action, Assignment? target, DateTimeOffset now)
    {
        if (input.Schedule is null)
        {
            return Result<Schedule?>.Success(null);
        }

        var keepStart = action is RequestAction.AdminUpdate ? target?.StartsAt : null;
        var resolved = Schedule.Resolve(input.Schedule, now, "schedule", keepStart);
        return resolved.IsSuccess ? resolved.Value : resolved.Error;
    }

    private static bool RemovesAdministratorRights(RequestAction action, Assignment target, Schedule? schedule, DateTimeOffset now) =>
        target is { Kind: AssignmentKind.Active, Scope: "/", EndsAt: null } &&
        (action == RequestAction.AdminRemove || (action == RequestAction.AdminUpdate && (schedule is null || !schedule.IsPermanent || schedule.StartsAt > now)));

    private static PrincipalFacts Facts(Principal p) => new(p.Id, p.Kind, p.Name, p.Enabled);
}
