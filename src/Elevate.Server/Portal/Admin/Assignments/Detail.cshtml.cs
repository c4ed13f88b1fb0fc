using Elevate.Core.Access;
using Elevate.Core.Assignments;
using Elevate.Core.Requests;
using Microsoft.AspNetCore.Mvc;

namespace Elevate.Server.Portal.Admin.Assignments;

/// <summary>
/// One assignment and what an administrator can do to it: change its window (adminUpdate), move its end later
/// (adminExtend) and remove it (adminRemove, with a justification the portal insists on, after a confirmation). Each
/// is a request through the same path as the API's; the notice says what became of it (done, scheduled, or waiting
/// for approval).
/// </summary>
public sealed class DetailModel(AssignmentQueries queries, RequestService requests, AccessIndex index, Authorizer authorizer, TimeProvider time)
    : AssignmentAdminPage(index, authorizer, time)
{
    [BindProperty(SupportsGet = true)]
    public Guid Id { get; set; }

    /// <summary>The new end (UTC) for an extension.</summary>
    [BindProperty]
    public string? ExtendEndsAt { get; set; }

    [BindProperty]
    public string? ExtendJustification { get; set; }

    [BindProperty]
    public string? ExtendCode { get; set; }

    [BindProperty]
    public string? RemoveJustification { get; set; }

    public Assignment Assignment { get; private set; } = null!;

    /// <summary>Whether its window can still change: open, not run out, and made by an administrator.</summary>
    public bool IsChangeable => Assignment.IsOpen && !Assignment.HasRunOutAt(Now) && Assignment.Origin == AssignmentOrigin.Administrator;

    public bool IsRemovable => Assignment.IsOpen && !Assignment.HasRunOutAt(Now);

    public async Task<IActionResult> OnGetAsync(CancellationToken ct)
    {
        if (await LoadAsync(ct) is { } refused)
        {
            return refused;
        }

        StartMode = "now";
        if (Assignment.EndsAt is { } end)
        {
            EndMode = "date";
            EndsAt = AssignmentText.Input(end);
            ExtendEndsAt = AssignmentText.Input(end);
        }
        else
        {
            EndMode = "permanent";
        }

        return Page();
    }

    public async Task<IActionResult> OnPostUpdateAsync(CancellationToken ct)
    {
        if (await LoadAsync(ct) is { } refused)
        {
            return refused;
        }

        var schedule = ReadSchedule();
        if (schedule is not null)
        {
            var done = await requests.SubmitAsync(
                new SubmitRequest
                {
                    Action = RequestAction.AdminUpdate,
                    TargetAssignmentId = Id,
                    Schedule = schedule,
                    Justification = JustificationInput(),
                    Ticket = TicketInput(),
                    Mfa = Proof(),
                }, Actor, null, null, ct);
            if (done.IsSuccess)
            {
                return Back(AssignmentText.Outcome("Window changed", done.Value));
            }

            AddRequestErrors(done.Error);
        }

        Code = null;
        return Page();
    }

    public async Task<IActionResult> OnPostExtendAsync(CancellationToken ct)
    {
        if (await LoadAsync(ct) is { } refused)
        {
            return refused;
        }

        if (AssignmentText.ParseTime(ExtendEndsAt, dateMeansEndOfDay: true) is not { } end)
        {
            ModelState.AddModelError(nameof(ExtendEndsAt), "Enter the new end in UTC, like 2026-03-31T18:00.");
            return Page();
        }

        var done = await requests.SubmitAsync(
            new SubmitRequest
            {
                Action = RequestAction.AdminExtend,
                TargetAssignmentId = Id,
                Schedule = new ScheduleInput(null, ExpirationType.AfterDateTime, end, null),
                Justification = string.IsNullOrWhiteSpace(ExtendJustification) ? null : ExtendJustification.Trim(),
                Mfa = string.IsNullOrWhiteSpace(ExtendCode) ? null : new Core.Mfa.StepUpProof { Totp = ExtendCode.Trim() },
            }, Actor, null, null, ct);
        if (done.IsSuccess)
        {
            return Back(AssignmentText.Outcome($"Extended to {AssignmentText.Time(end)}", done.Value));
        }

        AddRequestErrors(done.Error, field => field switch
        {
            "schedule" or "schedule.endsAt" or "schedule.expiration" => nameof(ExtendEndsAt),
            "justification" => nameof(ExtendJustification),
            "mfa" => nameof(ExtendCode),
            _ => "",
        });
        ExtendCode = null;
        return Page();
    }

    public async Task<IActionResult> OnPostRemoveAsync(CancellationToken ct)
    {
        if (await LoadAsync(ct) is { } refused)
        {
            return refused;
        }

        // The core records a removal with or without a reason; the portal asks for one so the trail says why.
        var justification = RemoveJustification?.Trim();
        if (string.IsNullOrEmpty(justification))
        {
            ModelState.AddModelError(nameof(RemoveJustification), "Say why the assignment is removed.");
            return Page();
        }

        var done = await requests.SubmitAsync(
            new SubmitRequest { Action = RequestAction.AdminRemove, TargetAssignmentId = Id, Justification = justification }, Actor, null, null, ct);
        if (done.IsSuccess)
        {
            return Back(AssignmentText.Outcome("Removed", done.Value));
        }

        AddRequestErrors(done.Error, field => field == "justification" ? nameof(RemoveJustification) : "");
        return Page();
    }

    private RedirectToPageResult Back(string notice)
    {
        Notice = notice;
        return RedirectToPage("/Admin/Assignments/Detail", new { id = Id });
    }

    private async Task<IActionResult?> LoadAsync(CancellationToken ct)
    {
        if (!MayAdminister)
        {
            return Refused();
        }

        var found = await queries.GetAsync(Id, Actor, ct);
        if (!found.IsSuccess)
        {
            return Refused(found.Error);
        }

        Assignment = found.Value;
        return null;
    }
}
