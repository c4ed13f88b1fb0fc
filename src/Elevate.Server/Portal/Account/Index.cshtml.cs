using Elevate.Core.Notifications;
using Elevate.Core.Persistence;
using Elevate.Core.Principals;
using Elevate.Core.SignIn;
using Microsoft.AspNetCore.Mvc;
using Microsoft.EntityFrameworkCore;

namespace Elevate.Server.Portal.Account;

/// <summary>The account page: who you are, your password, how you hear from Elevate, and where you are signed in.</summary>
public sealed class IndexModel(SignInService signIn, NotificationService notifications, ElevateDbContext db) : PortalPage
{
    [BindProperty]
    public NotificationMode? Mode { get; set; }

    [BindProperty]
    public int? DigestHour { get; set; }

    public PreferenceView Preference { get; private set; } = new(NotificationMode.All, TimeSpan.FromHours(8));

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

    public async Task<IActionResult> OnPostNotificationsAsync(CancellationToken ct)
    {
        var saved = await notifications.SetPreferenceAsync(Mode, DigestHour is { } hour ? TimeSpan.FromHours(hour) : null, Actor, ct);
        if (saved.IsSuccess)
        {
            return Done(saved.Value.Mode switch
            {
                NotificationMode.CriticalOnly => "You will receive only messages that need you or report lost access.",
                NotificationMode.DailyDigest => $"Messages that can wait now come in one e-mail a day at {saved.Value.DigestTime:hh\\:mm} UTC.",
                _ => "You will receive every message as it happens.",
            }, "/Account/Index");
        }

        AddErrors(saved.Error);
        await LoadAsync(ct);
        return Page();
    }

    private async Task LoadAsync(CancellationToken ct)
    {
        Preference = await notifications.GetPreferenceAsync(Actor, ct);
        Me = await db.Principals.AsNoTracking().FirstAsync(p => p.Id == Session.PrincipalId, ct);
        HasPassword = await db.LocalCredentials.AnyAsync(c => c.PrincipalId == Me.Id, ct);
        Sessions = await signIn.ActiveSessionsAsync(Me.Id, ct);
    }
}
