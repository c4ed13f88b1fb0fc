using Elevate.Core.Assignments;
using Elevate.Core.Common;
using Elevate.Core.Principals;
using Elevate.Core.Settings;

namespace Elevate.Core.Requests;

/// <summary>
/// The rule engine: decides a request from its <see cref="RequestFacts"/>, with no I/O. Every problem found is
/// reported (not just the first) so a requester can fix everything at once; each problem names the rule it breaks.
/// </summary>
public static class RequestRules
{
    /// <summary>The shortest window anything can be granted for.</summary>
    public static readonly TimeSpan ShortestWindow = TimeSpan.FromMinutes(5);

    public static RequestEvaluation Evaluate(RequestFacts facts) => facts.Action switch
    {
        RequestAction.SelfActivate => Activate(facts),
        RequestAction.SelfDeactivate => Deactivate(facts),
        RequestAction.SelfExtend => facts.Target is { Origin: AssignmentOrigin.Activation } ? ExtendActivation(facts) : AskToExtend(facts),
        RequestAction.SelfRenew => AskToRenew(facts),
        RequestAction.AdminAssign => Assign(facts),
        RequestAction.AdminUpdate => Update(facts),
        RequestAction.AdminRemove => Remove(facts),
        RequestAction.AdminExtend => AdminExtend(facts),
        RequestAction.AdminRenew => Renew(facts),
    };

    /// <summary>What activating needs under <paramref name="settings"/>.</summary>
    public static Requirements ActivationRequirements(ActivationSettings settings) => new(
        settings.RequireJustification,
        settings.JustificationHint,
        settings.RequireTicket,
        settings.RequireMfa,
        settings.Approval.Required,
        settings.Approval.Stages.Count == 0 ? settings.Approval.Approvers : settings.Approval.Stages.SelectMany(s => s.Approvers).Distinct().ToList(),
        settings.MaxDuration);

    private static RequestEvaluation Activate(RequestFacts f)
    {
        var settings = f.Settings.Activation;
        var problems = new List<ElevateError>();
        CheckCanHoldForThemselves(f, problems);
        var window = f.Schedule;
        Assignment? eligibility = null;
        if (window is null)
        {
            problems.Add(ElevateError.Validation(ErrorCodes.Required, "schedule", "An activation needs a schedule."));
        }
        else
        {
            CheckActivationLength(window.StartsAt, window, settings, problems);
            eligibility = ChooseEligibility(f, window, problems);
        }

        CheckJustificationAndTicket(f, settings, problems);
        if (f.OpenActivation is { } open)
        {
            problems.Add(ElevateError.Conflict(ErrorCodes.ActivationAlreadyOpen,
                $"{f.Principal.Name} already has an open activation of {f.Role.Name} at {f.Scope} (assignment {open.Id}); extend it instead.",
                "roleId"));
        }

        CheckMfa(settings.RequireMfa, f, problems);
        return new RequestEvaluation(problems, ActivationRequirements(settings), window, eligibility);
    }

    private static RequestEvaluation ExtendActivation(RequestFacts f)
    {
        // Extending an activation is judged like activating again from now without a gap: the same justification,
        // ticket, MFA and approval rules, and the new end within the maximum from now and within the eligibility.
        var settings = f.Settings.Activation;
        var problems = new List<ElevateError>();
        var target = CheckOwnOpenTarget(f, problems);
        CheckCanHoldForThemselves(f, problems);
        Schedule? window = null;
        Assignment? eligibility = null;
        if (target is not null && f.Schedule is { } requested)
        {
            if (requested.EndsAt is { } newEnd && target.EndsAt is { } currentEnd && newEnd <= currentEnd)
            {
                problems.Add(ElevateError.Rule(ErrorCodes.EndNotLater, "An extension must end later than the activation does now.", "schedule"));
            }

            window = requested with { StartsAt = target.StartsAt };
            var fromNow = requested with { StartsAt = f.Now, Duration = requested.EndsAt - f.Now };
            CheckActivationLength(f.Now, fromNow, settings, problems);
            eligibility = ChooseEligibility(f, fromNow, problems);
        }
        else if (f.Schedule is null)
        {
            problems.Add(ElevateError.Validation(ErrorCodes.Required, "schedule", "An extension needs a schedule with the new end."));
        }

        CheckJustificationAndTicket(f, settings, problems);
        CheckMfa(settings.RequireMfa, f, problems);
        return new RequestEvaluation(problems, ActivationRequirements(settings), window, eligibility);
    }

    private static RequestEvaluation Deactivate(RequestFacts f)
    {
        var problems = new List<ElevateError>();
        var target = CheckOwnOpenTarget(f, problems);
        if (target is not null && target.Origin != AssignmentOrigin.Activation)
        {
            problems.Add(ElevateError.Rule(ErrorCodes.WrongAssignmentKind,
                "Only activations can be deactivated by their holder; an administrator removes assigned roles.", "targetAssignmentId"));
        }

        return new RequestEvaluation(problems, NothingRequired, null, null);
    }

    private static RequestEvaluation AskToExtend(RequestFacts f)
    {
        // A holder may ask to extend an assignment an administrator made, once it is within the extension window.
        // The request waits for an administrator's approval.
        var problems = new List<ElevateError>();
        var target = CheckOwnOpenTarget(f, problems);
        Schedule? window = null;
        if (target is not null)
        {
            if (target.EndsAt is not { } currentEnd)
            {
                problems.Add(ElevateError.Rule(ErrorCodes.ActionNotAllowed, "A permanent assignment needs no extension.", "targetAssignmentId"));
            }
            else
            {
                if (currentEnd - f.Now > f.Settings.ExtensionWindow)
                {
                    problems.Add(ElevateError.Rule(ErrorCodes.NotYetExtendable,
                        $"Extension can be asked for within {IsoDuration.Format(f.Settings.ExtensionWindow)} of the end ({currentEnd:O}).", "targetAssignmentId"));
                }

                if (f.Schedule is { } requested)
                {
                    window = requested with { StartsAt = target.StartsAt };
                    CheckNewEndIsLater(requested, currentEnd, problems);
                    CheckAssignmentLength(f, f.Now, requested, problems);
                }
            }
        }

        RequireJustification(f.Justification, problems);
        return new RequestEvaluation(problems, AskRequirements(f), window, null);
    }

    private static RequestEvaluation AskToRenew(RequestFacts f)
    {
        var problems = new List<ElevateError>();
        var target = CheckOwnTarget(f, problems);
        if (target is not null)
        {
            CheckRenewable(f, target, problems);
        }

        if (f.Schedule is { } window)
        {
            CheckAssignmentLength(f, window.StartsAt, window, problems);
        }

        RequireJustification(f.Justification, problems);
        return new RequestEvaluation(problems, AskRequirements(f), f.Schedule, null);
    }

    private static RequestEvaluation Assign(RequestFacts f)
    {
        var problems = new List<ElevateError>();
        CheckNotSelfGrant(f, problems);
        if (!f.Principal.Enabled)
        {
            problems.Add(ElevateError.Rule(ErrorCodes.PrincipalDisabled, $"{f.Principal.Name} is disabled and can be given nothing.", "principalId"));
        }

        if (f.Schedule is { } window)
        {
            CheckAssignmentLength(f, window.StartsAt, window, problems);
        }

        CheckAdminActiveRequirements(f, problems);
        if (f.Duplicate is { } duplicate)
        {
            problems.Add(ElevateError.Conflict(ErrorCodes.AssignmentAlreadyExists,
                $"{f.Principal.Name} already has an open {f.Kind.ToString().ToLowerInvariant()} assignment of {f.Role.Name} at {f.Scope} ({duplicate.Id}); update or extend it.",
                "principalId"));
        }

        return new RequestEvaluation(problems, AdminRequirements(f), f.Schedule, null);
    }

    private static RequestEvaluation Update(RequestFacts f)
    {
        var problems = new List<ElevateError>();
        CheckNotSelfGrant(f, problems);
        var target = CheckOpenAdministratorTarget(f, problems);
        if (target is not null && f.Schedule is { } window)
        {
            CheckAssignmentLength(f, window.StartsAt, window, problems);
        }

        CheckLastAdministrator(f, problems);
        CheckAdminActiveRequirements(f, problems);
        return new RequestEvaluation(problems, AdminRequirements(f), f.Schedule, null);
    }

    private static RequestEvaluation AdminExtend(RequestFacts f)
    {
        var problems = new List<ElevateError>();
        CheckNotSelfGrant(f, problems);
        var target = CheckOpenAdministratorTarget(f, problems);
        Schedule? window = null;
        if (target is not null && f.Schedule is { } requested)
        {
            if (target.EndsAt is not { } currentEnd)
            {
                problems.Add(ElevateError.Rule(ErrorCodes.ActionNotAllowed, "The assignment is permanent; there is nothing to extend.", "targetAssignmentId"));
            }
            else
            {
                CheckNewEndIsLater(requested, currentEnd, problems);
                window = requested with { StartsAt = target.StartsAt };

                // Each extension may reach at most the kind's maximum from now, like a fresh assignment would.
                CheckAssignmentLength(f, f.Now, requested, problems);
            }
        }

        CheckAdminActiveRequirements(f, problems);
        return new RequestEvaluation(problems, AdminRequirements(f), window, null);
    }

    private static RequestEvaluation Renew(RequestFacts f)
    {
        var problems = new List<ElevateError>();
        CheckNotSelfGrant(f, problems);
        if (f.Target is null)
        {
            problems.Add(MissingTarget());
        }
        else
        {
            CheckRenewable(f, f.Target, problems);
        }

        if (!f.Principal.Enabled)
        {
            problems.Add(ElevateError.Rule(ErrorCodes.PrincipalDisabled, $"{f.Principal.Name} is disabled and can be given nothing.", "targetAssignmentId"));
        }

        if (f.Schedule is { } window)
        {
            CheckAssignmentLength(f, window.StartsAt, window, problems);
        }

        CheckAdminActiveRequirements(f, problems);
        return new RequestEvaluation(problems, AdminRequirements(f), f.Schedule, null);
    }

    private static RequestEvaluation Remove(RequestFacts f)
    {
        var problems = new List<ElevateError>();
        if (f.Target is null)
        {
            problems.Add(MissingTarget());
        }
        else if (!f.Target.IsOpen || f.Target.HasRunOutAt(f.Now))
        {
            problems.Add(ElevateError.Conflict(ErrorCodes.AssignmentEnded, "The assignment has already ended.", "targetAssignmentId"));
        }

        CheckLastAdministrator(f, problems);
        return new RequestEvaluation(problems, NothingRequired, null, null);
    }

    private static readonly Requirements NothingRequired = new(false, null, false, false, false, [], null);

    private static Requirements AdminRequirements(RequestFacts f)
    {
        var active = f.Kind == AssignmentKind.Active;
        var settings = f.Settings.ActiveAssignments;
        return new Requirements(
            active && settings.RequireJustification, null, false, active && settings.RequireMfa, false, [], MaxLength(f.Settings, f.Kind));
    }

    private static Requirements AskRequirements(RequestFacts f) =>
        new(true, null, false, false, true, [], MaxLength(f.Settings, f.Kind));

    private static TimeSpan? MaxLength(RoleSettings settings, AssignmentKind kind) => kind switch
    {
        AssignmentKind.Eligible => settings.EligibleAssignments.AllowPermanent ? null : settings.EligibleAssignments.MaxDuration,
        AssignmentKind.Active => settings.ActiveAssignments.AllowPermanent ? null : settings.ActiveAssignments.MaxDuration,
    };

    private static void CheckCanHoldForThemselves(RequestFacts f, List<ElevateError> problems)
    {
        if (f.Principal.Id != f.Requester.Id)
        {
            problems.Add(ElevateError.Forbidden("Self-service requests are made by the principal they are for."));
        }

        if (f.Principal.Kind == PrincipalKind.Group)
        {
            problems.Add(ElevateError.Rule(ErrorCodes.WrongPrincipalKind, "A group cannot activate; its members do.", "principalId"));
        }

        if (!f.Principal.Enabled)
        {
            problems.Add(ElevateError.Rule(ErrorCodes.PrincipalDisabled, $"{f.Principal.Name} is disabled.", "principalId"));
        }
    }

    private static void CheckNotSelfGrant(RequestFacts f, List<ElevateError> problems)
    {
        if (f.PrincipalIncludesRequester)
        {
            problems.Add(new ElevateError(ErrorCodes.SelfGrantForbidden, ErrorKind.Forbidden,
                "Administrators do not grant or lengthen their own access (directly or through a group); another administrator must.",
                "principalId"));
        }
    }

    private static void CheckActivationLength(DateTimeOffset from, Schedule window, ActivationSettings settings, List<ElevateError> problems)
    {
        if (window.EndsAt is not { } end)
        {
            problems.Add(ElevateError.Rule(ErrorCodes.PermanentNotAllowed, "Activations always end; give a duration or an end time.", "schedule.expiration"));
            return;
        }

        var length = end - from;
        if (length > settings.MaxDuration)
        {
            problems.Add(ElevateError.Rule(ErrorCodes.ExceedsMaxDuration,
                $"The role allows activations of at most {IsoDuration.Format(settings.MaxDuration)}; this asks for {IsoDuration.Format(length)}.",
                "schedule"));
        }

        if (length < ShortestWindow)
        {
            problems.Add(ElevateError.Rule(ErrorCodes.BelowMinDuration, $"The shortest window is {IsoDuration.Format(ShortestWindow)}.", "schedule"));
        }
    }

    private static void CheckAssignmentLength(RequestFacts f, DateTimeOffset from, Schedule window, List<ElevateError> problems)
    {
        var (allowPermanent, max) = f.Kind switch
        {
            AssignmentKind.Eligible => (f.Settings.EligibleAssignments.AllowPermanent, f.Settings.EligibleAssignments.MaxDuration),
            AssignmentKind.Active => (f.Settings.ActiveAssignments.AllowPermanent, f.Settings.ActiveAssignments.MaxDuration),
        };

        var kind = f.Kind.ToString().ToLowerInvariant();
        if (window.EndsAt is not { } end)
        {
            if (!allowPermanent)
            {
                problems.Add(ElevateError.Rule(ErrorCodes.PermanentNotAllowed,
                    $"{f.Role.Name} does not allow permanent {kind} assignments; the longest is {IsoDuration.Format(max)}.", "schedule.expiration"));
            }

            return;
        }

        // Where permanence is allowed, a time-bound window of any length is allowed too: it gives less.
        var length = end - from;
        if (!allowPermanent && length > max)
        {
            problems.Add(ElevateError.Rule(ErrorCodes.ExceedsMaxDuration,
                $"{f.Role.Name} allows {kind} assignments of at most {IsoDuration.Format(max)}.", "schedule"));
        }

        if (end - window.StartsAt < ShortestWindow)
        {
            problems.Add(ElevateError.Rule(ErrorCodes.BelowMinDuration, $"The shortest window is {IsoDuration.Format(ShortestWindow)}.", "schedule"));
        }
    }

    private static void CheckNewEndIsLater(Schedule requested, DateTimeOffset currentEnd, List<ElevateError> problems)
    {
        if (requested.EndsAt is { } newEnd && newEnd <= currentEnd)
        {
            problems.Add(ElevateError.Rule(ErrorCodes.EndNotLater, $"An extension must end after the current end ({currentEnd:O}).", "schedule"));
        }
    }

    private static Assignment? ChooseEligibility(RequestFacts f, Schedule window, List<ElevateError> problems)
    {
        if (f.Eligibilities.Count == 0)
        {
            problems.Add(new ElevateError(ErrorCodes.NotEligible, ErrorKind.Forbidden,
                $"{f.Principal.Name} is not eligible for {f.Role.Name} at {f.Scope} or above, directly or through a group.", "roleId"));
            return null;
        }

        // Prefer the eligibility that lasts longest (permanent first), then the principal's own over a group's.
        var chosen = f.Eligibilities
            .Where(e => e.IsOpen && e.StartsAt <= window.StartsAt && (e.EndsAt is null || (window.EndsAt is { } end && end <= e.EndsAt)))
            .OrderBy(e => e.EndsAt is null ? 0 : 1)
            .ThenByDescending(e => e.EndsAt)
            .ThenBy(e => e.PrincipalId == f.Principal.Id ? 0 : 1)
            .FirstOrDefault();
        if (chosen is null)
        {
            var latest = f.Eligibilities.Max(e => e.EndsAt ?? DateTimeOffset.MaxValue);
            var earliest = f.Eligibilities.Min(e => e.StartsAt);
            problems.Add(ElevateError.Rule(ErrorCodes.OutsideEligibilityWindow,
                $"The window must lie inside the eligibility ({earliest:O} to {(latest == DateTimeOffset.MaxValue ? "no end" : latest.ToString("O"))}).",
                "schedule"));
        }

        return chosen;
    }

    private static void CheckJustificationAndTicket(RequestFacts f, ActivationSettings settings, List<ElevateError> problems)
    {
        if (settings.RequireJustification)
        {
            RequireJustification(f.Justification, problems);
        }

        if (f.Justification is { } justification && settings.JustificationPattern is { } pattern &&
            !RoleSettingsRules.CompilePattern(pattern)!.IsMatch(justification))
        {
            problems.Add(ElevateError.Rule(ErrorCodes.JustificationPatternMismatch,
                settings.JustificationHint ?? "The justification does not have the form this role asks for.", "justification"));
        }

        var number = f.Ticket?.Number;
        if (settings.RequireTicket && string.IsNullOrWhiteSpace(number))
        {
            problems.Add(ElevateError.Rule(ErrorCodes.TicketRequired, $"Activating {f.Role.Name} needs a ticket number.", "ticket.number"));
        }

        if (number is not null && settings.TicketPattern is { } ticketPattern &&
            !RoleSettingsRules.CompilePattern(ticketPattern)!.IsMatch(number))
        {
            problems.Add(ElevateError.Rule(ErrorCodes.TicketPatternMismatch,
                $"The ticket number must match {ticketPattern}.", "ticket.number"));
        }
    }

    private static void RequireJustification(string? justification, List<ElevateError> problems)
    {
        if (string.IsNullOrWhiteSpace(justification))
        {
            problems.Add(ElevateError.Rule(ErrorCodes.JustificationRequired, "A justification is required.", "justification"));
        }
    }

    private static void CheckAdminActiveRequirements(RequestFacts f, List<ElevateError> problems)
    {
        if (f.Kind != AssignmentKind.Active)
        {
            return;
        }

        if (f.Settings.ActiveAssignments.RequireJustification)
        {
            RequireJustification(f.Justification, problems);
        }

        CheckMfa(f.Settings.ActiveAssignments.RequireMfa, f, problems);
    }

    private static void CheckMfa(bool required, RequestFacts f, List<ElevateError> problems)
    {
        if (required && !f.MfaPresented)
        {
            problems.Add(new ElevateError(ErrorCodes.MfaRequired, ErrorKind.Forbidden,
                $"{f.Role.Name} requires a fresh second factor for this request, and none was presented."));
        }
    }

    private static void CheckLastAdministrator(RequestFacts f, List<ElevateError> problems)
    {
        if (f.RemovesLastAdministrator)
        {
            problems.Add(ElevateError.Rule(ErrorCodes.LastAdministrator,
                "This would leave no enabled user with a permanent active Elevate Administrator assignment; make another one first.",
                "targetAssignmentId"));
        }
    }

    private static void CheckRenewable(RequestFacts f, Assignment target, List<ElevateError> problems)
    {
        if (target.Origin != AssignmentOrigin.Administrator)
        {
            problems.Add(ElevateError.Rule(ErrorCodes.WrongAssignmentKind, "Activations are not renewed; activate again.", "targetAssignmentId"));
        }
        else if (target.Status != AssignmentStatus.Expired && !target.HasRunOutAt(f.Now))
        {
            problems.Add(ElevateError.Rule(ErrorCodes.NotExpired, "Only an expired assignment can be renewed; extend an open one.", "targetAssignmentId"));
        }

        if (f.Duplicate is { } duplicate)
        {
            problems.Add(ElevateError.Conflict(ErrorCodes.AssignmentAlreadyExists,
                $"An open assignment of the same kind, role and scope exists ({duplicate.Id}).", "targetAssignmentId"));
        }
    }

    private static Assignment? CheckOwnTarget(RequestFacts f, List<ElevateError> problems)
    {
        if (f.Target is null)
        {
            problems.Add(MissingTarget());
            return null;
        }

        if (f.Target.PrincipalId != f.Requester.Id)
        {
            problems.Add(new ElevateError(ErrorCodes.NotOwnAssignment, ErrorKind.Forbidden, "The assignment is not yours.", "targetAssignmentId"));
            return null;
        }

        return f.Target;
    }

    private static Assignment? CheckOwnOpenTarget(RequestFacts f, List<ElevateError> problems)
    {
        var target = CheckOwnTarget(f, problems);
        if (target is not null && (!target.IsOpen || target.HasRunOutAt(f.Now)))
        {
            problems.Add(ElevateError.Conflict(ErrorCodes.AssignmentEnded, "The assignment has already ended.", "targetAssignmentId"));
            return null;
        }

        return target;
    }

    private static Assignment? CheckOpenAdministratorTarget(RequestFacts f, List<ElevateError> problems)
    {
        if (f.Target is null)
        {
            problems.Add(MissingTarget());
            return null;
        }

        if (!f.Target.IsOpen || f.Target.HasRunOutAt(f.Now))
        {
            problems.Add(ElevateError.Conflict(ErrorCodes.AssignmentEnded, "The assignment has already ended; renew it instead.", "targetAssignmentId"));
            return null;
        }

        if (f.Target.Origin == AssignmentOrigin.Activation)
        {
            problems.Add(ElevateError.Rule(ErrorCodes.WrongAssignmentKind,
                "Activations are changed by their holder; an administrator can only remove them.", "targetAssignmentId"));
            return null;
        }

        return f.Target;
    }

    private static ElevateError MissingTarget() =>
        ElevateError.Validation(ErrorCodes.Required, "targetAssignmentId", "This action acts on an existing assignment; name it.");
}
