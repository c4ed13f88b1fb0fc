using System.Globalization;
using Elevate.Core.Access;
using Elevate.Core.Assignments;
using Elevate.Core.Common;
using Elevate.Core.Mfa;
using Elevate.Core.Requests;
using Elevate.Core.Roles;
using Microsoft.AspNetCore.Mvc;

namespace Elevate.Server.Portal.Admin.Assignments;

/// <summary>
/// What the assignment administration pages share: who may open them (anyone holding, right now, a role that reads or
/// manages assignments; the core decides again on every read and change), names for the ids the core works with
/// (from the access index, which holds every principal and role in memory), and the schedule fields of the add and
/// edit forms.
/// </summary>
public abstract class AssignmentAdminPage(AccessIndex index, Authorizer authorizer, TimeProvider time) : PortalPage
{
    /// <summary>"now" or "at" (a UTC time in <see cref="StartsAt"/>).</summary>
    [BindProperty]
    public string? StartMode { get; set; } = "now";

    [BindProperty]
    public string? StartsAt { get; set; }

    /// <summary>"permanent", "duration" (ISO 8601 in <see cref="Duration"/>) or "date" (a UTC time in <see cref="EndsAt"/>).</summary>
    [BindProperty]
    public string? EndMode { get; set; } = "duration";

    [BindProperty]
    public string? Duration { get; set; } = "P90D";

    [BindProperty]
    public string? EndsAt { get; set; }

    [BindProperty]
    public string? Justification { get; set; }

    [BindProperty]
    public string? Ticket { get; set; }

    /// <summary>A code from the authenticator app, for roles whose settings ask for a fresh second factor.</summary>
    [BindProperty]
    public string? Code { get; set; }

    protected AccessIndex Index => index;

    public DateTimeOffset Now => time.GetUtcNow();

    /// <summary>Whether the signed-in person holds, now, a role that reads or manages assignments somewhere.</summary>
    protected bool MayAdminister =>
        authorizer.ScopesWhere(Actor, Permission.ReadAssignments).Count > 0 || authorizer.ScopesWhere(Actor, Permission.ManageAssignments).Count > 0;

    public string PrincipalName(Guid id) => index.FindPrincipal(id)?.Name ?? id.ToString();

    public string RoleName(Guid id) => index.FindRole(id)?.Name ?? id.ToString();

    protected StatusCodeResult Refused(ElevateError? error = null) =>
        StatusCode(error?.Kind == ErrorKind.NotFound ? StatusCodes.Status404NotFound : StatusCodes.Status403Forbidden);

    /// <summary>The form's window: start now or at a time, and permanent, for a duration or until a time.</summary>
    protected ScheduleInput? ReadSchedule(bool allowStart = true)
    {
        DateTimeOffset? start = null;
        if (allowStart && StartMode == "at")
        {
            start = AssignmentText.ParseTime(StartsAt, dateMeansEndOfDay: false);
            if (start is null)
            {
                ModelState.AddModelError(nameof(StartsAt), "Enter the start in UTC, like 2026-01-31T14:30.");
                return null;
            }
        }

        switch (EndMode)
        {
            case "permanent":
                return new ScheduleInput(start, ExpirationType.NoExpiration, null, null);
            case "duration":
                if (!IsoDuration.TryParse(Duration?.Trim(), out var duration, out var problem))
                {
                    ModelState.AddModelError(nameof(Duration), $"Enter a duration such as P90D (90 days) or PT8H (8 hours). {problem}".Trim());
                    return null;
                }

                return new ScheduleInput(start, ExpirationType.AfterDuration, null, duration);
            case "date":
                if (AssignmentText.ParseTime(EndsAt, dateMeansEndOfDay: true) is not { } end)
                {
                    ModelState.AddModelError(nameof(EndsAt), "Enter the end in UTC, like 2026-03-31T18:00.");
                    return null;
                }

                return new ScheduleInput(start, ExpirationType.AfterDateTime, end, null);
            default:
                ModelState.AddModelError(nameof(EndMode), "Choose how the assignment ends.");
                return null;
        }
    }

    protected TicketInput? TicketInput() => string.IsNullOrWhiteSpace(Ticket) ? null : new TicketInput(null, Ticket.Trim());

    protected string? JustificationInput() => string.IsNullOrWhiteSpace(Justification) ? null : Justification.Trim();

    protected StepUpProof? Proof() => string.IsNullOrWhiteSpace(Code) ? null : new StepUpProof { Totp = Code.Trim() };

    /// <summary>The core's errors, on the form fields they name (the request body's names are the API's).</summary>
    protected void AddRequestErrors(ElevateError error, Func<string?, string>? keyOf = null)
    {
        foreach (var e in error.Others.Prepend(error))
        {
            ModelState.AddModelError((keyOf ?? FormKey)(e.Field), AssignmentText.Message(e));
        }
    }

    private static string FormKey(string? field) => field switch
    {
        "principalId" => "Principal",
        "roleId" => "Role",
        "kind" => "Kind",
        "scope" => "Scope",
        "schedule.startsAt" => nameof(StartsAt),
        "schedule.endsAt" => nameof(EndsAt),
        "schedule.duration" => nameof(Duration),
        "schedule" or "schedule.expiration" => nameof(EndMode),
        "justification" => nameof(Justification),
        "ticket.number" or "ticket.system" => nameof(Ticket),
        "mfa" => nameof(Code),
        _ => "",
    };
}

/// <summary>How assignments and requests read on the administration pages.</summary>
public static class AssignmentText
{
    private static readonly string[] TimeFormats = ["yyyy-MM-dd'T'HH:mm", "yyyy-MM-dd'T'HH:mm:ss", "yyyy-MM-dd HH:mm", "yyyy-MM-dd HH:mm:ss"];

    public static string Time(DateTimeOffset? at) => at?.UtcDateTime.ToString("yyyy-MM-dd HH:mm 'UTC'", CultureInfo.InvariantCulture) ?? "";

    public static string Iso(DateTimeOffset at) => at.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);

    /// <summary>The value of a <c>datetime-local</c> input for a UTC time.</summary>
    public static string Input(DateTimeOffset at) => at.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm", CultureInfo.InvariantCulture);

    /// <summary>
    /// A time in UTC (a trailing Z is allowed, seconds optional), or a date alone: midnight at its start, or with
    /// <paramref name="dateMeansEndOfDay"/> midnight at its end, so "ends 2026-03-31" includes that day.
    /// </summary>
    public static DateTimeOffset? ParseTime(string? text, bool dateMeansEndOfDay)
    {
        var value = text?.Trim() ?? "";
        if (value.EndsWith('Z') || value.EndsWith('z'))
        {
            value = value[..^1];
        }

        if (value.Length == 0)
        {
            return null;
        }

        if (DateOnly.TryParseExact(value, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var day))
        {
            var midnight = new DateTimeOffset(day.ToDateTime(TimeOnly.MinValue), TimeSpan.Zero);
            return dateMeansEndOfDay ? midnight.AddDays(1) : midnight;
        }

        return DateTime.TryParseExact(value, TimeFormats, CultureInfo.InvariantCulture, DateTimeStyles.AdjustToUniversal | DateTimeStyles.AssumeUniversal, out var at)
            ? new DateTimeOffset(DateTime.SpecifyKind(at, DateTimeKind.Utc))
            : null;
    }

    public static string Kind(AssignmentKind kind) => kind == AssignmentKind.Eligible ? "Eligible" : "Active";

    public static string Origin(AssignmentOrigin origin) => origin == AssignmentOrigin.Administrator ? "Assigned" : "Activation";

    /// <summary>Where the assignment is now, from its window and the clock (a late job never shows it as in force).</summary>
    public static string Status(Assignment a, DateTimeOffset now) => a.Status switch
    {
        AssignmentStatus.Ended => a.EndReason switch
        {
            EndReason.RemovedByAdministrator => "Removed",
            EndReason.Deactivated => "Deactivated",
            EndReason.RequestCanceled => "Canceled",
            _ => "Ended",
        },
        AssignmentStatus.Expired => "Expired",
        _ when a.HasRunOutAt(now) => "Expired",
        _ when a.StartsAt > now => "Scheduled",
        _ => "In force",
    };

    /// <summary>The badge class for a status.</summary>
    public static string Badge(Assignment a, DateTimeOffset now) => Status(a, now) switch
    {
        "In force" => "badge badge-approve",
        "Scheduled" => "badge badge-waiting",
        _ => "badge badge-ended",
    };

    /// <summary>What became of a request an administrator just sent.</summary>
    public static string Outcome(string what, RequestOutcome outcome) => outcome.Request.Status switch
    {
        RequestStatus.PendingApproval => $"{what}: the request is pending approval; nothing changes until it is approved.",
        RequestStatus.Scheduled => $"{what}: scheduled from {Time(outcome.Request.StartsAt)}.",
        RequestStatus.Provisioned => $"{what}: done.",
        var other => $"{what}: the request is {other}.",
    };

    /// <summary>The core's message; a missing second factor says where to give one.</summary>
    public static string Message(ElevateError error) =>
        error.Code == ErrorCodes.MfaRequired ? error.Message + " Enter a code from your authenticator app." : error.Message;
}
