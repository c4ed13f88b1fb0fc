using Elevate.Core.Access;
using Elevate.Core.Common;
using Elevate.Core.Mfa;
using Elevate.Core.Persistence;
using Elevate.Core.Principals;
using Elevate.Core.SignIn;
using Elevate.Core.Tokens;
using Elevate.Server.Hosting;
using Microsoft.AspNetCore.Mvc;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Elevate.Server.Portal.Admin.Directory;

/// <summary>
/// One user, group or service account: its fields and the form to change them, disable or enable it; for a user, a new
/// setup link, a reset of their second factors and the end of their sessions; the groups a user or service account is
/// in; a group's members (add by name, remove); a service account's tokens (the secret shown once, revoke). Every change
/// goes through the same core services as the API, which check the caller's rights.
/// </summary>
public sealed class PrincipalModel(
    DirectoryService directory, TokenService tokens, MfaService mfa, SignInService signIn, Authorizer authorizer, ElevateDbContext db,
    IOptions<ElevateOptions> options, SignInPolicy policy, TimeProvider time) : DirectoryPage(directory)
{
    /// <summary>How many of a member's groups the page lists.</summary>
    public const int GroupsShown = 100;

    private static readonly Dictionary<string, string> Fields = new()
    {
        ["displayName"] = nameof(DisplayName),
        ["email"] = nameof(Email),
        ["managerId"] = nameof(Manager),
        ["clearManager"] = nameof(Manager),
        ["description"] = nameof(Description),
        ["If-Match"] = "",
    };

    [BindProperty(SupportsGet = true)]
    public Guid Id { get; set; }

    [BindProperty]
    public int? Version { get; set; }

    [BindProperty]
    public string? DisplayName { get; set; }

    [BindProperty]
    public string? Email { get; set; }

    [BindProperty]
    public string? Manager { get; set; }

    [BindProperty]
    public string? Description { get; set; }

    [BindProperty]
    public string? MemberName { get; set; }

    [BindProperty]
    public Guid MemberId { get; set; }

    [BindProperty]
    public string? TokenName { get; set; }

    [BindProperty]
    public int LifetimeDays { get; set; } = 90;

    [BindProperty]
    public Guid TokenId { get; set; }

    [BindProperty(SupportsGet = true, Name = "members")]
    public string? MembersCursor { get; set; }

    [BindProperty(SupportsGet = true, Name = "tokens")]
    public string? TokensCursor { get; set; }

    public Principal Target { get; private set; } = null!;

    public Principal? ManagerPrincipal { get; private set; }

    public bool MayManage => authorizer.Can(Actor, Permission.ManageDirectory);

    public IReadOnlyList<Principal> Groups { get; private set; } = [];

    public IReadOnlyList<Principal> Members { get; private set; } = [];

    public string? NextMembers { get; private set; }

    public IReadOnlyList<ApiToken> Tokens { get; private set; } = [];

    public string? NextTokens { get; private set; }

    /// <summary>A setup link just issued; on this answer only.</summary>
    public (string Link, DateTimeOffset ExpiresAt)? NewSetupLink { get; private set; }

    /// <summary>A token secret just issued; on this answer only.</summary>
    public string? NewTokenSecret { get; private set; }

    public DateTimeOffset Now => time.GetUtcNow();

    public async Task<IActionResult> OnGetAsync(CancellationToken ct) => await LoadAsync(fillForm: true, ct) ?? Page();

    public async Task<IActionResult> OnPostSaveAsync(CancellationToken ct)
    {
        if (await LoadTargetAsync(ct) is { } refusal)
        {
            return refusal;
        }

        Guid? managerId = null;
        var clearManager = false;
        if (Target.Kind == PrincipalKind.User)
        {
            if (string.IsNullOrWhiteSpace(Manager))
            {
                clearManager = Target.ManagerId is not null;
            }
            else
            {
                var manager = await FindByNameAsync(Manager, PrincipalKind.User, ct);
                if (!manager.IsSuccess)
                {
                    return Refused(manager.Error);
                }

                if (manager.Value is null)
                {
                    ModelState.AddModelError(nameof(Manager), $"No user is called '{Manager.Trim()}'.");
                    return await LoadAsync(fillForm: false, ct) ?? Page();
                }

                managerId = manager.Value.Id == Target.ManagerId ? null : manager.Value.Id;
            }
        }

        // The core keeps a field it is not given, so emptying one here would change nothing while saying "Saved.".
        void Cleared(string field, string? was, string? now)
        {
            if (!string.IsNullOrWhiteSpace(was) && string.IsNullOrWhiteSpace(now))
            {
                ModelState.AddModelError(field, "This cannot be emptied here; enter the new value.");
            }
        }

        Cleared(nameof(DisplayName), Target.DisplayName, DisplayName);
        Cleared(nameof(Email), Target.Kind == PrincipalKind.User ? Target.Email : null, Email);
        Cleared(nameof(Description), Target.Description, Description);
        if (!ModelState.IsValid)
        {
            return await LoadAsync(fillForm: false, ct) ?? Page();
        }

        var changes = new PrincipalChanges(
            Blank(DisplayName), Target.Kind == PrincipalKind.User ? Blank(Email) : null, managerId, clearManager ? true : null, Blank(Description), null);
        return await UpdateAsync(changes, "Saved.", ct);
    }

    public Task<IActionResult> OnPostDisableAsync(CancellationToken ct) =>
        UpdateAsync(new PrincipalChanges(null, null, null, null, null, false), "Disabled: it can no longer sign in or use tokens, and its active grants ended.", ct, keepVersion: false);

    public Task<IActionResult> OnPostEnableAsync(CancellationToken ct) =>
        UpdateAsync(new PrincipalChanges(null, null, null, null, null, true), "Enabled.", ct, keepVersion: false);

    public async Task<IActionResult> OnPostSetupSecretAsync(CancellationToken ct)
    {
        if (await LoadTargetAsync(ct) is { } refusal)
        {
            return refusal;
        }

        var issued = await tokens.IssueSetupSecretAsync(Id, Actor, ct);
        if (issued.IsSuccess)
        {
            NewSetupLink = (SetupLink(options.Value, issued.Value.Value), issued.Value.Secret.ExpiresAt);
        }
        else if (issued.Error.Kind == ErrorKind.Forbidden)
        {
            return Refused(issued.Error);
        }
        else
        {
            AddErrors(issued.Error);
        }

        return await LoadAsync(fillForm: true, ct) ?? Page();
    }

    public async Task<IActionResult> OnPostResetFactorsAsync(CancellationToken ct)
    {
        var reset = await mfa.ResetAsync(Id, Actor, ct);
        return reset.IsSuccess
            ? Back($"Second factors reset: {reset.Value} removed. They enrol anew at their next sign-in.")
            : await FailedAsync(reset.Error, ct);
    }

    public async Task<IActionResult> OnPostEndSessionsAsync(CancellationToken ct)
    {
        var ended = await signIn.EndSessionsOfAsync(Id, Actor, ct);
        return ended.IsSuccess ? Back($"Signed out everywhere: {ended.Value} session(s) ended.") : await FailedAsync(ended.Error, ct);
    }

    public async Task<IActionResult> OnPostAddMemberAsync(CancellationToken ct)
    {
        if (string.IsNullOrWhiteSpace(MemberName))
        {
            ModelState.AddModelError(nameof(MemberName), "Give the name of a user or service account.");
            return await LoadAsync(fillForm: true, ct) ?? Page();
        }

        var member = await FindByNameAsync(MemberName, null, ct);
        if (!member.IsSuccess)
        {
            return Refused(member.Error);
        }

        if (member.Value is null)
        {
            ModelState.AddModelError(nameof(MemberName), $"No user or service account is called '{MemberName.Trim()}'.");
            return await LoadAsync(fillForm: true, ct) ?? Page();
        }

        var added = await Directory.AddMemberAsync(Id, member.Value.Id, Actor, ct);
        return added.IsSuccess ? Back($"{member.Value.Name} added.") : await FailedAsync(added.Error, ct, memberField: nameof(MemberName));
    }

    public async Task<IActionResult> OnPostRemoveMemberAsync(CancellationToken ct)
    {
        var removed = await Directory.RemoveMemberAsync(Id, MemberId, Actor, ct);
        return removed.IsSuccess ? Back("Member removed; activations made through this group ended.") : await FailedAsync(removed.Error, ct);
    }

    public async Task<IActionResult> OnPostCreateTokenAsync(CancellationToken ct)
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
            var created = await tokens.CreateForServiceAccountAsync(Id, TokenName, TimeSpan.FromDays(LifetimeDays), Actor, ct);
            if (created.IsSuccess)
            {
                NewTokenSecret = created.Value.Secret;
                TokenName = null;
            }
            else if (created.Error.Kind == ErrorKind.Forbidden)
            {
                return Refused(created.Error);
            }
            else
            {
                AddFieldErrors(created.Error, new Dictionary<string, string> { ["name"] = nameof(TokenName), ["expiresIn"] = nameof(LifetimeDays) });
            }
        }

        return await LoadAsync(fillForm: true, ct) ?? Page();
    }

    public async Task<IActionResult> OnPostRevokeAsync(CancellationToken ct)
    {
        var revoked = await tokens.RevokeAsync(TokenId, Actor, ct);
        return revoked.IsSuccess ? Back($"The token \u201c{revoked.Value.Name}\u201d is revoked.") : await FailedAsync(revoked.Error, ct);
    }

    private RedirectToPageResult Back(string notice)
    {
        Notice = notice;
        return RedirectToPage("/Admin/Directory/Principal", new { id = Id });
    }

    private async Task<IActionResult> FailedAsync(ElevateError error, CancellationToken ct, string? memberField = null)
    {
        if (error.Kind == ErrorKind.Forbidden)
        {
            return Refused(error);
        }

        AddFieldErrors(error, new Dictionary<string, string> { ["memberId"] = memberField ?? "", ["enabled"] = "" });
        return await LoadAsync(fillForm: true, ct) ?? Page();
    }

    private async Task<IActionResult> UpdateAsync(PrincipalChanges changes, string notice, CancellationToken ct, bool keepVersion = true)
    {
        var updated = await Directory.UpdateAsync(Id, changes, keepVersion ? Version : null, Actor, ct);
        if (updated.IsSuccess)
        {
            return Back(notice);
        }

        if (updated.Error.Kind is ErrorKind.Forbidden or ErrorKind.NotFound && updated.Error.Field is null or "id")
        {
            return Refused(updated.Error);
        }

        AddFieldErrors(updated.Error, Fields);
        if (updated.Error.Kind == ErrorKind.PreconditionFailed)
        {
            ModelState.AddModelError("", "Someone changed it since you opened the page; the form now shows what is saved. Make your change again.");
            return await LoadAsync(fillForm: true, ct) ?? Page();
        }

        return await LoadAsync(fillForm: false, ct) ?? Page();
    }

    /// <summary>The principal, for readers of the directory only (the core lets anyone read their own).</summary>
    private async Task<IActionResult?> LoadTargetAsync(CancellationToken ct)
    {
        if (authorizer.Require(Actor, Permission.ReadDirectory) is { } denied)
        {
            return Refused(denied);
        }

        var found = await Directory.GetAsync(Id, Actor, ct);
        if (!found.IsSuccess)
        {
            return Refused(found.Error);
        }

        Target = found.Value;
        return null;
    }

    private async Task<IActionResult?> LoadAsync(bool fillForm, CancellationToken ct)
    {
        if (await LoadTargetAsync(ct) is { } refusal)
        {
            return refusal;
        }

        if (Target.ManagerId is { } managerId)
        {
            ManagerPrincipal = await db.Principals.AsNoTracking().FirstOrDefaultAsync(p => p.Id == managerId, ct);
        }

        if (fillForm)
        {
            ModelState.Remove(nameof(Version));
            ModelState.Remove(nameof(DisplayName));
            ModelState.Remove(nameof(Email));
            ModelState.Remove(nameof(Description));
            Version = Target.Version;
            DisplayName = Target.DisplayName;
            Email = Target.Email;
            Description = Target.Description;
            if (!Elevate.Server.Portal.Reviews.FormErrors.Has(ModelState, nameof(Manager)))
            {
                Manager = ManagerPrincipal?.Name;
            }
        }

        if (Target.Kind == PrincipalKind.Group)
        {
            var members = await Directory.MembersAsync(Id, MembersCursor, 50, Actor, ct);
            if (members.IsSuccess)
            {
                Members = members.Value.Items;
                NextMembers = members.Value.NextCursor;
            }
            else
            {
                AddErrors(members.Error);
            }
        }
        else
        {
            // The member index leads; the groups come in name order, a bounded number of them.
            Groups = await (from m in db.GroupMemberships.AsNoTracking()
                            join g in db.Principals.AsNoTracking() on m.GroupId equals g.Id
                            where m.MemberId == Id
                            orderby g.NormalizedName
                            select g).Take(GroupsShown).ToListAsync(ct);
        }

        if (Target.Kind == PrincipalKind.ServiceAccount && MayManage)
        {
            var page = await tokens.ListAsync(Id, TokensCursor, 50, Actor, ct);
            if (page.IsSuccess)
            {
                Tokens = page.Value.Items;
                NextTokens = page.Value.NextCursor;
            }
        }

        return null;
    }

    private static string? Blank(string? value) => string.IsNullOrWhiteSpace(value) ? null : value.Trim();
}
