using Elevate.Core.Audit;
using Elevate.Core.Common;
using Elevate.Core.SignIn;
using Elevate.Server.Api;
using Elevate.Server.Auth;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Elevate.Server.Portal;

/// <summary>What every portal page shares: who is signed in, the session, and messages carried across a redirect.</summary>
public abstract class PortalPage : PageModel
{
    [TempData]
    public string? Notice { get; set; }

    public ValidSession Session => HttpContext.CurrentSession() ?? throw new InvalidOperationException("This page needs a portal session.");

    public Actor Actor => HttpContext.Actor();

    /// <summary>Errors from the core, attached to the form fields they name (or to the page).</summary>
    protected void AddErrors(ElevateError error, string? prefix = null)
    {
        foreach (var e in error.Others.Prepend(error))
        {
            ModelState.AddModelError(e.Field is null ? "" : (prefix ?? "") + e.Field, e.Message);
        }
    }

    /// <summary>Whether the sign-in behind this session is recent enough to change factors or tokens.</summary>
    protected bool SignedInRecently(SignInPolicy policy, TimeProvider time) => time.GetUtcNow() - Session.Session.CreatedAt <= policy.RecentSignIn;

    protected IActionResult Done(string notice, string page)
    {
        Notice = notice;
        return RedirectToPage(page);
    }
}
