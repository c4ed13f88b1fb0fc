using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Elevate.Core.Access;
using Elevate.Core.Assignments;
using Elevate.Core.Audit;
using Elevate.Core.Common;
using Elevate.Core.Common.Json;
using Elevate.Core.Mfa;
using Elevate.Core.Persistence;
using Elevate.Core.Principals;
using Elevate.Core.Requests;
using Elevate.Core.Roles;
using Elevate.Core.Settings;
using Microsoft.EntityFrameworkCore;

namespace Elevate.Core.Approvals;

/// <summary>An approver's decision as sent: approve or deny, why, and a fresh factor when the role asks for one.</summary>
/// <param name="Link">Set when the decision comes through an e-mailed link: its nonce is recorded with the decision, so the link works once.</param>
public sealed record DecisionInput(ApprovalVerdict Verdict, string? Reason, StepUpProof? Mfa, LinkUse? Link = null);

/// <summary>A used approve / deny link: its one-time nonce, and until when it could have been used.</summary>
public sealed record LinkUse(Guid Nonce, DateTimeOffset ExpiresAt);

/// <summary>A request's approval as it stands: the plan, the stage waiting, and every decision so far.</summary>
public sealed record ApprovalState(AssignmentRequest Request, ApprovalPlan Plan, IReadOnlyList<ApprovalDecision> Decisions);

/// <summary>
/// The approval workflow: planning who decides when a request is submitted, recording decisions, moving through the
/// stages and granting at the end. Every decision runs in one change set under the write lock and re-reads the
/// request there, so of any number of simultaneous decisions, cancellations and timeouts exactly one settles the
/// request and the others see it settled. A requester never decides their own request, by any path.
/// </summary>
public sealed class ApprovalService(ChangeSets changes, AccessIndex index, MfaService mfa, TimeProvider time)
{
    public const int MaxPendingScanned = 2000;

    /// <summary>
    /// Fixes who decides a request that needs approval. A stage nobody but the requester (or disabled principals)
    /// could decide is handed to its escalation approvers from the start; with none of those either, the request is
    /// refused now rather than left waiting for a decision that can never come.
    /// </summary>
    public static async Task<Result<ApprovalPlan>> PlanAsync(ElevateDbContext db, RequestFacts facts, Assignment? target, CancellationToken ct)
    {
        var requester = await db.Principals.AsNoTracking().FirstAsync(p => p.Id == facts.Requester.Id, ct);
        var asksAdministrators = facts.Action is RequestAction.SelfRenew
            || (facts.Action is RequestAction.SelfExtend && target?.Origin != AssignmentOrigin.Activation);
        if (asksAdministrators)
        {
            return new ApprovalPlan([new PlannedStage([], null, true, 1, ApprovalRules.AskTimeout, null, [], false)], false);
        }

        var approval = facts.Settings.Activation.Approval;
        var stages = new List<PlannedStage>();
        var configured = approval.EffectiveStages();
        for (var i = 0; i < configured.Count; i++)
        {
            var stage = configured[i];
            var manager = stage.RequesterManager ? requester.ManagerId : null;
            var planned = new PlannedStage(stage.Approvers, manager, false, stage.Quorum, stage.Timeout, stage.EscalateAfter, stage.EscalationApprovers, stage.RequireReason);
            var possible = await PossibleApproversAsync(db, [.. stage.Approvers, .. manager is { } m ? [m] : Array.Empty<Guid>()], requester.Id, ct);
            if (possible.Count < stage.Quorum)
            {
                // Someone named both as approver and as escalation approver is still one person.
                var withEscalation = possible.Union(await PossibleApproversAsync(db, stage.EscalationApprovers, requester.Id, ct)).Count();
                if (withEscalation < stage.Quorum)
                {
                    return ElevateError.Rule(ErrorCodes.NoPossibleApprover,
                        $"Approval stage {i + 1} has too few enabled approvers other than you ({withEscalation} for a quorum of {stage.Quorum}); ask an administrator to fix the role's settings.",
                        $"activation.approval.stages[{i}]");
                }

                planned = planned with { EscalateAfter = TimeSpan.Zero };
            }

            stages.Add(planned);
        }

        return new ApprovalPlan(stages, approval.RequireMfaToApprove);
    }

    /// <summary>
    /// What a settings document's approval stages will do to requests, said when the settings are saved: a stage that
    /// can never gather its quorum (requests will be refused, or go to escalation approvers from the start), and one
    /// whose quorum needs every approver, so that a request by one of them cannot complete without escalation.
    /// </summary>
    public static async Task<IReadOnlyList<ElevateError>> StageWarningsAsync(ElevateDbContext db, RoleSettings settings, CancellationToken ct)
    {
        var warnings = new List<ElevateError>();
        var stages = settings.Activation.Approval.EffectiveStages();
        for (var i = 0; i < stages.Count; i++)
        {
            var stage = stages[i];
            if (stage.RequesterManager)
            {
                continue;
            }

            var field = settings.Activation.Approval.Stages.Count == 0 ? "activation.approval.approvers" : $"activation.approval.stages[{i}]";
            var possible = await PossibleApproversAsync(db, stage.Approvers, Guid.Empty, ct);
            var withEscalation = possible.Union(await PossibleApproversAsync(db, stage.EscalationApprovers, Guid.Empty, ct)).Count();
            if (possible.Count < stage.Quorum)
            {
                warnings.Add(ElevateError.Rule(ErrorCodes.ApprovalStageUnreachable, withEscalation >= stage.Quorum
                    ? $"Stage {i + 1} reaches only {possible.Count} enabled users for a quorum of {stage.Quorum}; its escalation approvers will decide from the start."
                    : $"Stage {i + 1} reaches only {withEscalation} enabled users for a quorum of {stage.Quorum}, even with escalation; requests for this role will be refused until approvers are added.", field));
            }
            else if (possible.Count == stage.Quorum && withEscalation <= stage.Quorum)
            {
                warnings.Add(ElevateError.Rule(ErrorCodes.ApprovalStageTight,
                    $"Stage {i + 1} needs every one of its {possible.Count} approvers; a request by one of them can never complete it and will be refused. Add approvers or escalation approvers.", field));
            }
        }

        return warnings;
    }

    /// <summary>Starts the first stage of a request that was just planned.</summary>
    public static void Start(AssignmentRequest request, ApprovalPlan plan, DateTimeOffset now)
    {
        request.ApprovalPlan = plan.ToJson();
        request.ApprovalStage = 1;
        request.StageStartedAt = now;
        request.StageDueAt = now + plan.Stages[0].Timeout;
    }

    public async Task<Result<ApprovalState>> GetAsync(Guid requestId, Actor actor, CancellationToken ct)
    {
        var request = await changes.Db.Requests.AsNoTracking().FirstOrDefaultAsync(r => r.Id == requestId, ct);
        if (request?.ApprovalPlan is null || !await MaySeeAsync(request, actor, ct))
        {
            return ElevateError.NotFound(ErrorCodes.RequestNotFound, "id", "No request with an approval has this id.");
        }

        var decisions = await changes.Db.ApprovalDecisions.AsNoTracking().Where(d => d.RequestId == requestId).OrderBy(d => d.DecidedAt).ToListAsync(ct);
        return new ApprovalState(request, ApprovalPlan.FromJson(request.ApprovalPlan), decisions);
    }

    /// <summary>Requests whose current stage the caller may decide and has not decided yet, oldest first.</summary>
    public async Task<IReadOnlyList<AssignmentRequest>> AwaitingAsync(Actor actor, int limit, CancellationToken ct)
    {
        var now = time.UtcNow();
        var me = await ApproverAsync(changes.Db, actor.PrincipalId!.Value, ct);
        var pending = await changes.Db.Requests.AsNoTracking()
            .Where(r => r.Status == RequestStatus.PendingApproval && r.ApprovalPlan != null && (r.StageDueAt == null || r.StageDueAt > now))
            .OrderBy(r => r.CreatedAt).Take(MaxPendingScanned).ToListAsync(ct);
        var decided = await changes.Db.ApprovalDecisions.AsNoTracking().Where(d => d.ApproverId == me.Id && pending.Select(r => r.Id).Contains(d.RequestId))
            .Select(d => new { d.RequestId, d.Stage }).ToListAsync(ct);
        return pending
            .Where(r => !decided.Any(d => d.RequestId == r.Id && d.Stage == r.ApprovalStage))
            .Where(r => StandingOf(r, ApprovalPlan.FromJson(r.ApprovalPlan!), me with { AdministersScope = AdministersScope(me.Id, r, now) }, now) == ApproverStanding.Approver)
            .Take(limit)
            .ToList();
    }

    /// <summary>Whether the caller may decide the current stage of this one request now (and has not yet).</summary>
    public async Task<bool> MayDecideAsync(Guid requestId, Actor actor, CancellationToken ct)
    {
        var me = actor.PrincipalId!.Value;
        var now = time.UtcNow();
        var request = await changes.Db.Requests.AsNoTracking().FirstOrDefaultAsync(r => r.Id == requestId, ct);
        if (request is not { Status: RequestStatus.PendingApproval, ApprovalPlan: { } json } || request.StageDueAt <= now)
        {
            return false;
        }

        var approver = await ApproverAsync(changes.Db, me, request, now, ct);
        return StandingOf(request, ApprovalPlan.FromJson(json), approver, now) == ApproverStanding.Approver
            && !await changes.Db.ApprovalDecisions.AnyAsync(d => d.RequestId == requestId && d.Stage == request.ApprovalStage && d.ApproverId == me, ct);
    }

    /// <summary>A WebAuthn challenge for one decision on one request, when its role requires a fresh factor to approve.</summary>
    public async Task<Result<WebAuthnCeremony>> DecisionChallengeAsync(Guid requestId, ApprovalVerdict verdict, Actor actor, CancellationToken ct)
    {
        var me = actor.PrincipalId!.Value;
        var now = time.UtcNow();
        var request = await changes.Db.Requests.AsNoTracking().FirstOrDefaultAsync(r => r.Id == requestId, ct);
        var plan = request?.ApprovalPlan is { } json ? ApprovalPlan.FromJson(json) : null;
        var approver = request is null ? null : await ApproverAsync(changes.Db, me, request, now, ct);
        if (request is null || plan is null || approver is null || request.Status != RequestStatus.PendingApproval || !MaySee(request, plan, approver, now))
        {
            return ElevateError.NotFound(ErrorCodes.RequestNotFound, "id", "No request waiting for approval has this id.");
        }

        return StandingOf(request, plan, approver, now) switch
        {
            ApproverStanding.Approver => await mfa.BeginAssertionAsync(me, ChallengePurpose.StepUp, Binding(requestId, verdict, me), ct),
            ApproverStanding.Requester => ElevateError.Forbidden("Nobody approves their own request.") with { Code = ErrorCodes.SelfApprovalForbidden },
            ApproverStanding.NotAnApprover => ElevateError.Forbidden("You are not an approver of the current stage of this request.") with { Code = ErrorCodes.NotAnApprover },
        };
    }

    public async Task<Result<ApprovalState>> DecideAsync(Guid requestId, DecisionInput input, Actor actor, CancellationToken ct)
    {
        if (TextRules.Check(input.Reason, "reason", TextRules.JustificationMaxLength, required: false, multiline: true) is { } badReason)
        {
            return badReason;
        }

        var me = actor.PrincipalId!.Value;
        await using var cs = await changes.BeginAsync(actor, ct);
        var request = await cs.Db.Requests.FirstOrDefaultAsync(r => r.Id == requestId, ct);
        var plan = request?.ApprovalPlan is { } json ? ApprovalPlan.FromJson(json) : null;
        var approver = request is null ? null : await ApproverAsync(cs.Db, me, request, cs.Now, ct);
        if (request is null || plan is null || approver is null || !MaySee(request, plan, approver, cs.Now))
        {
            return ElevateError.NotFound(ErrorCodes.RequestNotFound, "id", "No request with an approval has this id.");
        }

        if (request.Status != RequestStatus.PendingApproval)
        {
            var last = await cs.Db.ApprovalDecisions.AsNoTracking().Where(d => d.RequestId == requestId).OrderByDescending(d => d.DecidedAt).FirstOrDefaultAsync(ct);
            var status = JsonNamingPolicy.CamelCase.ConvertName(request.Status.ToString());
            return ElevateError.Conflict(ErrorCodes.AlreadyDecided, last is null
                ? $"The request is already {status}."
                : $"The request is already {status}; {last.ApproverName} decided at {last.DecidedAt.UtcDateTime:yyyy-MM-dd HH:mm} UTC.");
        }

        var stage = plan.Stages[request.ApprovalStage - 1];
        var audit = new AssignmentAudit();
        await audit.LoadNamesAsync(cs.Db, [new Assignment { PrincipalId = request.PrincipalId, RoleId = request.RoleId }], ct);
        if (request.StageDueAt is { } due && due <= cs.Now)
        {
            // The deadline holds whether or not the scheduler has got to it yet: a late decision times the request out.
            AssignmentEffects.Move(cs, audit, request, RequestStatus.TimedOut, $"No decision arrived within stage {request.ApprovalStage}'s time limit.");
            var timedOut = await cs.CommitAsync(ct);
            return timedOut.IsSuccess
                ? ElevateError.Conflict(ErrorCodes.AlreadyDecided, $"The request timed out at {due.UtcDateTime:yyyy-MM-dd HH:mm} UTC, before this decision.")
                : timedOut.Error;
        }

        switch (StandingOf(request, plan, approver, cs.Now))
        {
            case ApproverStanding.Requester:
                return ElevateError.Forbidden("Nobody approves their own request: not directly, through a group, as their own manager, or as an administrator.") with
                {
                    Code = ErrorCodes.SelfApprovalForbidden,
                };
            case ApproverStanding.NotAnApprover:
                return ElevateError.Forbidden($"You are not an approver of stage {request.ApprovalStage} of this request.") with { Code = ErrorCodes.NotAnApprover };
            case ApproverStanding.Approver:
                break;
        }

        if (await cs.Db.ApprovalDecisions.AnyAsync(d => d.RequestId == requestId && d.Stage == request.ApprovalStage && d.ApproverId == me, ct))
        {
            return ElevateError.Conflict(ErrorCodes.AlreadyDecided, "You have already decided this stage of the request.");
        }

        if (string.IsNullOrWhiteSpace(input.Reason) && (input.Verdict == ApprovalVerdict.Deny || stage.RequireReason))
        {
            return ElevateError.Validation(ErrorCodes.Required, "reason", input.Verdict == ApprovalVerdict.Deny
                ? "Say why you deny it; the requester sees the reason."
                : "This role asks approvers for a reason.");
        }

        string? factor = null;
        if (plan.RequireMfa)
        {
            if (input.Mfa is null)
            {
                var enrolled = await mfa.EnrolledAsync(me, ct);
                return new ElevateError(ErrorCodes.MfaRequired, ErrorKind.Forbidden, "Deciding this request needs a fresh second factor.", "mfa")
                {
                    Extensions = new Dictionary<string, object?> { ["factors"] = enrolled.Select(MfaService.Name).ToArray() },
                };
            }

            var verified = await mfa.VerifyAsync(cs, me, FactorProof.From(input.Mfa), ChallengePurpose.StepUp, Binding(requestId, input.Verdict, me),
                [MfaFactor.Totp, MfaFactor.WebAuthn], ct);
            if (!verified.IsSuccess)
            {
                var committed = await cs.CommitAsync(ct);
                return committed.IsSuccess ? verified.Error : committed.Error;
            }

            factor = verified.Value.Method;
        }

        if (input.Link is { } link)
        {
            if (await cs.Db.UsedChallenges.AnyAsync(c => c.Id == link.Nonce, ct))
            {
                return ElevateError.Conflict(ErrorCodes.LinkUsed, "This approval link has been used already; open the request in Elevate to see where it stands.");
            }

            cs.Db.UsedChallenges.Add(new UsedChallenge { Id = link.Nonce, ExpiresAt = link.ExpiresAt });
        }

        var decision = new ApprovalDecision
        {
            Id = Ids.New(cs.Now),
            RequestId = requestId,
            Stage = request.ApprovalStage,
            ApproverId = me,
            ApproverName = actor.Name,
            Verdict = input.Verdict,
            Reason = string.IsNullOrWhiteSpace(input.Reason) ? null : input.Reason.Trim(),
            MfaMethod = factor,
            DecidedAt = cs.Now,
        };
        cs.Db.ApprovalDecisions.Add(decision);
        cs.Audit(RequestAudit.Record(input.Verdict == ApprovalVerdict.Approve ? "request.approval_given" : "request.approval_refused", request, audit) with
        {
            Details = AuditDetails.Of(new { stage = decision.Stage, verdict = decision.Verdict, reason = decision.Reason, mfa = factor }),
        });

        var verdicts = await cs.Db.ApprovalDecisions.AsNoTracking().Where(d => d.RequestId == requestId && d.Stage == request.ApprovalStage)
            .Select(d => d.Verdict).ToListAsync(ct);
        switch (ApprovalRules.State(stage, verdicts.Append(input.Verdict)))
        {
            case StageState.Denied:
                AssignmentEffects.Move(cs, audit, request, RequestStatus.Denied, $"Denied by {actor.Name}: {decision.Reason}");
                break;
            case StageState.Approved when request.ApprovalStage < plan.Stages.Count:
                request.ApprovalStage++;
                request.StageStartedAt = cs.Now;
                request.StageDueAt = cs.Now + plan.Stages[request.ApprovalStage - 1].Timeout;
                break;
            case StageState.Approved:
                await GrantAsync(cs, audit, request, actor, ct);
                break;
            case StageState.Waiting:
                break;
        }

        var done = await cs.CommitAsync(ct);
        if (!done.IsSuccess)
        {
            return done.Error;
        }

        var decisions = await changes.Db.ApprovalDecisions.AsNoTracking().Where(d => d.RequestId == requestId).OrderBy(d => d.DecidedAt).ToListAsync(ct);
        return new ApprovalState(request, plan, decisions);
    }

    /// <summary>What a decision's fresh factor is bound to: this request, this verdict, this approver.</summary>
    public static byte[] Binding(Guid requestId, ApprovalVerdict verdict, Guid approverId) =>
        SHA256.HashData(Encoding.UTF8.GetBytes(JsonSerializer.Serialize(new { decision = requestId, verdict, approverId }, ElevateJson.Options)));

    /// <summary>
    /// Carries out a fully approved request. Access runs from the approval (or the requested start, if later) for the
    /// whole requested length; if what it was made under is gone meanwhile, the request is revoked instead.
    /// </summary>
    private static async Task GrantAsync(ChangeSet cs, AssignmentAudit audit, AssignmentRequest request, Actor actor, CancellationToken ct)
    {
        var target = request.TargetAssignmentId is { } targetId ? await cs.Db.Assignments.FirstOrDefaultAsync(a => a.Id == targetId, ct) : null;
        var principal = await cs.Db.Principals.AsNoTracking().FirstAsync(p => p.Id == request.PrincipalId, ct);
        if (!principal.Enabled)
        {
            AssignmentEffects.Move(cs, audit, request, RequestStatus.Revoked, $"{principal.Name} was disabled while the request waited.");
            return;
        }

        switch (request.Action)
        {
            case RequestAction.SelfActivate:
                {
                    var eligibility = request.EligibilityId is { } id ? await cs.Db.Assignments.AsNoTracking().FirstOrDefaultAsync(a => a.Id == id, ct) : null;
                    if (eligibility is not { IsOpen: true } || eligibility.HasRunOutAt(cs.Now))
                    {
                        AssignmentEffects.Move(cs, audit, request, RequestStatus.Revoked, "The eligibility it was made under ended while it waited.");
                        return;
                    }

                    var window = ApprovalRules.GrantWindow(request.StartsAt, request.EndsAt, request.Duration, cs.Now, eligibility.EndsAt);
                    var open = await cs.Db.Assignments.AnyAsync(a => a.Origin == AssignmentOrigin.Activation && a.PrincipalId == request.PrincipalId
                        && a.RoleId == request.RoleId && a.Scope == request.Scope && (a.Status == AssignmentStatus.Scheduled || a.Status == AssignmentStatus.Active), ct);
                    if (open)
                    {
                        AssignmentEffects.Move(cs, audit, request, RequestStatus.Revoked, "The role is already active at this scope.");
                        return;
                    }

                    Create(cs, audit, request, window, AssignmentKind.Active, AssignmentOrigin.Activation, eligibility.Id, null, "assignment.activated");
                    return;
                }

            case RequestAction.SelfRenew:
                {
                    // As for an administrator's own assignment: never two open assignments of one kind for one role and scope.
                    if (await cs.Db.Assignments.AnyAsync(a => a.PrincipalId == request.PrincipalId && a.RoleId == request.RoleId && a.Scope == request.Scope
                        && a.Kind == request.AssignmentKind && a.Origin == AssignmentOrigin.Administrator
                        && (a.Status == AssignmentStatus.Scheduled || a.Status == AssignmentStatus.Active), ct))
                    {
                        AssignmentEffects.Move(cs, audit, request, RequestStatus.Revoked, "An administrator assigned the role again while the request waited.");
                        return;
                    }

                    var window = ApprovalRules.GrantWindow(request.StartsAt, request.EndsAt, request.Duration, cs.Now, null);
                    Create(cs, audit, request, window, request.AssignmentKind, AssignmentOrigin.Administrator, null, target?.Id, "assignment.created");
                    return;
                }

            case RequestAction.SelfExtend:
                {
                    if (target is not { IsOpen: true } || target.HasRunOutAt(cs.Now) || request.EndsAt is not { } newEnd || newEnd <= cs.Now)
                    {
                        AssignmentEffects.Move(cs, audit, request, RequestStatus.Revoked, "The assignment it would extend ended while it waited.");
                        return;
                    }

                    var limit = target.EligibilityId is { } eligibilityId
                        ? (await cs.Db.Assignments.AsNoTracking().FirstOrDefaultAsync(a => a.Id == eligibilityId, ct))?.EndsAt
                        : null;
                    var before = AssignmentAudit.Describe(target);
                    target.Reschedule(target.StartsAt, limit is { } cap && cap < newEnd ? cap : newEnd, cs.Now);
                    request.ResultAssignmentId = target.Id;
                    cs.Audit(audit.Record("assignment.extended", target, request, new { before, after = AssignmentAudit.Describe(target), approvedBy = actor.Name }));
                    if (target.Kind == AssignmentKind.Eligible)
                    {
                        await AssignmentEffects.FitActivationsToAsync(cs, audit, target, request, ct);
                    }

                    AssignmentEffects.Move(cs, audit, request, RequestStatus.Provisioned, $"Approved by {actor.Name}.");
                    return;
                }

            default:
                throw new InvalidOperationException($"A {request.Action} request never waits for approval.");
        }
    }

    private static void Create(
        ChangeSet cs, AssignmentAudit audit, AssignmentRequest request, Schedule window, AssignmentKind kind, AssignmentOrigin origin, Guid? eligibilityId, Guid? renewedFrom, string action)
    {
        var assignment = new Assignment
        {
            Id = Ids.New(cs.Now),
            Kind = kind,
            Origin = origin,
            PrincipalId = request.PrincipalId,
            RoleId = request.RoleId,
            Scope = request.Scope,
            StartsAt = window.StartsAt,
            EndsAt = window.EndsAt,
            Status = window.StartsAt > cs.Now ? AssignmentStatus.Scheduled : AssignmentStatus.Active,
            EligibilityId = eligibilityId,
            CreatedByRequestId = request.Id,
            RenewedFromId = renewedFrom,
            CreatedAt = cs.Now,
        };
        cs.Db.Assignments.Add(assignment);
        request.StartsAt = window.StartsAt;
        request.EndsAt = window.EndsAt;
        request.ResultAssignmentId = assignment.Id;
        cs.Audit(audit.Record(action, assignment, request));
        AssignmentEffects.Move(cs, audit, request, assignment.Status == AssignmentStatus.Scheduled ? RequestStatus.Scheduled : RequestStatus.Provisioned,
            "Approved.");
    }

    private static ApproverStanding StandingOf(AssignmentRequest request, ApprovalPlan plan, ApproverFacts approver, DateTimeOffset now)
    {
        var stage = plan.Stages[request.ApprovalStage - 1];
        return ApprovalRules.Standing(stage, approver, Requester(request), ApprovalRules.IsEscalated(stage, request.StageStartedAt ?? request.CreatedAt, now));
    }

    /// <summary>Requests waiting for approval are self-service: the requester is the principal they are for.</summary>
    private static Guid Requester(AssignmentRequest request) => request.RequestedById ?? request.PrincipalId;

    private bool AdministersScope(Guid principalId, AssignmentRequest request, DateTimeOffset now) =>
        index.Can(principalId, Permission.ManageAssignments, ScopePath.Parse(request.Scope), now);

    private static async Task<ApproverFacts> ApproverAsync(ElevateDbContext db, Guid principalId, CancellationToken ct)
    {
        var principal = await db.Principals.AsNoTracking().FirstAsync(p => p.Id == principalId, ct);
        var groups = await (from m in db.GroupMemberships
                            join g in db.Principals on m.GroupId equals g.Id
                            where m.MemberId == principalId && g.Enabled
                            select g.Id).ToListAsync(ct);
        return new ApproverFacts(principal.Id, principal.Enabled && principal.Kind == PrincipalKind.User, groups, false);
    }

    /// <summary>The requester, their subject, readers of assignments, and anyone who may decide it see a request's approval.</summary>
    public async Task<bool> MaySeeAsync(AssignmentRequest request, Actor actor, CancellationToken ct)
    {
        var now = time.UtcNow();
        return request.ApprovalPlan is { } json && MaySee(request, ApprovalPlan.FromJson(json), await ApproverAsync(changes.Db, actor.PrincipalId!.Value, request, now, ct), now);
    }

    private bool MaySee(AssignmentRequest request, ApprovalPlan plan, ApproverFacts approver, DateTimeOffset now) =>
        request.RequestedById == approver.Id || request.PrincipalId == approver.Id
        || index.Can(approver.Id, Permission.ReadAssignments, ScopePath.Parse(request.Scope), now)
        || plan.Stages.Any(stage => ApprovalRules.Standing(stage, approver, Requester(request), escalated: true) == ApproverStanding.Approver);

    /// <summary>What is known about <paramref name="principalId"/> as a possible approver of <paramref name="request"/>.</summary>
    private async Task<ApproverFacts> ApproverAsync(ElevateDbContext db, Guid principalId, AssignmentRequest request, DateTimeOffset now, CancellationToken ct) =>
        await ApproverAsync(db, principalId, ct) with { AdministersScope = AdministersScope(principalId, request, now) };

    /// <summary>The enabled users other than the requester the names reach (directly or as group members).</summary>
    private static async Task<HashSet<Guid>> PossibleApproversAsync(ElevateDbContext db, IReadOnlyCollection<Guid> names, Guid requesterId, CancellationToken ct)
    {
        if (names.Count == 0)
        {
            return [];
        }

        var direct = await db.Principals.AsNoTracking().Where(p => names.Contains(p.Id) && p.Kind == PrincipalKind.User && p.Enabled && p.Id != requesterId)
            .Select(p => p.Id).ToListAsync(ct);
        var members = await (from m in db.GroupMemberships
                             join g in db.Principals on m.GroupId equals g.Id
                             join u in db.Principals on m.MemberId equals u.Id
                             where names.Contains(g.Id) && g.Enabled && u.Enabled && u.Kind == PrincipalKind.User && u.Id != requesterId
                             select u.Id).ToListAsync(ct);
        return [.. direct, .. members];
    }
}
