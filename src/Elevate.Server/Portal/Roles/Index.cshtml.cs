using System.Text.Json;
using Elevate.Core.Access;
using Elevate.Core.Assignments;
using Elevate.Core.Mfa;
using Elevate.Core.Persistence;
using Elevate.Core.Requests;
using Elevate.Core.Roles;
using Elevate.Core.Settings;
using Microsoft.AspNetCore.Mvc;
using Microsoft.EntityFrameworkCore;

namespace Elevate.Server.Portal.Roles;

/// <summary>
/// My roles: what I may activate (with what each requires), and what is active now. Activation asks for a fresh
/// second factor when the role requires one: a code, or a passkey whose challenge is made from this very form's
/// content, so the passkey approves exactly this role, scope, duration and justification.
/// </summary>
public sealed class IndexModel(RequestService requests, MfaService mfa, AccessIndex index, AssignmentQueries queries, ElevateDbContext db, TimeProvider time) : PortalPage
{
    [BindProperty]
    public Guid RoleId { get; set; }

    [BindProperty]
    public string? Scope { get; set; }

    [BindProperty]
    public int DurationMinutes { get; set; } = 60;

    [BindProperty]
    public string? Justification { get; set; }

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

    public sealed record Eligibility(Assignment Assignment, string RoleName, RoleSettings Settings, IReadOnlyList<int> Durations);

    public sealed record ActiveGrant(IndexedGrant Grant, string RoleName, string? HolderName);

    public IReadOnlyList<Eligibility> Eligible { get; private set; } = [];

    public IReadOnlyList<ActiveGrant> Active { get; private set; } = [];

    public IReadOnlyList<MfaFactor> MyFactors { get; private set; } = [];

    /// <summary>The form that failed, so its errors show next to it.</summary>
    public (Guid RoleId, string Scope)? FailedForm { get; private set; }

    public DateTimeOffset Now => time.GetUtcNow();

    public Task OnGetAsync(CancellationToken ct) => LoadAsync(ct);

    public async Task<IActionResult> OnPostActivateAsync(CancellationToken ct)
    {
        var input = ActivationRequest() with
        {
            Mfa = WebAuthnForm.Answer(ChallengeId, Credential) is { } answer ? new StepUpProof { WebAuthn = answer }
                : Code is { Length: > 0 } code ? new StepUpProof { Totp = code } : null,
        };
        var submitted = await requests.SubmitAsync(input, Actor, null, null, ct);
        Code = null;
        if (!submitted.IsSuccess)
        {
            AddErrors(submitted.Error);
            FailedForm = (RoleId, Scope ?? "/");
            await LoadAsync(ct);
            return Page();
        }

        var request = submitted.Value.Request;
        return Done(request.Status switch
        {
            RequestStatus.PendingApproval => "Your request is pending approval.",
            RequestStatus.Scheduled => $"Your activation is scheduled from {request.StartsAt:yyyy-MM-dd HH:mm} UTC.",
            _ => $"Active until {request.EndsAt:yyyy-MM-dd HH:mm} UTC.",
        }, "/Roles/Index");
    }

    /// <summary>A passkey challenge bound to the activation form's current content.</summary>
    public async Task<IActionResult> OnPostChallengeAsync(CancellationToken ct)
    {
        var ceremony = await requests.StepUpChallengeAsync(ActivationRequest(), Actor, ct);
        return ceremony.IsSuccess
            ? new JsonResult(new { challengeId = ceremony.Value.ChallengeId, options = JsonDocument.Parse(ceremony.Value.OptionsJson).RootElement })
            : new JsonResult(new { error = ceremony.Error.Message }) { StatusCode = StatusCodes.Status400BadRequest };
    }

    public async Task<IActionResult> OnPostDeactivateAsync(CancellationToken ct)
    {
        var done = await requests.SubmitAsync(new SubmitRequest { Action = RequestAction.SelfDeactivate, TargetAssignmentId = AssignmentId }, Actor, null, null, ct);
        if (done.IsSuccess)
        {
            return Done("The role is deactivated.", "/Roles/Index");
        }

        AddErrors(done.Error);
        await LoadAsync(ct);
        return Page();
    }

    /// <summary>The request both the challenge and the submission are made from, so their bindings agree.</summary>
    private SubmitRequest ActivationRequest() => new()
    {
        Action = RequestAction.SelfActivate,
        RoleId = RoleId,
        Scope = Scope,
        Schedule = new ScheduleInput(null, ExpirationType.AfterDuration, null, TimeSpan.FromMinutes(DurationMinutes)),
        Justification = string.IsNullOrWhiteSpace(Justification) ? null : Justification.Trim(),
        Ticket = string.IsNullOrWhiteSpace(TicketNumber) ? null : new TicketInput(null, TicketNumber.Trim()),
    };

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
            var settings = (await SettingsLookup.EffectiveAsync(db, assignment.RoleId, ScopePath.Parse(assignment.Scope), ct)).Settings;
            var max = (int)settings.Activation.MaxDuration.TotalMinutes;
            int[] steps = [15, 30, 60, 120, 240, 480, 720, 1440];
            var durations = steps.Where(m => m <= max).Append(max).Distinct().Order().ToList();
            eligible.Add(new Eligibility(assignment, index.FindRole(assignment.RoleId)?.Name ?? "?", settings, durations));
        }

        Eligible = eligible;
        Active = index.GrantsInForce(me, now)
            .Select(g => new ActiveGrant(g, index.FindRole(g.RoleId)?.Name ?? "?", g.HolderId == me ? null : index.FindPrincipal(g.HolderId)?.Name))
            .OrderBy(g => g.RoleName, StringComparer.OrdinalIgnoreCase).ToList();
        MyFactors = await mfa.EnrolledAsync(me, ct);
    }

    public static string Duration(int minutes) => minutes % 60 == 0 ? $"{minutes / 60} h" : $"{minutes} min";
}
