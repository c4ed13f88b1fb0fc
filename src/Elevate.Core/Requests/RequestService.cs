using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Elevate.Core.Access;
using Elevate.Core.Approvals;
using Elevate.Core.Assignments;
using Elevate.Core.Audit;
using Elevate.Core.Common;
using Elevate.Core.Common.Json;
using Elevate.Core.Mfa;
using Elevate.Core.Persistence;
using Elevate.Core.Principals;
using Elevate.Core.Roles;
using Elevate.Core.Settings;
using Microsoft.EntityFrameworkCore;

namespace Elevate.Core.Requests;

/// <summary>
/// Submitting, dry-running and canceling requests: the one path every assignment change takes. The flow is always
/// the same: check the input's shape, read the facts, take the write lock (and re-read the facts if anything they
/// came from changed meanwhile), authorise, let <see cref="RequestRules"/> decide, then apply the decision and its
/// audit events in one commit.
/// </summary>
public sealed class RequestService(ChangeSets changes, AccessIndex index, MfaService mfa, ApprovalService approvals, TimeProvider time)
{
    private readonly RequestLoader _loader = new(index);

    public async Task<Result<DryRunOutcome>> DryRunAsync(SubmitRequest input, Actor actor, CancellationToken ct)
    {
        if (input.Validate() is { Count: > 0 } errors)
        {
            return ElevateError.Combine(errors);
        }

        var loaded = await _loader.LoadAsync(changes.Db, input, actor, time.UtcNow(), ct);
        if (!loaded.IsSuccess)
        {
            return loaded.Error;
        }

        var facts = loaded.Value.Facts;
        if (Authorize(facts, loaded.Value.Role) is { } denied)
        {
            return denied;
        }

        var evaluation = RequestRules.Evaluate(facts);
        if (await PlanApprovalAsync(changes.Db, facts, loaded.Value.Target, evaluation, ct) is { IsSuccess: false } unplannable)
        {
            evaluation = evaluation with { Problems = [unplannable.Error] };
        }

        var factors = await AcceptableFactorsAsync(facts, ct);
        evaluation = evaluation with { Problems = evaluation.Problems.Select(p => WithFactors(p, factors)).ToList() };
        return new DryRunOutcome(evaluation, evaluation.IsAccepted ? evaluation.OutcomeOf(facts.Action, facts.Now) : null, factors.Select(MfaService.Name).ToList());
    }

    /// <summary>
    /// A WebAuthn challenge for exactly this request: answer it with a passkey and send the answer as
    /// <c>mfa.webAuthn</c> with the same request. Any change to the request's content invalidates the answer.
    /// </summary>
    public async Task<Result<WebAuthnCeremony>> StepUpChallengeAsync(SubmitRequest input, Actor actor, CancellationToken ct)
    {
        if (input.Validate() is { Count: > 0 } errors)
        {
            return ElevateError.Combine(errors);
        }

        var requester = actor.PrincipalId!.Value;
        return await mfa.BeginAssertionAsync(requester, ChallengePurpose.StepUp, StepUpBinding.Of(input, requester), ct);
    }

    public async Task<Result<RequestOutcome>> SubmitAsync(SubmitRequest input, Actor actor, string? idempotencyKey, int? ifMatch, CancellationToken ct)
    {
        if (input.Validate() is { Count: > 0 } errors)
        {
            return ElevateError.Combine(errors);
        }

        var fingerprint = Fingerprint(input);

        // Read first, without the lock; most of the time nothing relevant changes before the lock is ours, and the
        // lock is then held only to check that, write and commit.
        var early = await _loader.LoadAsync(changes.Db, input, actor, time.UtcNow(), ct);
        if (!early.IsSuccess)
        {
            return early.Error;
        }

        await using var cs = await changes.BeginAsync(actor, ct);
        if (idempotencyKey is not null && actor.PrincipalId is { } requesterId)
        {
            var earlier = await cs.Db.Requests.AsNoTracking()
                .FirstOrDefaultAsync(r => r.RequestedById == requesterId && r.IdempotencyKey == idempotencyKey, ct);
            if (earlier is not null)
            {
                if (earlier.Fingerprint != fingerprint)
                {
                    return ElevateError.Conflict(ErrorCodes.IdempotencyKeyReused,
                        "This Idempotency-Key was used for a different request; use a new key.", "Idempotency-Key");
                }

                var made = earlier.ResultAssignmentId is { } madeId ? await cs.Db.Assignments.AsNoTracking().FirstOrDefaultAsync(a => a.Id == madeId, ct) : null;
                return new RequestOutcome(earlier, made, null, Replayed: true);
            }
        }

        var loaded = early.Value.Freshness is { } freshness && await RequestLoader.IsCurrentAsync(cs.Db, freshness, ct)
            ? RequestLoader.At(early.Value, input, cs.Now)
            : await _loader.LoadAsync(cs.Db, input, actor, cs.Now, ct);
        if (!loaded.IsSuccess)
        {
            return loaded.Error;
        }

        RequestLoader.Attach(cs, loaded.Value);
        var (facts, role, target, _, _, audit, _) = loaded.Value;
        if (Authorize(facts, role) is { } denied)
        {
            return denied;
        }

        string? mfaMethod = null;
        if (input.Mfa is { } proof)
        {
            // The factor is checked (and its use recorded) under the lock, in the commit that carries the request.
            var accepted = Accepted(facts);
            var verified = await mfa.VerifyAsync(cs, facts.Requester.Id, FactorProof.From(proof), ChallengePurpose.StepUp,
                StepUpBinding.Of(input, facts.Requester.Id), accepted, ct);
            if (!verified.IsSuccess)
            {
                var committedFailure = await cs.CommitAsync(ct);
                return committedFailure.IsSuccess ? WithFactors(verified.Error, await AcceptableFactorsAsync(facts, ct)) : committedFailure.Error;
            }

            facts = facts with { MfaPresented = true };
            mfaMethod = verified.Value.Method;
        }

        if (ifMatch is { } expected && target is not null && target.Version != expected)
        {
            return new ElevateError(ErrorCodes.PreconditionFailed, ErrorKind.PreconditionFailed,
                $"The assignment is at version {target.Version}, not {expected}; read it again.", "If-Match");
        }

        var evaluation = RequestRules.Evaluate(facts);
        var plan = await PlanApprovalAsync(cs.Db, facts, target, evaluation, ct);
        if (plan is { IsSuccess: false })
        {
            evaluation = evaluation with { Problems = [plan.Value.Error] };
        }

        if (!evaluation.IsAccepted)
        {
            var factors = await AcceptableFactorsAsync(facts, ct);
            var error = ElevateError.Combine(evaluation.Problems.Select(p => WithFactors(p, factors)).ToList());
            cs.Audit(new AuditRecord("request.rejected")
            {
                Outcome = AuditOutcome.Rejected,
                PrincipalId = facts.Principal.Id,
                PrincipalName = facts.Principal.Name,
                RoleId = facts.Role.Id,
                RoleName = facts.Role.Name,
                Scope = facts.Scope.Value,
                AssignmentId = target?.Id,
                Justification = input.Justification,
                TicketSystem = input.Ticket?.System,
                TicketNumber = input.Ticket?.Number,
                Details = AuditDetails.Of(new { action = facts.Action, codes = evaluation.Problems.Select(p => p.Code) }),
            });
            var committed = await cs.CommitAsync(ct);
            return committed.IsSuccess ? error : committed.Error;
        }

        var request = NewRequest(input, facts, evaluation, target, actor, idempotencyKey, fingerprint);
        request.MfaMethod = mfaMethod;
        if (plan is { IsSuccess: true } planned)
        {
            ApprovalService.Start(request, planned.Value, facts.Now);
        }

        cs.Db.Requests.Add(request);
        var assignment = await ApplyAsync(cs, facts, evaluation, request, target, audit, ct);
        cs.Audit(RequestAudit.Record("request.submitted", request, audit));
        var result = await cs.CommitAsync(ct);
        return result.IsSuccess ? new RequestOutcome(request, assignment, evaluation, Replayed: false) : result.Error;
    }

    /// <summary>Withdraws a pending or scheduled request: its requester may, and so may an administrator of its scope.</summary>
    public async Task<Result<AssignmentRequest>> CancelAsync(Guid requestId, Actor actor, CancellationToken ct)
    {
        await using var cs = await changes.BeginAsync(actor, ct);
        var request = await cs.Db.Requests.FirstOrDefaultAsync(r => r.Id == requestId, ct);
        if (request is null || !CanSee(request, actor, cs.Now))
        {
            return ElevateError.NotFound(ErrorCodes.RequestNotFound, "id", "No such request.");
        }

        var isRequester = request.RequestedById == actor.PrincipalId;
        if (!isRequester && !index.Can(actor.PrincipalId!.Value, Permission.ManageAssignments, ScopePath.Parse(request.Scope), cs.Now))
        {
            return ElevateError.Forbidden("Only the requester or an administrator of the request's scope may cancel it.");
        }

        if (!RequestStateMachine.IsCancelable(request.Status))
        {
            var status = System.Text.Json.JsonNamingPolicy.CamelCase.ConvertName(request.Status.ToString());
            return ElevateError.Conflict(ErrorCodes.InvalidTransition, $"The request is {status} and can no longer be canceled.");
        }

        var audit = new AssignmentAudit();
        await audit.LoadNamesAsync(cs.Db, [new Assignment { PrincipalId = request.PrincipalId, RoleId = request.RoleId }], ct);

        // Canceling a scheduled request withdraws the grant it created before it begins. (Only creating requests are
        // ever scheduled; updates and extensions take effect when they are accepted.)
        if (request.Status == RequestStatus.Scheduled && request.ResultAssignmentId is { } madeId)
        {
            var made = await cs.Db.Assignments.FirstAsync(a => a.Id == madeId, ct);
            if (made.CreatedByRequestId == request.Id)
            {
                await AssignmentEffects.EndAsync(cs, audit, made, EndReason.RequestCanceled, request, ct);
            }
        }

        AssignmentEffects.Move(cs, audit, request, RequestStatus.Canceled, isRequester ? "Canceled by the requester." : $"Canceled by {actor.Name}.");
        var committed = await cs.CommitAsync(ct);
        return committed.IsSuccess ? request : committed.Error;
    }

    public async Task<Result<AssignmentRequest>> GetAsync(Guid requestId, Actor actor, CancellationToken ct)
    {
        var request = await changes.Db.Requests.AsNoTracking().FirstOrDefaultAsync(r => r.Id == requestId, ct);

        // Approvers see what they are asked to decide, though they may read no other assignments.
        return request is not null && (CanSee(request, actor, time.UtcNow()) || (request.ApprovalPlan is not null && await approvals.MaySeeAsync(request, actor, ct)))
            ? request
            : ElevateError.NotFound(ErrorCodes.RequestNotFound, "id", "No such request.");
    }

    public sealed record ListFilter(bool Mine, Guid? PrincipalId, Guid? RoleId, RequestStatus? Status, string? Cursor, int? Limit);

    /// <summary>Requests newest first: the caller's own, or everyone's for those who may read all assignments.</summary>
    public async Task<Result<Page<AssignmentRequest>>> ListAsync(ListFilter filter, Actor actor, CancellationToken ct)
    {
        var limit = Cursor.Limit(filter.Limit);
        var after = Cursor.DecodeTimeAndId(filter.Cursor);
        if (!limit.IsSuccess || !after.IsSuccess)
        {
            return limit.Error ?? after.Error!;
        }

        var me = actor.PrincipalId!.Value;
        var everyone = !filter.Mine && index.Can(me, Permission.ReadAssignments, ScopePath.Root, time.UtcNow());
        var query = changes.Db.Requests.AsNoTracking();
        query = everyone ? query : query.Where(r => r.RequestedById == me || r.PrincipalId == me);
        if (filter.PrincipalId is { } principalId)
        {
            query = query.Where(r => r.PrincipalId == principalId);
        }

        if (filter.RoleId is { } roleId)
        {
            query = query.Where(r => r.RoleId == roleId);
        }

        if (filter.Status is { } status)
        {
            query = query.Where(r => r.Status == status);
        }

        if (after.Value is { } cursor)
        {
            query = query.Where(r => r.CreatedAt < cursor.At || (r.CreatedAt == cursor.At && r.Id.CompareTo(cursor.Id) < 0));
        }

        var items = await query.OrderByDescending(r => r.CreatedAt).ThenByDescending(r => r.Id).Take(limit.Value + 1).ToListAsync(ct);
        var next = items.Count > limit.Value ? Cursor.Encode(items[limit.Value - 1].CreatedAt, items[limit.Value - 1].Id) : null;
        return new Page<AssignmentRequest>(items.Take(limit.Value).ToList(), next);
    }

    private bool CanSee(AssignmentRequest request, Actor actor, DateTimeOffset now) =>
        actor.PrincipalId is { } me &&
        (request.RequestedById == me || request.PrincipalId == me || index.Can(me, Permission.ReadAssignments, ScopePath.Parse(request.Scope), now));

    /// <summary>
    /// Admin actions need a role granting <see cref="Permission.ManageAssignments"/> active at the scope; self actions
    /// act on the caller's own (the rules check the rest).
    /// </summary>
    private ElevateError? Authorize(RequestFacts facts, Role role)
    {
        if (RequestLoader.IsSelf(facts.Action))
        {
            return null;
        }

        var requesterId = facts.Requester.Id;
        if (!index.Can(requesterId, Permission.ManageAssignments, facts.Scope, facts.Now))
        {
            return ElevateError.Forbidden($"Managing assignments at {facts.Scope} needs Privileged Role Administrator or Elevate Administrator active at {facts.Scope} or above.");
        }

        // Only an Elevate Administrator hands out Elevate Administrator: otherwise a Privileged Role Administrator
        // could make themselves (or a friend) all-powerful in one step.
        if (role.BuiltIn == BuiltInRole.ElevateAdministrator && !index.Holds(requesterId, BuiltInRole.ElevateAdministrator, ScopePath.Root, facts.Now))
        {
            return ElevateError.Forbidden("Only an active Elevate Administrator manages Elevate Administrator assignments.");
        }

        return null;
    }

    /// <summary>Who must decide an accepted request that waits for approval (null when it does not wait).</summary>
    private static async Task<Result<Approvals.ApprovalPlan>?> PlanApprovalAsync(
        ElevateDbContext db, RequestFacts facts, Assignment? target, RequestEvaluation evaluation, CancellationToken ct) =>
        evaluation.IsAccepted && evaluation.OutcomeOf(facts.Action, facts.Now) == RequestStatus.PendingApproval
            ? await ApprovalService.PlanAsync(db, facts, target, ct)
            : (Result<Approvals.ApprovalPlan>?)null;

    /// <summary>The factors this request's settings accept: passkeys only when the role asks for phishing resistance.</summary>
    private static IReadOnlyList<MfaFactor> Accepted(RequestFacts facts) =>
        facts.Action is RequestAction.SelfActivate or RequestAction.SelfExtend && facts.Settings.Activation.RequirePhishingResistantMfa
            ? [MfaFactor.WebAuthn]
            : [MfaFactor.Totp, MfaFactor.WebAuthn];

    /// <summary>The accepted factors the requester has enrolled: what a client should offer.</summary>
    private async Task<IReadOnlyList<MfaFactor>> AcceptableFactorsAsync(RequestFacts facts, CancellationToken ct)
    {
        var enrolled = await mfa.EnrolledAsync(facts.Requester.Id, ct);
        return Accepted(facts).Where(enrolled.Contains).ToList();
    }

    /// <summary>An mfa_required (or rejected factor) problem says which factors would do, so a client can ask for one.</summary>
    private static ElevateError WithFactors(ElevateError error, IReadOnlyList<MfaFactor> factors) =>
        error.Code is ErrorCodes.MfaRequired or ErrorCodes.MfaInvalid or ErrorCodes.MfaFactorNotAccepted
            ? error with
            {
                Field = error.Field ?? "mfa",
                Extensions = new Dictionary<string, object?> { ["factors"] = factors.Select(MfaService.Name).ToArray() },
                Message = factors.Count > 0 || error.Code != ErrorCodes.MfaRequired
                    ? error.Message
                    : error.Message + " You have no factor this role accepts; enrol one on your security page first.",
            }
            : error;

    private static AssignmentRequest NewRequest(
        SubmitRequest input, RequestFacts facts, RequestEvaluation evaluation, Assignment? target, Actor actor, string? idempotencyKey, string fingerprint) => new()
        {
            Id = Ids.New(facts.Now),
            Action = facts.Action,
            AssignmentKind = facts.Kind,
            PrincipalId = facts.Principal.Id,
            RoleId = facts.Role.Id,
            Scope = facts.Scope.Value,
            TargetAssignmentId = target?.Id,
            EligibilityId = evaluation.Eligibility?.Id,
            StartsAt = evaluation.Window?.StartsAt,
            EndsAt = evaluation.Window?.EndsAt,
            Duration = input.Schedule?.Duration ?? evaluation.Window?.Length,
            Expiration = input.Schedule?.Expiration,
            Justification = input.Justification,
            TicketSystem = input.Ticket?.System,
            TicketNumber = input.Ticket?.Number,
            RequestedById = actor.PrincipalId!.Value,
            RequestedWithTokenId = actor.TokenId,
            CreatedAt = facts.Now,
            Status = evaluation.OutcomeOf(facts.Action, facts.Now),
            RequiresApproval = evaluation.Requirements.Approval,
            RequiresMfa = evaluation.Requirements.Mfa,
            IdempotencyKey = idempotencyKey,
            Fingerprint = fingerprint,
        };

    /// <summary>Carries out an accepted request; returns the assignment it created or changed.</summary>
    private static async Task<Assignment?> ApplyAsync(
        ChangeSet cs, RequestFacts facts, RequestEvaluation evaluation, AssignmentRequest request, Assignment? target, AssignmentAudit audit, CancellationToken ct)
    {
        if (request.Status == RequestStatus.PendingApproval)
        {
            return null;
        }

        if (request.Status == RequestStatus.Provisioned)
        {
            request.CompletedAt = facts.Now;
        }

        switch (facts.Action)
        {
            case RequestAction.AdminAssign:
            case RequestAction.SelfActivate:
            case RequestAction.AdminRenew:
                {
                    var window = evaluation.Window!;
                    var assignment = new Assignment
                    {
                        Id = Ids.New(facts.Now),
                        Kind = facts.Kind,
                        Origin = facts.Action == RequestAction.SelfActivate ? AssignmentOrigin.Activation : AssignmentOrigin.Administrator,
                        PrincipalId = facts.Principal.Id,
                        RoleId = facts.Role.Id,
                        Scope = facts.Scope.Value,
                        StartsAt = window.StartsAt,
                        EndsAt = window.EndsAt,
                        Status = window.StartsAt > facts.Now ? AssignmentStatus.Scheduled : AssignmentStatus.Active,
                        EligibilityId = evaluation.Eligibility?.Id,
                        CreatedByRequestId = request.Id,
                        RenewedFromId = facts.Action == RequestAction.AdminRenew ? target!.Id : null,
                        CreatedAt = facts.Now,
                    };
                    cs.Db.Assignments.Add(assignment);
                    request.ResultAssignmentId = assignment.Id;
                    cs.Audit(audit.Record(facts.Action == RequestAction.SelfActivate ? "assignment.activated" : "assignment.created", assignment, request));
                    return assignment;
                }

            case RequestAction.AdminUpdate:
            case RequestAction.AdminExtend:
            case RequestAction.SelfExtend:
                {
                    var window = evaluation.Window!;
                    var before = AssignmentAudit.Describe(target!);
                    target!.Reschedule(window.StartsAt, window.EndsAt, facts.Now);
                    request.ResultAssignmentId = target.Id;
                    var action = facts.Action == RequestAction.AdminUpdate ? "assignment.updated" : "assignment.extended";
                    cs.Audit(audit.Record(action, target, request, new { before, after = AssignmentAudit.Describe(target) }));
                    if (target.Kind == AssignmentKind.Eligible)
                    {
                        await AssignmentEffects.FitActivationsToAsync(cs, audit, target, request, ct);
                    }

                    return target;
                }

            case RequestAction.AdminRemove:
            case RequestAction.SelfDeactivate:
                {
                    var reason = facts.Action == RequestAction.AdminRemove ? EndReason.RemovedByAdministrator : EndReason.Deactivated;
                    await AssignmentEffects.EndAsync(cs, audit, target!, reason, request, ct);
                    request.ResultAssignmentId = target!.Id;
                    return target;
                }

            case RequestAction.SelfRenew:
                // Asking to renew always waits for an administrator (handled above); reaching here is a bug.
                throw new InvalidOperationException("selfRenew requests always wait for approval.");

            default:
                throw new InvalidOperationException($"Unknown action {facts.Action}.");
        }
    }

    private static string Fingerprint(SubmitRequest input) =>
        Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(JsonSerializer.Serialize(input, ElevateJson.Options))));
}
