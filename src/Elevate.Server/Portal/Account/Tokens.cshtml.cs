using Elevate.Core.Access;
using Elevate.Core.Persistence;
using Elevate.Core.Principals;
using Elevate.Core.SignIn;
using Elevate.Core.Tokens;
using Microsoft.AspNetCore.Mvc;
using Microsoft.EntityFrameworkCore;

namespace Elevate.Server.Portal.Account;

/// <summary>
/// Tokens for the API and CLI: your personal ones, and, for directory administrators, those of service accounts.
/// Create (the secret is shown once), see the last use, revoke.
/// </summary>
public sealed class TokensModel(TokenService tokens, Authorizer authorizer, ElevateDbContext db, SignInPolicy policy, TimeProvider time) : PortalPage
{
    [BindProperty]
    public Guid? ServiceAccountId { get; set; }

    public sealed record ServiceAccountTokens(Principal Account, IReadOnlyList<ApiToken> Tokens);

    /// <summary>Service accounts and their tokens, when the signed-in user administers the directory.</summary>
    public IReadOnlyList<ServiceAccountTokens>? ServiceAccounts { get; private set; }

    [BindProperty]
    public string? Name { get; set; }

    [BindProperty]
    public int LifetimeDays { get; set; } = 90;

    [BindProperty]
    public Guid TokenId { get; set; }

    [BindProperty(SupportsGet = true)]
    public string? Cursor { get; set; }

    public IReadOnlyList<ApiToken> Tokens { get; private set; } = [];

    public string? NextCursor { get; private set; }

    /// <summary>The secret of the token just created; on this response only.</summary>
    public string? NewSecret { get; private set; }

    public DateTimeOffset Now => time.GetUtcNow();

    public Task OnGetAsync(CancellationToken ct) => LoadAsync(ct);

    public async Task<IActionResult> OnPostCreateAsync(CancellationToken ct)
    {
        if (!SignedInRecently(policy, time))
        {
            ModelState.AddModelError("", "Creating a token needs a recent sign-in. Sign out, sign in again, and come back.");
        }
        else if (LifetimeDays is < 1 or > 366)
        {
            ModelState.AddModelError(nameof(LifetimeDays), "A token lives between 1 and 366 days.");
        }
        else
        {
            var lifetime = TimeSpan.FromDays(LifetimeDays);
            var created = ServiceAccountId is { } account
                ? await tokens.CreateForServiceAccountAsync(account, Name, lifetime, Actor, ct)
                : await tokens.CreatePersonalAsync(Name, lifetime, Actor, ct);
            if (created.IsSuccess)
            {
                NewSecret = created.Value.Secret;
                Name = null;
            }
            else
            {
                AddErrors(created.Error);
            }
        }

        await LoadAsync(ct);
        return Page();
    }

    public async Task<IActionResult> OnPostRevokeAsync(CancellationToken ct)
    {
        var revoked = await tokens.RevokeAsync(TokenId, Actor, ct);
        if (revoked.IsSuccess)
        {
            return Done($"The token \u201c{revoked.Value.Name}\u201d is revoked.", "/Account/Tokens");
        }

        AddErrors(revoked.Error);
        await LoadAsync(ct);
        return Page();
    }

    private async Task LoadAsync(CancellationToken ct)
    {
        var page = await tokens.ListAsync(Session.PrincipalId, Cursor, 50, Actor, ct);
        if (page.IsSuccess)
        {
            Tokens = page.Value.Items;
            NextCursor = page.Value.NextCursor;
        }

        if (authorizer.Can(Actor, Permission.ManageDirectory))
        {
            var accounts = await db.Principals.AsNoTracking().Where(p => p.Kind == PrincipalKind.ServiceAccount).OrderBy(p => p.NormalizedName).Take(100).ToListAsync(ct);
            var ids = accounts.Select(a => a.Id).ToList();
            var all = await db.Tokens.AsNoTracking().Where(t => ids.Contains(t.PrincipalId)).OrderByDescending(t => t.CreatedAt).Take(1000).ToListAsync(ct);
            ServiceAccounts = accounts.Select(a => new ServiceAccountTokens(a, all.Where(t => t.PrincipalId == a.Id).ToList())).ToList();
        }
    }
}
