using System.Security.Claims;
using System.Text.Json;
using Elevate.Core.Mfa;
using Elevate.Core.SignIn;
using Elevate.Server.Api;
using Elevate.Server.Auth;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Elevate.Server.Portal.SignIn;

/// <summary>The second step of a password sign-in: an authenticator code, a passkey, or a recovery code.</summary>
public sealed class FactorModel(SignInService signIn, MfaService mfa) : PageModel
{
    [BindProperty]
    public string? Code { get; set; }

    [BindProperty]
    public string? RecoveryCode { get; set; }

    [BindProperty]
    public string? ChallengeId { get; set; }

    [BindProperty]
    public string? Credential { get; set; }

    public MfaOverview? Factors { get; private set; }

    public async Task<IActionResult> OnGetAsync(CancellationToken ct)
    {
        if (await PendingAsync() is not { } pending)
        {
            return Redirect("/signin");
        }

        Factors = await mfa.OverviewAsync(pending.PrincipalId, ct);
        return Page();
    }

    public Task<IActionResult> OnPostAsync(CancellationToken ct) => CompleteAsync(new FactorProof(Totp: Code ?? ""), ct);

    public Task<IActionResult> OnPostRecoveryAsync(CancellationToken ct) => CompleteAsync(new FactorProof(RecoveryCode: RecoveryCode ?? ""), ct);

    public async Task<IActionResult> OnPostPasskeyAsync(CancellationToken ct)
    {
        var answer = WebAuthnForm.Answer(ChallengeId, Credential);
        return answer is null ? await ShowAsync("The passkey's answer was incomplete; try again.", ct) : await CompleteAsync(new FactorProof(WebAuthn: answer), ct);
    }

    public async Task<IActionResult> OnPostPasskeyOptionsAsync(CancellationToken ct)
    {
        if (await PendingAsync() is not { } pending)
        {
            return Unauthorized();
        }

        var ceremony = await mfa.BeginAssertionAsync(pending.PrincipalId, ChallengePurpose.SignIn, null, ct);
        return ceremony.IsSuccess
            ? new JsonResult(new { challengeId = ceremony.Value.ChallengeId, options = JsonDocument.Parse(ceremony.Value.OptionsJson).RootElement })
            : BadRequest();
    }

    private async Task<IActionResult> CompleteAsync(FactorProof proof, CancellationToken ct)
    {
        if (await PendingAsync() is not { } pending)
        {
            return Redirect("/signin");
        }

        var session = await signIn.CompleteWithFactorAsync(pending.PrincipalId, proof, HttpContext.Client(), ct);
        Code = RecoveryCode = null;
        if (!session.IsSuccess)
        {
            if (session.Error.Kind == Elevate.Core.Common.ErrorKind.Throttled)
            {
                Response.StatusCode = StatusCodes.Status429TooManyRequests;
            }

            return await ShowAsync(session.Error.Message, ct);
        }

        await HttpContext.SignInSessionAsync(session.Value);
        return LocalRedirect(SsoEndpoints.LocalOrHome(pending.ReturnUrl));
    }

    private async Task<IActionResult> ShowAsync(string error, CancellationToken ct)
    {
        ModelState.AddModelError("", error);
        if (await PendingAsync() is { } pending)
        {
            Factors = await mfa.OverviewAsync(pending.PrincipalId, ct);
        }

        return Page();
    }

    private sealed record Pending(Guid PrincipalId, string ReturnUrl);

    private async Task<Pending?> PendingAsync()
    {
        var result = await HttpContext.AuthenticateAsync(PortalAuthentication.PendingScheme);
        var user = result.Principal;
        return result.Succeeded && user is not null && Guid.TryParse(user.FindFirstValue(CallerContext.PrincipalIdClaim), out var id)
            ? new Pending(id, user.FindFirstValue(PortalAuthentication.ReturnUrlClaim) ?? "/")
            : null;
    }
}
