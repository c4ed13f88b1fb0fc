using Elevate.Core.Access;
using Elevate.Core.Principals;
using Elevate.Core.Tokens;
using Elevate.Server.Hosting;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Options;

namespace Elevate.Server.Portal.Admin.Directory;

/// <summary>
/// The directory for those who may read it: users, groups and service accounts found by the start of their name (the
/// indexed name, so it stays quick with a hundred thousand users), one kind or all, a page at a time; and, for those who
/// manage it, the form for a new one. A new user gets a one-time setup link at once, shown on this answer only.
/// </summary>
public sealed class IndexModel(DirectoryService directory, TokenService tokens, Authorizer authorizer, IOptions<ElevateOptions> options) : DirectoryPage(directory)
{
    private static readonly Dictionary<string, string> Fields = new()
    {
        ["name"] = nameof(Name),
        ["displayName"] = nameof(DisplayName),
        ["email"] = nameof(Email),
        ["managerId"] = nameof(Manager),
        ["description"] = nameof(Description),
    };

    /// <summary>The start of the name to look for.</summary>
    [BindProperty(SupportsGet = true, Name = "q")]
    public string? Search { get; set; }

    /// <summary>user, group or service-account; empty for every kind.</summary>
    [BindProperty(SupportsGet = true, Name = "kind")]
    public string? KindFilter { get; set; }

    [BindProperty(SupportsGet = true, Name = "cursor")]
    public string? Cursor { get; set; }

    [BindProperty(SupportsGet = true, Name = "limit")]
    public int? Limit { get; set; }

    [BindProperty]
    public string? NewKind { get; set; } = "user";

    [BindProperty]
    public string? Name { get; set; }

    [BindProperty]
    public string? DisplayName { get; set; }

    [BindProperty]
    public string? Email { get; set; }

    /// <summary>The manager's user name.</summary>
    [BindProperty]
    public string? Manager { get; set; }

    [BindProperty]
    public string? Description { get; set; }

    public IReadOnlyList<Principal> Principals { get; private set; } = [];

    public string? NextCursor { get; private set; }

    public bool MayManage => authorizer.Can(Actor, Permission.ManageDirectory);

    /// <summary>The principal just created and, for a user, the setup link; on this answer only.</summary>
    public (Principal Principal, string? Link, DateTimeOffset? ExpiresAt)? Created { get; private set; }

    /// <summary>The filter as query parameters (cursor aside), for the paging links.</summary>
    public string FilterQuery
    {
        get
        {
            var parts = new List<string>();
            if (!string.IsNullOrWhiteSpace(Search))
            {
                parts.Add("q=" + Uri.EscapeDataString(Search.Trim()));
            }

            if (ReadKind(KindFilter) is { } kind)
            {
                parts.Add("kind=" + KindValue(kind));
            }

            if (Limit is { } limit)
            {
                parts.Add("limit=" + limit);
            }

            return string.Join('&', parts);
        }
    }

    public async Task<IActionResult> OnGetAsync(CancellationToken ct) => await LoadAsync(ct) ?? Page();

    public async Task<IActionResult> OnPostCreateAsync(CancellationToken ct)
    {
        if (ReadKind(NewKind) is not { } kind)
        {
            ModelState.AddModelError(nameof(NewKind), "Choose a user, a group or a service account.");
            return await LoadAsync(ct) ?? Page();
        }

        Guid? managerId = null;
        if (kind == PrincipalKind.User && !string.IsNullOrWhiteSpace(Manager))
        {
            var manager = await FindByNameAsync(Manager, PrincipalKind.User, ct);
            if (!manager.IsSuccess)
            {
                return Refused(manager.Error);
            }

            if (manager.Value is null)
            {
                ModelState.AddModelError(nameof(Manager), $"No user is called '{Manager.Trim()}'.");
                return await LoadAsync(ct) ?? Page();
            }

            managerId = manager.Value.Id;
        }

        var input = new NewPrincipal(Blank(Name), Blank(DisplayName), kind == PrincipalKind.User ? Blank(Email) : null, managerId, Blank(Description));
        var created = await Directory.CreateAsync(kind, input, Actor, ct);
        if (!created.IsSuccess)
        {
            if (created.Error.Kind == Elevate.Core.Common.ErrorKind.Forbidden)
            {
                return Refused(created.Error);
            }

            AddFieldErrors(created.Error, Fields);
            return await LoadAsync(ct) ?? Page();
        }

        var principal = created.Value;
        string? link = null;
        DateTimeOffset? expires = null;
        if (kind == PrincipalKind.User)
        {
            var secret = await tokens.IssueSetupSecretAsync(principal.Id, Actor, ct);
            if (secret.IsSuccess)
            {
                link = SetupLink(options.Value, secret.Value.Value);
                expires = secret.Value.Secret.ExpiresAt;
            }
            else
            {
                AddErrors(secret.Error);
            }
        }

        Created = (principal, link, expires);
        Name = DisplayName = Email = Manager = Description = null;
        ModelState.Clear();
        return await LoadAsync(ct) ?? Page();
    }

    private async Task<IActionResult?> LoadAsync(CancellationToken ct)
    {
        var filter = new DirectoryService.ListFilter(ReadKind(KindFilter), Blank(Search), null, Cursor, Limit);
        var page = await Directory.ListAsync(filter, Actor, ct);
        if (!page.IsSuccess)
        {
            if (page.Error.Kind == Elevate.Core.Common.ErrorKind.Forbidden)
            {
                return Refused(page.Error);
            }

            AddErrors(page.Error);
            return null;
        }

        Principals = page.Value.Items;
        NextCursor = page.Value.NextCursor;
        return null;
    }

    private static string? Blank(string? value) => string.IsNullOrWhiteSpace(value) ? null : value.Trim();
}
