using Elevate.Core.Common;
using Elevate.Core.Principals;
using Elevate.Server.Hosting;
using Microsoft.AspNetCore.Mvc;

namespace Elevate.Server.Portal.Admin.Directory;

/// <summary>
/// What the directory pages share: the words for a principal's kind, core errors placed next to the form field they
/// name (the core names API fields, the forms have their own), and names resolved to principals the way people type them.
/// </summary>
public abstract class DirectoryPage(DirectoryService directory) : PortalPage
{
    protected DirectoryService Directory => directory;

    /// <summary>The kind as it appears in URLs: user, group, service-account.</summary>
    public static string KindValue(PrincipalKind kind) => kind switch
    {
        PrincipalKind.User => "user",
        PrincipalKind.Group => "group",
        PrincipalKind.ServiceAccount => "service-account",
    };

    public static string KindLabel(PrincipalKind kind) => kind switch
    {
        PrincipalKind.User => "User",
        PrincipalKind.Group => "Group",
        PrincipalKind.ServiceAccount => "Service account",
    };

    public static PrincipalKind? ReadKind(string? value) => value?.Trim().ToLowerInvariant() switch
    {
        "user" or "users" => PrincipalKind.User,
        "group" or "groups" => PrincipalKind.Group,
        "service-account" or "service-accounts" or "serviceaccount" => PrincipalKind.ServiceAccount,
        _ => null,
    };

    public static string Time(DateTimeOffset? at) => Elevate.Server.Portal.Reviews.ReviewText.Time(at);

    /// <summary>Places each error of <paramref name="error"/> on the form key its API field maps to (the page when none does).</summary>
    protected void AddFieldErrors(ElevateError error, IReadOnlyDictionary<string, string> fields)
    {
        foreach (var e in error.Others.Prepend(error))
        {
            ModelState.AddModelError(e.Field is { } field && fields.TryGetValue(field, out var key) ? key : "", e.Message);
        }
    }

    /// <summary>A refusal from the core as the portal shows it: the not-allowed or no-such-page status page.</summary>
    protected StatusCodeResult Refused(ElevateError error) =>
        StatusCode(error.Kind == ErrorKind.NotFound ? StatusCodes.Status404NotFound : StatusCodes.Status403Forbidden);

    /// <summary>The principal called exactly <paramref name="name"/> (any case), of <paramref name="kind"/> when given; one indexed lookup.</summary>
    protected async Task<Result<Principal?>> FindByNameAsync(string name, PrincipalKind? kind, CancellationToken ct)
    {
        var page = await directory.ListAsync(new DirectoryService.ListFilter(kind, name.Trim(), null, null, 1), Actor, ct);
        if (!page.IsSuccess)
        {
            return page.Error;
        }

        var found = page.Value.Items.Count > 0 ? page.Value.Items[0] : null;
        return found is not null && found.NormalizedName == Principal.Normalize(name.Trim()) ? found : (Principal?)null;
    }

    /// <summary>
    /// The portal link a setup secret is used with. The secret goes after '#', which browsers never send to a server,
    /// so it lands in no access log (the same link the API's setup-secret answer gives).
    /// </summary>
    protected string SetupLink(ElevateOptions options, string secret)
    {
        var origin = options.PublicUrl is { Length: > 0 } url ? url.TrimEnd('/') : $"{Request.Scheme}://{Request.Host}";
        return $"{origin}/setup#{secret}";
    }
}
