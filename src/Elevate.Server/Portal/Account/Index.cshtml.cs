using Elevate.Core.Persistence;
using Elevate.Core.Principals;
using Elevate.Core.SignIn;
using Microsoft.AspNetCore.Mvc;
using Microsoft.EntityFrameworkCore;

namespace Elevate.Server.Portal.Account;

/// <summary>The account page: who you are, your password, and where you are signed in.</summary>
public sealed class IndexModel(SignInService signIn, ElevateDbContext db) : PortalPage
{
    [BindProperty]
    public string? CurrentPassword { get; set; }

    [BindProperty]
    public string? NewPassword { get; set; }

    [BindProperty]
    public string? ConfirmPassword { get; set; }

    public Principal Me { get; private set; } = new();

    public bool HasPassword { get; private set; }

    public IReadOnlyList<UserSession> Sessions { get; private set; } = [];

    public Task OnGetAsync(CancellationToken ct) => LoadAsync(ct);

    public async Task<IActionResult> OnPostPasswordAsync(CancellationToken ct)
    {
        if (NewPassword != ConfirmPassword)
        {
            ModelState.AddModelError(nameof(ConfirmPassword), "The two passwords differ.");
        }
        else
        {
            var changed = await signIn.ChangePasswordAsync(Actor, Session.Session.Id, CurrentPassword, NewPassword, ct);
            if (changed.IsSuccess)
            {
                return Done("Your password is changed. Your other sessions were signed out.", "/Account/Index");
            }

            foreach (var e in changed.Error.Others.Prepend(changed.Error))
            {
                ModelState.AddModelError(e.Field switch { "newPassword" => nameof(NewPassword), "currentPassword" => nameof(CurrentPassword), _ => "" }, e.Message);
            }
        }

        CurrentPassword = NewPassword = ConfirmPassword = null;
        await LoadAsync(ct);
        return Page();
    }

    private async Task LoadAsync(CancellationToken ct)
    {
        Me = await db.Principals.AsNoTracking().FirstAsync(p => p.Id == Session.PrincipalId, ct);
        HasPassword = await db.LocalCredentials.AnyAsync(c => c.PrincipalId == Me.Id, ct);
        Sessions = await signIn.ActiveSessionsAsync(Me.Id, ct);
    }
}
