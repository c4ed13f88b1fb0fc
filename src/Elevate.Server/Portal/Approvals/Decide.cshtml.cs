using System.Text.Json;
using Elevate.Core.Approvals;
using Elevate.Core.Assignments;
using Elevate.Core.Mfa;
using Elevate.Core.Persistence;
using Elevate.Core.Requests;
using Elevate.Server.Notifications;
using Microsoft.AspNetCore.Mvc;
using Microsoft.EntityFrameworkCore;

namespace Elevate.Server.Portal.Approvals;

/// <summary>
/// One request's approval: what is asked, by whom, what they did before, the decisions so far, and the form to decide.
/// The approve / deny links in e-mails land here; a link never decides by itself: the approver is signed in, reads the
/// request, (when the role asks) presents a fresh factor, and confirms with a POST. A link is bound to one approver and
/// one request, and works once.
/// </summary>
public sealed class DecideModel(ApprovalService approvals, MfaService mfa, ActionLinks links, ElevateDbContext db) : PortalPage
{
    [BindProperty(SupportsGet = true)]
    public Guid Id { get; set; }

    [BindProperty(SupportsGet = true)]
    public string? Verdict { get; set; }

    [BindProperty(SupportsGet = true)]
    public string? Link { get; set; }

    [BindProperty]
    public string? Reason { get; set; }

    [BindProperty]
    public string? Code { get; set; }

    [BindProperty]
    public string? ChallengeId { get; set; }

    [BindProperty]
    public string? Credential { get; set; }

    public ApprovalState? State { get; private set; }

    public string? RequesterName { get; private set; }

    public string? RoleName { get; private set; }

    public IReadOnlyList<Assignment> RecentActivations { get; private set; } = [];

    public IReadOnlyList<MfaFactor> MyFactors { get; private set; } = [];

    /// <summary>Open security alerts that name the requester: what an approver should weigh.</summary>
    public IReadOnlyList<string> OpenAlerts { get; private set; } = [];

    /// <summary>Why the link cannot be used (it still shows the request when the approver may see it).</summary>
    public string? LinkProblem { get; private set; }

    public bool MayDecide { get; private set; }

    public ApprovalVerdict ChosenVerdict => string.Equals(Verdict, "deny", StringComparison.OrdinalIgnoreCase) ? ApprovalVerdict.Deny : ApprovalVerdict.Approve;

    public async Task<IActionResult> OnGetAsync(CancellationToken ct) => await LoadAsync(ct) ? Page() : NotFound();

    public async Task<IActionResult> OnPostDecideAsync(CancellationToken ct)
    {
        var link = UsableLink();
        if (!string.IsNullOrEmpty(Link) && link is null)
        {
            // A link is bound to one approver and one request: one that is not this approver's, or no longer valid,
            // decides nothing (the approver can still open the request without it and decide there).
            ModelState.AddModelError("", LinkProblem!);
            return await LoadAsync(ct) ? Page() : NotFound();
        }

        var input = new DecisionInput(
            ChosenVerdict,
            Reason,
            WebAuthnForm.Answer(ChallengeId, Credential) is { } answer ? new StepUpProof { WebAuthn = answer } : Code is { Length: > 0 } code ? new StepUpProof { Totp = code } : null,
            link is null ? null : new LinkUse(link.Nonce, link.ExpiresAt));
        var decided = await approvals.DecideAsync(Id, input, Actor, ct);
        Code = null;
        if (!decided.IsSuccess)
        {
            AddErrors(decided.Error);
            return await LoadAsync(ct) ? Page() : NotFound();
        }

        Notice = decided.Value.Request.Status switch
        {
            RequestStatus.PendingApproval => "Your decision is recorded; the request waits for the other approvers.",
            RequestStatus.Denied => "You denied the request; the requester is told.",
            _ => "You approved the request; the requester is told.",
        };
        return RedirectToPage("/Approvals/Decide", new { id = Id });
    }

    /// <summary>A passkey challenge bound to this request, this verdict and this approver.</summary>
    public async Task<IActionResult> OnPostChallengeAsync(CancellationToken ct)
    {
        var ceremony = await approvals.DecisionChallengeAsync(Id, ChosenVerdict, Actor, ct);
        return ceremony.IsSuccess
            ? new JsonResult(new { challengeId = ceremony.Value.ChallengeId, options = JsonDocument.Parse(ceremony.Value.OptionsJson).RootElement })
            : new JsonResult(new { error = ceremony.Error.Message }) { StatusCode = StatusCodes.Status400BadRequest };
    }

    private ActionLink? UsableLink()
    {
        if (string.IsNullOrEmpty(Link))
        {
            return null;
        }

        var link = links.Read(Link);
        LinkProblem = link is null ? "This approval link is not valid or has expired."
            : link.RequestId != Id ? "This approval link belongs to another request."
            : link.ApproverId != Actor.PrincipalId ? "This approval link was sent to another approver; sign in as them to use it."
            : null;
        return LinkProblem is null ? link : null;
    }

    private async Task<bool> LoadAsync(CancellationToken ct)
    {
        var state = await approvals.GetAsync(Id, Actor, ct);
        if (!state.IsSuccess)
        {
            return false;
        }

        State = state.Value;
        UsableLink();
        var request = State.Request;
        RequesterName = await db.Principals.AsNoTracking().Where(p => p.Id == request.PrincipalId).Select(p => p.DisplayName.Length > 0 ? p.DisplayName + " (" + p.Name + ")" : p.Name).FirstOrDefaultAsync(ct);
        RoleName = await db.Roles.AsNoTracking().Where(r => r.Id == request.RoleId).Select(r => r.Name).FirstOrDefaultAsync(ct);
        RecentActivations = await RequesterHistory.RecentActivationsAsync(db, request, ct);
        MayDecide = await approvals.MayDecideAsync(Id, Actor, ct);
        OpenAlerts = await Elevate.Core.Alerts.AlertEvaluator.OpenAboutAsync(db, request.PrincipalId, ct);
        MyFactors = State.Plan.RequireMfa ? [.. (await mfa.EnrolledAsync(Actor.PrincipalId!.Value, ct)).Distinct()] : [];
        return true;
    }
}
