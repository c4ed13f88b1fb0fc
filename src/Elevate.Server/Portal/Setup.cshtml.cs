using Elevate.Core.SignIn;
using Elevate.Server.Auth;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Elevate.Server.Portal;

/// <summary>
/// Where a one-time setup secret becomes a password: the first administrator's (printed at the first start), or a
/// link an administrator issued to a new user or for a password reset. The link carries the secret after '#', which
/// browsers never send to a server, so it appears in no access log; portal.js copies it into the form.
/// </summary>
public sealed class SetupModel(SignInService signIn) : PageModel
{
    [BindProperty]
    public string? Secret { get; set; }

    [BindProperty]
    public string? NewPassword { get; set; }

    [BindProperty]
    public string? ConfirmPassword { get; set; }

    public void OnGet()
    {
    }

    public async Task<IActionResult> OnPostAsync(CancellationToken ct)
    {
        if (NewPassword != ConfirmPassword)
        {
            ModelState.AddModelError(nameof(ConfirmPassword), "The two passwords differ.");
            return Page();
        }

        var outcome = await signIn.SetPasswordWithSecretAsync(Secret?.Trim(), NewPassword, HttpContext.Client(), ct);
        NewPassword = ConfirmPassword = null;
        if (!outcome.IsSuccess)
        {
            foreach (var e in outcome.Error.Others.Prepend(outcome.Error))
            {
                ModelState.AddModelError(e.Field == "password" ? nameof(NewPassword) : e.Field == "secret" ? nameof(Secret) : "", e.Message);
            }

            return Page();
        }

        if (outcome.Value.Session is not { } session)
        {
            // The user already has a second factor: the new password alone does not sign them in.
            await HttpContext.StartSecondFactorAsync(outcome.Value.User, "/");
            return Redirect("/signin/factor");
        }

        await HttpContext.SignInSessionAsync(session);
        return Redirect("/account/security?enrol=required");
    }
}
