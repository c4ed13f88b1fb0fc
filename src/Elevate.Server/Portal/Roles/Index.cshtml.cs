using System.Globalization;
using System.Text.Json;
using Elevate.Core.Access;
using Elevate.Core.Assignments;
using Elevate.Core.Common;
using Elevate.Core.Mfa;
using Elevate.Core.Persistence;
using Elevate.Core.Requests;
using Elevate.Core.Roles;
using Elevate.Core.Settings;
using Microsoft.AspNetCore.Mvc;
using Microsoft.EntityFrameworkCore;

namespace Elevate.Server.Portal.Roles;

/// <summary>
/// My roles, in three tabs: what I may activate (with exactly what each activation requires), what is active or
/// scheduled now (deactivate, and extend near the end), and what ended recently (renew). Activation asks for a fresh
/// second factor when the role requires one: a code, or a passkey whose challenge is made from this very form's
/// content, so the passkey approves exactly this role, scope, window and justification. The Check handler answers
/// with the core's dry run, so the page can say what is wrong before anything is submitted; submitting is checked
/// again by the core, so the page works the same without script.
/// </summary>
public sealed class IndexModel(RequestService requests, MfaService mfa, AccessIndex index, AssignmentQueries queries, ElevateDbContext db, TimeProvider time) : PortalPage
{
    /// <summary>How far back the Expired tab looks.</summary>
    public static readonly TimeSpan ExpiredLookBack = TimeSpan.FromDays(90);

    /// <summary>The most rows the Expired tab shows (the most recent first).</summary>
    public const int ExpiredLimit = 50;

    private static readonly int[] ActivationSteps = [15, 30, 60, 120, 240, 480, 720, 1440];

    private static readonly int[] AssignmentStepsInDays = [1, 7, 30, 90, 180, 365];

    [BindProperty(SupportsGet = true)]
    public string? Tab { get; set; }

    /// <summary>Which form was posted (activate-, extend- or renew- and its assignment), so its errors show next to it.</summary>
    [BindProperty]
    public string? Form { get; set; }

    [BindProperty]
    public Guid RoleId { get; set; }

    [BindProperty]
    public string? Scope { get; set; }

    [BindProperty]
    public int DurationMinutes { get; set; } = 60;

    /// <summary>A custom start, as a browser's datetime-local field sends it; read as UTC.</summary>
    [BindProperty]
    public string? StartsAt { get; set; }

    [BindProperty]
    public string? Justification { get; set; }

    [BindProperty]
    public string? TicketSystem { get; set; }

    [BindProperty]
    public string? TicketNumber { get; set; }

    [BindProperty]
    public string? Code { get; set; }

    [BindProperty]
    public string? ChallengeId { get; set; }

    [BindProperty]
    public string? Credential { get; set; }

    [BindProperty]
    public Guid AssignmentId { get; set; }

    public sealed record Eligibility(Assignment Assignment, string RoleName, RoleSettings Settings, IReadOnlyList<int> Durations, IReadOnlyList<string> Approvers)
    {
        public string FormId => $"activate-{Assignment.Id:N}";
    }

    /// <summary>An activation or assignment in force (or scheduled), and how it may be extended now (none: not yet).</summary>
    public sealed record ActiveGrant(
        Guid AssignmentId, string RoleName, string Scope, DateTimeOffset StartsAt, DateTimeOffset? EndsAt, AssignmentOrigin Origin, string? HolderName,
        bool Scheduled, IReadOnlyList<int> Extensions, RoleSettings Settings)
    {
        public string FormId => $"extend-{AssignmentId:N}";
    }

    /// <summary>An assignment of mine that ended recently, and the windows a renewal may ask for (none: not renewable).</summary>
    public sealed record EndedAssignment(Assignment Assignment, string RoleName, IReadOnlyList<int> Renewals, string? WhyNotRenewable)
    {
        public string FormId => $"renew-{Assignment.Id:N}";

        public DateTimeOffset EndedAt => Assignment.EndedAt ?? Assignment.EndsAt ?? Assignment.CreatedAt;
    }

    public IReadOnlyList<Eligibility> Eligible { get; private set; } = [];

    public IReadOnlyList<ActiveGrant> Active { get; private set; } = [];

    public IReadOnlyList<EndedAssignment> Expired { get; private set; } = [];

    /// <summary>More ended assignments exist than the Expired tab shows.</summary>
    public bool ExpiredCapped { get; private set; }

    public IReadOnlyList<MfaFactor> MyFactors { get; private set; } = [];

    /// <summary>The tab shown: eligible, active or expired.</summary>
    public string CurrentTab { get; private set; } = "eligible";

    public DateTimeOffset Now => time.GetUtcNow();

    /// <summary>
    /// A form of this tab failed but is no longer shown (what it acted on has changed meanwhile), or the failure
    /// belongs to no form of its own: its errors show at the top of the tab.
    /// </summary>
    public bool FailedElsewhere(IEnumerable<string> shownForms) =>
        !ModelState.IsValid && (Form is null || !shownForms.Contains(Form, StringComparer.Ordinal));

    public bool Failed(string formId) => string.Equals(Form, formId, StringComparison.Ordinal) && !ModelState.IsValid;

    public Task OnGetAsync(CancellationToken ct) => LoadAsync(ct);

    public async Task<IActionResult> OnPostActivateAsync(CancellationToken ct)
    {
        var request = Build(RequestAction.SelfActivate);
        if (request is null)
        {
            return await ShowAgainAsync("eligible", ct);
        }

        var submitted = await requests.SubmitAsync(request with { Mfa = Proof() }, Actor, null, null, ct);
        Code = null;
        if (!submitted.IsSuccess)
        {
            AddCoreErrors(submitted.Error);
            return await ShowAgainAsync("eligible", ct);
        }

        var made = submitted.Value.Request;
        return Done(made.Status switch
        {
            RequestStatus.PendingApproval => "Your request is pending approval.",
            RequestStatus.Scheduled => $"Your activation is scheduled from {made.StartsAt:yyyy-MM-dd HH:mm} UTC.",
            _ => $"Active until {made.EndsAt:yyyy-MM-dd HH:mm} UTC.",
        }, "/Roles/Index");
    }

    /// <summary>A passkey challenge bound to the activation form's current content.</summary>
    public async Task<IActionResult> OnPostChallengeAsync(CancellationToken ct)
    {
        var request = Build(RequestAction.SelfActivate);
        if (request is null)
        {
            return new JsonResult(new { error = "Check the form: " + string.Join(" ", Messages()) }) { StatusCode = StatusCodes.Status400BadRequest };
        }

        var ceremony = await requests.StepUpChallengeAsync(request, Actor, ct);
        return ceremony.IsSuccess
            ? new JsonResult(new { challengeId = ceremony.Value.ChallengeId, options = JsonDocument.Parse(ceremony.Value.OptionsJson).RootElement })
            : new JsonResult(new { error = ceremony.Error.Message }) { StatusCode = StatusCodes.Status400BadRequest };
    }

    /// <summary>
    /// The core's dry run of the posted form (activate, extend or renew): what is wrong, field by field, and what the
    /// request would need. Nothing is created. A second factor is asked for when submitting, so its absence is a need
    /// here, not a problem.
    /// </summary>
    public async Task<IActionResult> OnPostCheckAsync(string? check, CancellationToken ct)
    {
        var action = check switch
        {
            "extend" => RequestAction.SelfExtend,
            "renew" => RequestAction.SelfRenew,
            _ => RequestAction.SelfActivate,
        };
        var request = Build(action);
        if (request is null)
        {
            return Checked(false, null, Problems(), null, []);
        }

        var dry = await requests.DryRunAsync(request, Actor, ct);
        if (!dry.IsSuccess)
        {
            AddCoreErrors(dry.Error);
            return Checked(false, null, Problems(), null, []);
        }

        var evaluation = dry.Value.Evaluation;
        var problems = evaluation.Problems.Where(p => p.Code != ErrorCodes.MfaRequired).ToList();
        var needs = evaluation.Requirements;
        // Who approves is told only to someone eligible for the role there, not to anyone who posts a role id.
        var eligible = !evaluation.Problems.Any(p => p.Code is ErrorCodes.NotEligible or ErrorCodes.OutsideEligibilityWindow);
        var approvers = eligible && needs.Approval && action == RequestAction.SelfActivate && Scope is not null && ScopePath.FromInput(Scope, "scope") is { IsSuccess: true } scope
            ? ApproverNames((await SettingsLookup.EffectiveAsync(db, RoleId, scope.Value, ct)).Settings.Activation)
            : [];
        var notes = new List<string>();
        if (needs.Approval)
        {
            notes.Add(approvers.Count > 0 ? $"Needs approval by {string.Join(" or ", approvers)}." : "Needs approval by an administrator.");
        }

        if (needs.Mfa)
        {
            notes.Add("Needs a fresh second factor when you submit.");
        }

        var wouldBe = problems.Count == 0 ? evaluation.OutcomeOf(action, time.UtcNow()) : (RequestStatus?)null;
        if (wouldBe == RequestStatus.Scheduled && evaluation.Window is { } window)
        {
            notes.Add($"Would start at {window.StartsAt:yyyy-MM-dd HH:mm} UTC.");
        }

        return Checked(problems.Count == 0, wouldBe, problems.Select(p => (FormField(p.Field), p.Message)).ToList(), new
        {
            approval = needs.Approval,
            approvers,
            mfa = needs.Mfa,
            factors = dry.Value.AcceptableFactors,
            justification = needs.Justification,
            justificationHint = needs.JustificationHint,
            ticket = needs.Ticket,
        }, notes);
    }

    public async Task<IActionResult> OnPostDeactivateAsync(CancellationToken ct)
    {
        Form = $"deactivate-{AssignmentId:N}";
        var done = await requests.SubmitAsync(new SubmitRequest { Action = RequestAction.SelfDeactivate, TargetAssignmentId = AssignmentId }, Actor, null, null, ct);
        if (done.IsSuccess)
        {
            return Done("The role is deactivated.", "/Roles/Index");
        }

        AddCoreErrors(done.Error);
        return await ShowAgainAsync("active", ct);
    }

    public async Task<IActionResult> OnPostExtendAsync(CancellationToken ct)
    {
        Form = $"extend-{AssignmentId:N}";
        var submitted = await requests.SubmitAsync(Build(RequestAction.SelfExtend)!, Actor, null, null, ct);
        if (!submitted.IsSuccess)
        {
            AddCoreErrors(submitted.Error);
            return await ShowAgainAsync("active", ct);
        }

        var made = submitted.Value.Request;
        return Done(made.Status == RequestStatus.PendingApproval
            ? "Your extension request is pending approval."
            : $"Extended: active until {made.EndsAt:yyyy-MM-dd HH:mm} UTC.", "/Roles/Index");
    }

    public async Task<IActionResult> OnPostRenewAsync(CancellationToken ct)
    {
        Form = $"renew-{AssignmentId:N}";
        var submitted = await requests.SubmitAsync(Build(RequestAction.SelfRenew)!, Actor, null, null, ct);
        if (!submitted.IsSuccess)
        {
            AddCoreErrors(submitted.Error);
            return await ShowAgainAsync("expired", ct);
        }

        Notice = "Your renewal request is pending approval.";
        return RedirectToPage("/Roles/Index", new { tab = "expired" });
    }

    /// <summary>
    /// The request the posted form stands for; the challenge, the dry run and the submission are all made from it, so
    /// they agree (the passkey binding depends on it). Null when the form itself is malformed (the errors say why).
    /// </summary>
    private SubmitRequest? Build(RequestAction action)
    {
        var justification = string.IsNullOrWhiteSpace(Justification) ? null : Justification.Trim();
        var duration = TimeSpan.FromMinutes(DurationMinutes);
        if (action != RequestAction.SelfActivate)
        {
            return new SubmitRequest
            {
                Action = action,
                TargetAssignmentId = AssignmentId,
                Schedule = new ScheduleInput(null, ExpirationType.AfterDuration, null, duration),
                Justification = justification,
                Ticket = action == RequestAction.SelfExtend ? Ticket() : null,
            };
        }

        DateTimeOffset? start = null;
        if (!string.IsNullOrWhiteSpace(StartsAt))
        {
            if (!DateTimeOffset.TryParseExact(StartsAt.Trim(), ["yyyy-MM-ddTHH:mm", "yyyy-MM-ddTHH:mm:ss"], CultureInfo.InvariantCulture,
                DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var parsed))
            {
                ModelState.AddModelError(nameof(StartsAt), "Give the start as a date and time (UTC), e.g. 2030-01-31T09:00.");
                return null;
            }

            start = parsed;
        }

        return new SubmitRequest
        {
            Action = action,
            RoleId = RoleId,
            Scope = string.IsNullOrWhiteSpace(Scope) ? null : Scope.Trim(),
            Schedule = new ScheduleInput(start, ExpirationType.AfterDuration, null, duration),
            Justification = justification,
            Ticket = Ticket(),
        };
    }

    private TicketInput? Ticket() => string.IsNullOrWhiteSpace(TicketNumber) && string.IsNullOrWhiteSpace(TicketSystem)
        ? null
        : new TicketInput(string.IsNullOrWhiteSpace(TicketSystem) ? null : TicketSystem.Trim(), TicketNumber?.Trim() ?? "");

    private StepUpProof? Proof() =>
        WebAuthnForm.Answer(ChallengeId, Credential) is { } answer ? new StepUpProof { WebAuthn = answer }
        : Code is { Length: > 0 } code ? new StepUpProof { Totp = code } : null;

    /// <summary>The form field a core error is about (the core names request fields, the form has its own names).</summary>
    public static string FormField(string? field) => field switch
    {
        null => "",
        "justification" => nameof(Justification),
        "ticket.number" => nameof(TicketNumber),
        "ticket.system" => nameof(TicketSystem),
        "schedule.startsAt" => nameof(StartsAt),
        "scope" or "roleId" => nameof(Scope),
        "mfa" => nameof(Code),
        _ when field.StartsWith("schedule", StringComparison.Ordinal) => nameof(DurationMinutes),
        _ => "",
    };

    private void AddCoreErrors(ElevateError error)
    {
        foreach (var e in error.Others.Prepend(error))
        {
            ModelState.AddModelError(FormField(e.Field), e.Message);
        }
    }

    private IEnumerable<string> Messages() => ModelState.Values.SelectMany(v => v.Errors).Select(e => e.ErrorMessage);

    private List<(string Field, string Message)> Problems() =>
        [.. ModelState.SelectMany(kv => (kv.Value?.Errors ?? []).Select(e => (kv.Key, e.ErrorMessage)))];

    private static JsonResult Checked(bool accepted, RequestStatus? wouldBe, IReadOnlyList<(string Field, string Message)> problems, object? needs, IReadOnlyList<string> notes) =>
        new(new
        {
            accepted,
            wouldBe = wouldBe is { } status ? JsonNamingPolicy.CamelCase.ConvertName(status.ToString()) : null,
            problems = problems.Select(p => new { field = p.Field, message = p.Message }),
            needs,
            notes,
        });

    private async Task<IActionResult> ShowAgainAsync(string tab, CancellationToken ct)
    {
        Tab = tab;
        await LoadAsync(ct);

        // A post that does not say which form it came from belongs to the card of its role and scope, if any.
        Form ??= Eligible.FirstOrDefault(e => e.Assignment.RoleId == RoleId && e.Assignment.Scope == Scope)?.FormId;
        return Page();
    }

    /// <summary>Who decides the first approval stage of an activation: users and groups by name, and the manager.</summary>
    private List<string> ApproverNames(ActivationSettings settings)
    {
        if (settings.Approval.EffectiveStages() is not [var first, ..])
        {
            return [];
        }

        var names = first.Approvers.Select(id => index.FindPrincipal(id)?.Name ?? "an approver who no longer exists").ToList();
        if (first.RequesterManager)
        {
            names.Add("your manager");
        }

        return names;
    }

    private async Task LoadAsync(CancellationToken ct)
    {
        var me = Session.PrincipalId;
        var now = Now;
        var holders = await queries.HoldersOfAsync(me, ct);
        var eligibilities = await db.Assignments.AsNoTracking()
            .Where(a => a.Kind == AssignmentKind.Eligible && holders.Contains(a.PrincipalId)
                && (a.Status == AssignmentStatus.Scheduled || a.Status == AssignmentStatus.Active) && (a.EndsAt == null || a.EndsAt > now))
            .OrderBy(a => a.CreatedAt).Take(200).ToListAsync(ct);
        var eligible = new List<Eligibility>();
        foreach (var assignment in eligibilities)
        {
            var settings = await SettingsOfAsync(assignment.RoleId, assignment.Scope, ct);
            var from = assignment.StartsAt > now ? assignment.StartsAt : now;
            var max = Limit(settings.Activation.MaxDuration, assignment.EndsAt - from);
            eligible.Add(new Eligibility(assignment, RoleName(assignment.RoleId), settings, Choices(ActivationSteps, max), ApproverNames(settings.Activation)));
        }

        Eligible = [.. eligible.OrderBy(e => e.RoleName, StringComparer.OrdinalIgnoreCase).ThenBy(e => e.Assignment.Scope, StringComparer.Ordinal)];

        var active = new List<ActiveGrant>();
        foreach (var g in index.GrantsInForce(me, now))
        {
            var settings = await SettingsOfAsync(g.RoleId, g.Scope.Value, ct);
            var extensions = g.HolderId == me ? await ExtensionsAsync(g.Origin, g.EndsAt, g.AssignmentId, settings, now, ct) : [];
            active.Add(new ActiveGrant(g.AssignmentId, RoleName(g.RoleId), g.Scope.Value, g.StartsAt, g.EndsAt, g.Origin,
                g.HolderId == me ? null : index.FindPrincipal(g.HolderId)?.Name, false, extensions, settings));
        }

        var scheduled = await db.Assignments.AsNoTracking()
            .Where(a => a.PrincipalId == me && a.Kind == AssignmentKind.Active && a.Status == AssignmentStatus.Scheduled && a.StartsAt > now)
            .OrderBy(a => a.StartsAt).Take(50).ToListAsync(ct);
        foreach (var a in scheduled)
        {
            active.Add(new ActiveGrant(a.Id, RoleName(a.RoleId), a.Scope, a.StartsAt, a.EndsAt, a.Origin, null, true, [], RoleSettings.Default));
        }

        Active = [.. active.OrderBy(g => g.Scheduled).ThenBy(g => g.RoleName, StringComparer.OrdinalIgnoreCase)];
        CurrentTab = Tab is "eligible" or "active" or "expired" ? Tab : Active.Count > 0 ? "active" : "eligible";
        if (CurrentTab == "expired")
        {
            await LoadExpiredAsync(me, now, ct);
        }

        MyFactors = await mfa.EnrolledAsync(me, ct);
    }

    /// <summary>My own assignments that ended within <see cref="ExpiredLookBack"/>, most recent first.</summary>
    private async Task LoadExpiredAsync(Guid me, DateTimeOffset now, CancellationToken ct)
    {
        var since = now - ExpiredLookBack;
        var ended = await db.Assignments.AsNoTracking()
            .Where(a => a.PrincipalId == me
                && (a.Status == AssignmentStatus.Expired || a.Status == AssignmentStatus.Ended || (a.EndsAt != null && a.EndsAt <= now))
                && (a.EndedAt ?? a.EndsAt) >= since)
            .OrderByDescending(a => a.EndedAt ?? a.EndsAt).ThenByDescending(a => a.Id)
            .Take(ExpiredLimit + 1).ToListAsync(ct);
        ExpiredCapped = ended.Count > ExpiredLimit;

        // A renewal is refused while an open assignment of the same kind, role and scope exists.
        var open = await db.Assignments.AsNoTracking()
            .Where(a => a.PrincipalId == me && a.Origin == AssignmentOrigin.Administrator
                && (a.Status == AssignmentStatus.Scheduled || a.Status == AssignmentStatus.Active) && (a.EndsAt == null || a.EndsAt > now))
            .Select(a => new { a.Kind, a.RoleId, a.Scope }).Take(500).ToListAsync(ct);
        var expired = new List<EndedAssignment>();
        foreach (var a in ended.Take(ExpiredLimit))
        {
            string? why = null;
            IReadOnlyList<int> renewals = [];
            if (a.Origin == AssignmentOrigin.Activation)
            {
                why = "Activations are not renewed; activate the role again from the Eligible tab.";
            }
            else if (a.Status == AssignmentStatus.Ended)
            {
                why = $"Ended early ({Describe(a.EndReason)}); ask an administrator.";
            }
            else if (open.Any(o => o.Kind == a.Kind && o.RoleId == a.RoleId && o.Scope == a.Scope))
            {
                why = "You hold this role at this scope again.";
            }
            else
            {
                var settings = await SettingsOfAsync(a.RoleId, a.Scope, ct);
                var (permanent, longest) = a.Kind == AssignmentKind.Eligible
                    ? (settings.EligibleAssignments.AllowPermanent, settings.EligibleAssignments.MaxDuration)
                    : (settings.ActiveAssignments.AllowPermanent, settings.ActiveAssignments.MaxDuration);
                renewals = Choices([.. AssignmentStepsInDays.Select(d => d * 1440)], permanent ? null : longest);
            }

            expired.Add(new EndedAssignment(a, RoleName(a.RoleId), renewals, why));
        }

        Expired = expired;
    }

    /// <summary>
    /// How an assignment in force may be extended now: only within the role's extension window before its end, and to
    /// new ends (counted from now) later than the current one, within the role's limits and the eligibility's end.
    /// </summary>
    private async Task<IReadOnlyList<int>> ExtensionsAsync(
        AssignmentOrigin origin, DateTimeOffset? endsAt, Guid assignmentId, RoleSettings settings, DateTimeOffset now, CancellationToken ct)
    {
        if (endsAt is not { } end || end - now > settings.ExtensionWindow)
        {
            return [];
        }

        var left = (int)Math.Ceiling((end - now).TotalMinutes);
        if (origin == AssignmentOrigin.Activation)
        {
            var eligibilityEnd = await EligibilityEndOfAsync(assignmentId, ct);
            return Choices(ActivationSteps, Limit(settings.Activation.MaxDuration, eligibilityEnd - now)).Where(m => m > left).ToList();
        }

        var active = settings.ActiveAssignments;
        return Choices([.. AssignmentStepsInDays.Select(d => d * 1440)], active.AllowPermanent ? null : active.MaxDuration).Where(m => m > left).ToList();
    }

    /// <summary>The end of the eligibility an activation came from (null: permanent or unknown).</summary>
    private async Task<DateTimeOffset?> EligibilityEndOfAsync(Guid activationId, CancellationToken ct)
    {
        var eligibilityId = await db.Assignments.AsNoTracking().Where(a => a.Id == activationId).Select(a => a.EligibilityId).FirstOrDefaultAsync(ct);
        return eligibilityId is { } id ? await db.Assignments.AsNoTracking().Where(a => a.Id == id).Select(a => a.EndsAt).FirstOrDefaultAsync(ct) : null;
    }

    private async Task<RoleSettings> SettingsOfAsync(Guid roleId, string scope, CancellationToken ct) =>
        (await SettingsLookup.EffectiveAsync(db, roleId, ScopePath.Parse(scope), ct)).Settings;

    private string RoleName(Guid roleId) => index.FindRole(roleId)?.Name ?? "?";

    /// <summary>The shorter of a limit and what is left of a window, or null when neither bounds it.</summary>
    private static TimeSpan? Limit(TimeSpan? max, TimeSpan? left) => (max, left) switch
    {
        ({ } m, { } l) => m < l ? m : l,
        ({ } m, null) => m,
        (null, var l) => l,
    };

    /// <summary>
    /// The usual steps up to <paramref name="max"/>, and the maximum itself (rounded down to five minutes, so a choice
    /// never reaches past it however long the form stays open); no choice when less than five minutes remain.
    /// </summary>
    private static IReadOnlyList<int> Choices(IReadOnlyList<int> steps, TimeSpan? max)
    {
        if (max is not { } limit)
        {
            return steps;
        }

        var top = (int)Math.Floor(limit.TotalMinutes / 5) * 5;
        return top < (int)RequestRules.ShortestWindow.TotalMinutes ? [] : [.. steps.Where(m => m <= top).Append(top).Distinct().Order()];
    }

    public static string Duration(int minutes) =>
        minutes >= 2880 && minutes % 1440 == 0 ? $"{minutes / 1440} days"
        : minutes % 60 == 0 ? $"{minutes / 60} h"
        : minutes > 60 ? $"{minutes / 60} h {minutes % 60} min"
        : $"{minutes} min";

    public static string Describe(EndReason? reason) => reason switch
    {
        EndReason.Deactivated => "deactivated",
        EndReason.RemovedByAdministrator => "removed by an administrator",
        EndReason.EligibilityRemoved => "its eligibility was removed",
        EndReason.PrincipalDisabled => "the account was disabled",
        EndReason.GroupMembershipRemoved => "left the group",
        EndReason.RequestCanceled => "canceled before it began",
        null => "ended",
    };
}
