using System.Text.Json;
using Elevate.Core.Mfa;
using Elevate.Core.Persistence;
using Elevate.Core.SignIn;
using Microsoft.AspNetCore.Mvc;
using Microsoft.EntityFrameworkCore;
using QRCoder;

namespace Elevate.Server.Portal.Account;

/// <summary>
/// Second factors: an authenticator app (QR code, secret shown until confirmed), recovery codes (shown once), and
/// passkeys or security keys (several, named). Changes need a recent sign-in, so a session left open on a shared
/// machine cannot be used to add an attacker's factor.
/// </summary>
public sealed class SecurityModel(MfaService mfa, ElevateDbContext db, SignInPolicy policy, TimeProvider time) : PortalPage
{
    [BindProperty(SupportsGet = true)]
    public string? Enrol { get; set; }

    [BindProperty]
    public string? Code { get; set; }

    [BindProperty]
    public string? PasskeyName { get; set; }

    [BindProperty]
    public string? ChallengeId { get; set; }

    [BindProperty]
    public string? Credential { get; set; }

    [BindProperty]
    public Guid PasskeyId { get; set; }

    public MfaOverview Factors { get; private set; } = new(false, false, 0, []);

    /// <summary>The authenticator app just started; its secret is shown on this response only.</summary>
    public TotpEnrolment? PendingTotp { get; private set; }

    public string? QrCode { get; private set; }

    /// <summary>Recovery codes just issued; shown on this response only.</summary>
    public IReadOnlyList<string>? NewRecoveryCodes { get; private set; }

    public bool MayChange => SignedInRecently(policy, time);

    public Task OnGetAsync(CancellationToken ct) => LoadAsync(ct);

    public async Task<IActionResult> OnPostStartTotpAsync(CancellationToken ct)
    {
        if (!MayChange)
        {
            return await RefuseAsync(ct);
        }

        var started = await mfa.BeginTotpAsync(Actor, ct);
        await LoadAsync(ct);
        if (!started.IsSuccess)
        {
            AddErrors(started.Error);
            return Page();
        }

        // The secret is on this response only: a reload shows the confirmation form without it (start again for a
        // new one), so it is not left on a screen or in a browser's history of pages.
        PendingTotp = started.Value;
        using var generator = new QRCodeGenerator();
        using var data = generator.CreateQrCode(PendingTotp.KeyUri, QRCodeGenerator.ECCLevel.M);
        QrCode = "data:image/svg+xml;base64," + Convert.ToBase64String(System.Text.Encoding.UTF8.GetBytes(new SvgQRCode(data).GetGraphic(4)));
        return Page();
    }

    public async Task<IActionResult> OnPostConfirmTotpAsync(CancellationToken ct)
    {
        if (!MayChange)
        {
            return await RefuseAsync(ct);
        }

        var confirmed = await mfa.ConfirmTotpAsync(Actor, Code, ct);
        Code = null;
        if (!confirmed.IsSuccess)
        {
            AddErrors(confirmed.Error);
            await LoadAsync(ct);
            return Page();
        }

        Notice = "Your authenticator app is set up.";
        NewRecoveryCodes = confirmed.Value;
        await LoadAsync(ct);
        return Page();
    }

    public async Task<IActionResult> OnPostRemoveTotpAsync(CancellationToken ct)
    {
        if (!MayChange)
        {
            return await RefuseAsync(ct);
        }

        var removed = await mfa.RemoveTotpAsync(Actor, ct);
        return removed.IsSuccess ? Done("The authenticator app was removed.", "/Account/Security") : await ShowAsync(removed.Error, ct);
    }

    public async Task<IActionResult> OnPostRecoveryCodesAsync(CancellationToken ct)
    {
        if (!MayChange)
        {
            return await RefuseAsync(ct);
        }

        var codes = await mfa.RegenerateRecoveryCodesAsync(Actor, ct);
        if (!codes.IsSuccess)
        {
            return await ShowAsync(codes.Error, ct);
        }

        NewRecoveryCodes = codes.Value;
        await LoadAsync(ct);
        return Page();
    }

    public async Task<IActionResult> OnPostRegisterOptionsAsync(CancellationToken ct)
    {
        if (!MayChange)
        {
            return StatusCode(StatusCodes.Status403Forbidden);
        }

        var user = await db.Principals.AsNoTracking().FirstAsync(p => p.Id == Session.PrincipalId, ct);
        var ceremony = await mfa.BeginRegistrationAsync(user, ct);
        return new JsonResult(new { challengeId = ceremony.ChallengeId, options = JsonDocument.Parse(ceremony.OptionsJson).RootElement });
    }

    public async Task<IActionResult> OnPostRegisterPasskeyAsync(CancellationToken ct)
    {
        if (!MayChange)
        {
            return await RefuseAsync(ct);
        }

        var answer = WebAuthnForm.Answer(ChallengeId, Credential);
        if (answer is null)
        {
            ModelState.AddModelError("", "The authenticator did not answer; try again.");
            await LoadAsync(ct);
            return Page();
        }

        var registered = await mfa.CompleteRegistrationAsync(Actor, answer.ChallengeId, answer.Credential, PasskeyName, ct);
        if (!registered.IsSuccess)
        {
            return await ShowAsync(registered.Error, ct);
        }

        Notice = $"The passkey \u201c{registered.Value.Credential.Name}\u201d is registered.";
        NewRecoveryCodes = registered.Value.RecoveryCodes;
        await LoadAsync(ct);
        return Page();
    }

    public async Task<IActionResult> OnPostRemovePasskeyAsync(CancellationToken ct)
    {
        if (!MayChange)
        {
            return await RefuseAsync(ct);
        }

        var removed = await mfa.RemovePasskeyAsync(Actor, PasskeyId, ct);
        return removed.IsSuccess ? Done("The passkey was removed.", "/Account/Security") : await ShowAsync(removed.Error, ct);
    }

    private async Task<IActionResult> ShowAsync(Elevate.Core.Common.ElevateError error, CancellationToken ct)
    {
        AddErrors(error);
        await LoadAsync(ct);
        return Page();
    }

    private async Task<IActionResult> RefuseAsync(CancellationToken ct)
    {
        ModelState.AddModelError("", "Changing your factors needs a recent sign-in. Sign out, sign in again, and come back.");
        await LoadAsync(ct);
        Response.StatusCode = StatusCodes.Status403Forbidden;
        return Page();
    }

    private async Task LoadAsync(CancellationToken ct)
    {
        Factors = await mfa.OverviewAsync(Session.PrincipalId, ct);
    }
}
