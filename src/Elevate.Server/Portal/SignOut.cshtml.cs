using Elevate.Core.SignIn;
using Elevate.Server.Auth;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Mvc;

namespace Elevate.Server.Portal;

/// <summary>Signing out ends the server-side session (so a copied cookie stops working too), then clears the cookie.</summary>
public sealed class SignOutModel(SignInService signIn) : PortalPage
{
    public IActionResult OnGet() => Page();

    public async Task<IActionResult> OnPostAsync(CancellationToken ct)
    {
        await signIn.SignOutAsync(Session.Session.Id, Actor, ct);
        await HttpContext.SignOutAsync(PortalAuthentication.SessionScheme);
        return Redirect("/signin");
    }

    public async Task<IActionResult> OnPostEverywhereAsync(CancellationToken ct)
    {
        await signIn.SignOutEverywhereAsync(Session.PrincipalId, Actor, ct);
        await HttpContext.SignOutAsync(PortalAuthentication.SessionScheme);
        return Redirect("/signin");
    }
}
