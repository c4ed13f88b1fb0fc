using Elevate.Core.Audit;
using Elevate.Core.Common;
using Elevate.Core.Persistence;
using Elevate.Core.Principals;
using Microsoft.EntityFrameworkCore;

namespace Elevate.Core.SignIn;

/// <summary>Who an OpenID Connect provider says signed in: its subject and the profile claims Elevate uses.</summary>
public sealed record ExternalIdentity(string Provider, string Subject, string? UserName, string? Email, string? DisplayName, IReadOnlyList<string>? Groups);

/// <summary>How one provider's users become Elevate users.</summary>
public sealed record ExternalProviderPolicy(bool CreateUsers, ExternalMatch MatchExisting, bool SyncGroups);

/// <summary>How a first sign-in through a provider finds an existing Elevate user (there is no link yet).</summary>
public enum ExternalMatch
{
    /// <summary>Never: only users created by (or already linked to) this provider sign in through it.</summary>
    None,

    /// <summary>The provider's preferred_username equals an Elevate user name.</summary>
    UserName,

    /// <summary>The provider's (verified) e-mail equals an Elevate user's e-mail.</summary>
    Email,
}

/// <summary>
/// Turns a provider's identity into an Elevate user: by the link made at the first sign-in (provider + subject, which
/// never changes, unlike names and e-mails), else by the configured match, else by creating the user when allowed.
/// Profile claims refresh e-mail and display name; with group sync on, the groups claim decides the memberships this
/// provider added, and never touches those an administrator made.
/// </summary>
public sealed class ExternalSignIn(ChangeSets changes)
{
    public async Task<Result<Guid>> ResolveAsync(ExternalIdentity identity, ExternalProviderPolicy policy, ClientInfo client, CancellationToken ct)
    {
        if (string.IsNullOrWhiteSpace(identity.Subject) || identity.Subject.Length > 255)
        {
            return ElevateError.Forbidden("The identity provider sent no usable subject.");
        }

        await using var cs = await changes.BeginAsync(new Actor(null, $"oidc:{identity.Provider}", null, client.Address, client.CorrelationId), ct);
        var link = await cs.Db.ExternalLogins.FirstOrDefaultAsync(l => l.Provider == identity.Provider && l.Subject == identity.Subject, ct);
        Principal? user;
        if (link is not null)
        {
            user = await cs.Db.Principals.FirstAsync(p => p.Id == link.PrincipalId, ct);
            link.LastSignInAt = cs.Now;
        }
        else
        {
            user = await MatchAsync(cs, identity, policy.MatchExisting, ct);
            if (user is null && policy.CreateUsers)
            {
                var created = CreateUser(cs, identity, await cs.Db.Principals.AnyAsync(p => p.NormalizedName == Principal.Normalize(NameFor(identity) ?? ""), ct));
                if (!created.IsSuccess)
                {
                    return await RefuseAsync(cs, identity, created.Error.Message);
                }

                user = created.Value;
            }

            if (user is null)
            {
                return await RefuseAsync(cs, identity, "No Elevate user is linked to this account; ask an administrator to create one.");
            }

            cs.Db.ExternalLogins.Add(new ExternalLogin { Provider = identity.Provider, Subject = identity.Subject, PrincipalId = user.Id, CreatedAt = cs.Now, LastSignInAt = cs.Now });
            cs.Audit(new AuditRecord("external_login.linked") { PrincipalId = user.Id, PrincipalName = user.Name, Details = AuditDetails.Of(new { provider = identity.Provider, subject = identity.Subject }) });
        }

        if (!user.Enabled)
        {
            return await RefuseAsync(cs, identity, "This account is disabled in Elevate.", user);
        }

        RefreshProfile(cs, user, identity);
        if (policy.SyncGroups && identity.Groups is not null)
        {
            await SyncGroupsAsync(cs, user, identity, ct);
        }

        var committed = await cs.CommitAsync(ct);
        return committed.IsSuccess ? user.Id : committed.Error;
    }

    private static async Task<Principal?> MatchAsync(ChangeSet cs, ExternalIdentity identity, ExternalMatch match, CancellationToken ct)
    {
        var candidate = match switch
        {
            ExternalMatch.None => null,
            ExternalMatch.UserName when identity.UserName is { Length: > 0 } name =>
                await cs.Db.Principals.FirstOrDefaultAsync(p => p.NormalizedName == Principal.Normalize(name) && p.Kind == PrincipalKind.User, ct),
#pragma warning disable CA1862 // Translated to SQL lower(); string.Equals with a comparison is not.
            ExternalMatch.Email when identity.Email is { Length: > 0 } email =>
                await cs.Db.Principals.FirstOrDefaultAsync(p => p.Email != null && p.Email.ToLower() == email.ToLowerInvariant() && p.Kind == PrincipalKind.User, ct),
#pragma warning restore CA1862
            _ => null,
        };

        // A user already linked to another account at this provider is not taken over by a second one.
        return candidate is not null && await cs.Db.ExternalLogins.AnyAsync(l => l.Provider == identity.Provider && l.PrincipalId == candidate.Id, ct)
            ? null
            : candidate;
    }

    private static Result<Principal> CreateUser(ChangeSet cs, ExternalIdentity identity, bool nameTaken)
    {
        var name = NameFor(identity);
        if (name is null)
        {
            return ElevateError.Forbidden("The identity provider sent no user name or e-mail that Elevate can use as a user name.");
        }

        if (nameTaken)
        {
            return ElevateError.Forbidden($"An Elevate principal is already called '{name}' and is not linked to this account; ask an administrator.");
        }

        var user = new Principal
        {
            Id = Ids.New(cs.Now),
            Kind = PrincipalKind.User,
            Name = name,
            NormalizedName = Principal.Normalize(name),
            DisplayName = Clean(identity.DisplayName, 200) ?? name,
            Email = ValidEmail(identity.Email),
            CreatedAt = cs.Now,
        };
        cs.Db.Principals.Add(user);
        cs.Audit(new AuditRecord("user.created") { PrincipalId = user.Id, PrincipalName = user.Name, Details = AuditDetails.Of(new { source = $"oidc:{identity.Provider}", user.DisplayName, user.Email }) });
        return user;
    }

    private static void RefreshProfile(ChangeSet cs, Principal user, ExternalIdentity identity)
    {
        var email = ValidEmail(identity.Email) ?? user.Email;
        var display = Clean(identity.DisplayName, 200) ?? user.DisplayName;
        if (email == user.Email && display == user.DisplayName)
        {
            return;
        }

        var before = new { user.Email, user.DisplayName };
        user.Email = email;
        user.DisplayName = display;
        cs.Audit(new AuditRecord("user.updated") { PrincipalId = user.Id, PrincipalName = user.Name, Details = AuditDetails.Of(new { source = $"oidc:{identity.Provider}", before, after = new { email, displayName = display } }) });
    }

    private static async Task SyncGroupsAsync(ChangeSet cs, Principal user, ExternalIdentity identity, CancellationToken ct)
    {
        var source = $"oidc:{identity.Provider}";
        var claimed = identity.Groups!.Where(g => g.Length is > 0 and <= 100).Select(Principal.Normalize).Distinct().ToList();
        var wanted = await cs.Db.Principals.Where(p => p.Kind == PrincipalKind.Group && p.Enabled && claimed.Contains(p.NormalizedName)).ToListAsync(ct);
        var current = await cs.Db.GroupMemberships.Where(m => m.MemberId == user.Id).ToListAsync(ct);
        foreach (var group in wanted.Where(g => current.All(m => m.GroupId != g.Id)))
        {
            DirectoryService.AddMembership(cs, group, user, source);
        }

        foreach (var stale in current.Where(m => m.Source == source && wanted.All(g => g.Id != m.GroupId)))
        {
            var group = await cs.Db.Principals.FirstAsync(p => p.Id == stale.GroupId, ct);
            if (await DirectoryService.RemoveMembershipAsync(cs, group, user, stale, ct) is not null)
            {
                // The last permanent administrator keeps the membership; the trail says why it was not removed.
                cs.Audit(new AuditRecord("group.member_kept") { PrincipalId = group.Id, PrincipalName = group.Name, Details = AuditDetails.Of(new { memberId = user.Id, reason = "last_administrator", source }) });
            }
        }
    }

    private static async Task<Result<Guid>> RefuseAsync(ChangeSet cs, ExternalIdentity identity, string message, Principal? user = null)
    {
        cs.Audit(new AuditRecord("signin.failed")
        {
            Outcome = AuditOutcome.Rejected,
            PrincipalId = user?.Id,
            PrincipalName = user?.Name,
            Details = AuditDetails.Of(new { reason = user is null ? "no_linked_user" : "disabled", provider = identity.Provider, subject = identity.Subject }),
        });
        var committed = await cs.CommitAsync(default);
        return committed.IsSuccess ? ElevateError.Forbidden(message) : committed.Error;
    }

    private static string? NameFor(ExternalIdentity identity) =>
        new[] { identity.UserName, identity.Email }.FirstOrDefault(PrincipalInput.IsValidName);

    private static string? ValidEmail(string? email) =>
        email is { Length: > 2 and <= 254 } && email.Contains('@', StringComparison.Ordinal) && TextRules.Check(email, "email", 254, required: true) is null ? email : null;

    private static string? Clean(string? text, int max) =>
        text is { Length: > 0 } && text.Length <= max && TextRules.Check(text, "displayName", max, required: true) is null ? text : null;
}
