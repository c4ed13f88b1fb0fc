using System.Security.Claims;
using System.Text.Json;
using Elevate.Core.Common;
using Elevate.Core.Mfa;
using Elevate.Core.SignIn;
using Elevate.Server.Api;
using Elevate.Server.Auth;
using Elevate.Server.Hosting;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.Extensions.Options;

namespace Elevate.Server.Portal.SignIn;

/// <summary>The sign-in page: password (then a second factor), a passkey alone, or a configured single sign-on provider.</summary>
public sealed class IndexModel(SignInService signIn, MfaService mfa, IOptions<ElevateOptions> options) : PageModel
{
    [BindProperty]
    public string? UserName { get; set; }

    [BindProperty]
    public string? Password { get; set; }

    [BindProperty(SupportsGet = true)]
    public string? ReturnUrl { get; set; }

    [BindProperty(SupportsGet = true)]
    public string? Error { get; set; }

    [BindProperty]
    public string? ChallengeId { get; set; }

    [BindProperty]
    public string? Credential { get; set; }

    public bool LocalAccounts => options.Value.SignIn.LocalAccounts;

    public IReadOnlyList<ElevateOptions.OpenIdConnectProvider> Providers => [.. options.Value.Authentication.OpenIdConnect.Providers];

    public string? Message => Error switch
    {
        "sso" => "Single sign-on did not complete. Try again, or use another way to sign in.",
        "sso_user" => "Your account at the identity provider is not linked to an Elevate user. Ask an administrator.",
        _ => null,
    };

    public IActionResult OnGet() => User.Identity?.IsAuthenticated == true ? LocalRedirect(SsoEndpoints.LocalOrHome(ReturnUrl)) : Page();

    public async Task<IActionResult> OnPostAsync(CancellationToken ct)
    {
        var verified = await signIn.CheckPasswordAsync(UserName, Password, HttpContext.Client(), ct);
        Password = null;
        if (!verified.IsSuccess)
        {
            if (verified.Error.Kind == ErrorKind.Throttled)
            {
                Response.StatusCode = StatusCodes.Status429TooManyRequests;
            }

            ModelState.AddModelError("", verified.Error.Message);
            return Page();
        }

        var user = verified.Value;
        if (user.Factors.Count == 0)
        {
            var session = await signIn.CompleteWithoutFactorAsync(user, HttpContext.Client(), ct);
            if (!session.IsSuccess)
            {
                ModelState.AddModelError("", session.Error.Message);
                return Page();
            }

            await HttpContext.SignInSessionAsync(session.Value);
            return signIn.Policy.RequireSecondFactor ? Redirect("/account/security?enrol=required") : LocalRedirect(SsoEndpoints.LocalOrHome(ReturnUrl));
        }

        await HttpContext.StartSecondFactorAsync(user, ReturnUrl);
        return Redirect("/signin/factor");
    }

    /// <summary>A passkey challenge for signing in without a password (any registered passkey may answer).</summary>
    public async Task<IActionResult> OnPostPasskeyOptionsAsync(CancellationToken ct)
    {
        var ceremony = await mfa.BeginAssertionAsync(null, ChallengePurpose.Passwordless, null, ct);
        return ceremony.IsSuccess
            ? new JsonResult(new { challengeId = ceremony.Value.ChallengeId, options = JsonDocument.Parse(ceremony.Value.OptionsJson).RootElement })
            : BadRequest();
    }

    public async Task<IActionResult> OnPostPasskeyAsync(CancellationToken ct)
    {
        if (WebAuthnForm.Answer(ChallengeId, Credential) is not { } answer)
        {
            ModelState.AddModelError("", "The passkey's answer was incomplete; try again.");
            return Page();
        }

        var session = await signIn.PasskeySignInAsync(answer, HttpContext.Client(), ct);
        if (!session.IsSuccess)
        {
            ModelState.AddModelError("", session.Error.Message);
            return Page();
        }

        await HttpContext.SignInSessionAsync(session.Value);
        return LocalRedirect(SsoEndpoints.LocalOrHome(ReturnUrl));
    }
}
