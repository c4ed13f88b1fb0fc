using Elevate.Core.SignIn;
using Elevate.Core.Tokens;
using Microsoft.AspNetCore.Mvc;

namespace Elevate.Server.Portal.Account;

/// <summary>Personal access tokens for the API and CLI: create (the secret is shown once), see their last use, revoke.</summary>
public sealed class TokensModel(TokenService tokens, SignInPolicy policy, TimeProvider time) : PortalPage
{
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
            var created = await tokens.CreatePersonalAsync(Name, TimeSpan.FromDays(LifetimeDays), Actor, ct);
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
    }
}
