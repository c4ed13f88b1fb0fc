using Elevate.Core.Access;
using Elevate.Core.Assignments;
using Elevate.Core.Persistence;
using Elevate.Core.Requests;
using Microsoft.AspNetCore.Mvc;
using Microsoft.EntityFrameworkCore;

namespace Elevate.Server.Portal.Admin.Assignments;

/// <summary>
/// Adds one assignment: a user or group by name, a role, eligible or active, a scope and a window. It is an adminAssign
/// request like the API's, so the role's settings apply (longest window, justification, second factor, approval) and
/// the answer says whether it is in force, scheduled or waiting for approval.
/// </summary>
public sealed class NewModel(RequestService requests, AccessIndex index, Authorizer authorizer, ElevateDbContext db, TimeProvider time)
    : AssignmentAdminPage(index, authorizer, time)
{
    [BindProperty(SupportsGet = true)]
    public string? Principal { get; set; }

    [BindProperty(SupportsGet = true)]
    public string? Role { get; set; }

    /// <summary>eligible or active.</summary>
    [BindProperty(SupportsGet = true)]
    public string? Kind { get; set; } = "eligible";

    [BindProperty(SupportsGet = true)]
    public string? Scope { get; set; } = "/";

    public IReadOnlyList<string> RoleNames { get; private set; } = [];

    public async Task<IActionResult> OnGetAsync(CancellationToken ct)
    {
        if (!MayAdminister)
        {
            return Refused();
        }

        await LoadAsync(ct);
        return Page();
    }

    public async Task<IActionResult> OnPostAsync(CancellationToken ct)
    {
        if (!MayAdminister)
        {
            return Refused();
        }

        var principal = string.IsNullOrWhiteSpace(Principal) ? null : Index.FindPrincipal(Principal.Trim());
        if (principal is null || Guid.TryParse(Principal, out _))
        {
            ModelState.AddModelError(nameof(Principal), string.IsNullOrWhiteSpace(Principal)
                ? "Enter the name of the user or group."
                : $"There is no user or group named '{Principal.Trim()}'.");
        }

        var role = string.IsNullOrWhiteSpace(Role) ? null : Index.FindRole(Role.Trim());
        if (role is null)
        {
            ModelState.AddModelError(nameof(Role), string.IsNullOrWhiteSpace(Role) ? "Choose a role." : $"There is no role named '{Role.Trim()}'.");
        }

        AssignmentKind? kind = Kind switch { "eligible" => AssignmentKind.Eligible, "active" => AssignmentKind.Active, _ => null };
        if (kind is null)
        {
            ModelState.AddModelError(nameof(Kind), "Choose eligible or active.");
        }

        var schedule = ReadSchedule();
        if (ModelState.ErrorCount == 0)
        {
            var input = new SubmitRequest
            {
                Action = RequestAction.AdminAssign,
                Kind = kind,
                PrincipalId = principal!.Id,
                RoleId = role!.Id,
                Scope = string.IsNullOrWhiteSpace(Scope) ? "/" : Scope.Trim(),
                Schedule = schedule,
                Justification = JustificationInput(),
                Ticket = TicketInput(),
                Mfa = Proof(),
            };
            var submitted = await requests.SubmitAsync(input, Actor, null, null, ct);
            if (submitted.IsSuccess)
            {
                Notice = AssignmentText.Outcome($"{AssignmentText.Kind(kind!.Value)} assignment of {role.Name} at {input.Scope} for {principal.Name}", submitted.Value);
                return submitted.Value.Assignment is { } made
                    ? RedirectToPage("/Admin/Assignments/Detail", new { id = made.Id })
                    : RedirectToPage("/Admin/Assignments/Index");
            }

            AddRequestErrors(submitted.Error);
        }

        Code = null;
        await LoadAsync(ct);
        return Page();
    }

    private async Task LoadAsync(CancellationToken ct) =>
        RoleNames = await db.Roles.AsNoTracking().OrderBy(r => r.NormalizedName).Select(r => r.Name).Take(IndexModel.RoleChoices).ToListAsync(ct);
}
