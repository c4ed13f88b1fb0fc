using Elevate.Core.Access;
using Elevate.Core.Audit;
using Elevate.Core.Common;
using Elevate.Core.Persistence;
using Elevate.Core.Principals;
using Microsoft.EntityFrameworkCore;

namespace Elevate.Core.Tokens;

/// <summary>A token just created, with the secret that is shown this once.</summary>
public sealed record IssuedToken(ApiToken Token, string Secret);

/// <summary>Who a bearer token speaks for.</summary>
public sealed record Authenticated(Guid PrincipalId, string Name, PrincipalKind Kind, Guid TokenId);

/// <summary>Personal access tokens, service-account tokens and one-time setup secrets.</summary>
public sealed class TokenService(ChangeSets changes, AccessIndex index, Authorizer authorizer, TokenUseLog uses, TimeProvider time)
{
    public static readonly TimeSpan DefaultLifetime = TimeSpan.FromDays(90);
    public static readonly TimeSpan MaxLifetime = TimeSpan.FromDays(366);
    public static readonly TimeSpan SetupSecretLifetime = TimeSpan.FromHours(24);

    /// <summary>How often a token's last use is written, at most; reads must not become writes.</summary>
    public static readonly TimeSpan UseRecordInterval = TimeSpan.FromMinutes(1);

    /// <summary>
    /// Resolves a bearer secret from memory (no database read): the token must be known, unexpired and unrevoked,
    /// and its principal enabled.
    /// </summary>
    public Authenticated? Authenticate(string secret)
    {
        if (!secret.StartsWith(Secrets.TokenPrefix, StringComparison.Ordinal) || secret.Length > 100)
        {
            return null;
        }

        var token = index.FindToken(Secrets.Hash(secret));
        if (token is null || token.ExpiresAt <= time.GetUtcNow())
        {
            return null;
        }

        var principal = index.FindPrincipal(token.PrincipalId);
        return principal is { Enabled: true, Kind: not PrincipalKind.Group }
            ? new Authenticated(principal.Id, principal.Name, principal.Kind, token.Id)
            : null;
    }

    /// <summary>
    /// Records that a token was used. The first use, and any use from a new address, is audited at once: that is how
    /// a stolen token shows up in the trail. Otherwise the last use is written in the background, at most once a
    /// minute per token.
    /// </summary>
    public async Task RecordUseAsync(Authenticated caller, string? clientAddress, string? correlationId, CancellationToken ct)
    {
        var now = time.UtcNow();
        if (uses.Decide(caller.TokenId, now, clientAddress, UseRecordInterval) == TokenUseDecision.Nothing)
        {
            return;
        }

        var row = await changes.Db.Tokens.AsNoTracking().Where(t => t.Id == caller.TokenId)
            .Select(t => new { t.LastUsedAt, t.LastUsedFrom }).FirstOrDefaultAsync(ct);
        if (row is null)
        {
            return;
        }

        if (row.LastUsedAt is not null && row.LastUsedFrom == clientAddress)
        {
            uses.Touch(caller.TokenId, now);
            return;
        }

        await using var cs = await changes.BeginAsync(new Actor(caller.PrincipalId, caller.Name, caller.TokenId, clientAddress, correlationId), ct);
        var token = await cs.Db.Tokens.FirstAsync(t => t.Id == caller.TokenId, ct);
        var firstUse = token.LastUsedAt is null;
        var previousAddress = token.LastUsedFrom;
        token.LastUsedAt = cs.Now;
        token.LastUsedFrom = clientAddress;
        cs.Audit(new AuditRecord("token.used")
        {
            PrincipalId = caller.PrincipalId,
            PrincipalName = caller.Name,
            Details = AuditDetails.Of(new { tokenId = token.Id, tokenName = token.Name, firstUse, previousAddress }),
        });
        await cs.CommitAsync(ct);
    }

    public async Task<Result<IssuedToken>> CreatePersonalAsync(string? name, TimeSpan? lifetime, Actor actor, CancellationToken ct)
    {
        var me = index.FindPrincipal(actor.PrincipalId!.Value);
        if (me?.Kind != PrincipalKind.User)
        {
            return ElevateError.Forbidden("Personal access tokens are for users; an administrator issues service-account tokens.");
        }

        return await CreateAsync(me.Id, me.Name, name, lifetime, actor, ct);
    }

    public async Task<Result<IssuedToken>> CreateForServiceAccountAsync(Guid serviceAccountId, string? name, TimeSpan? lifetime, Actor actor, CancellationToken ct)
    {
        if (authorizer.Require(actor, Permission.ManageDirectory) is { } denied)
        {
            return denied;
        }

        var account = await changes.Db.Principals.AsNoTracking().FirstOrDefaultAsync(p => p.Id == serviceAccountId, ct);
        if (account is not { Kind: PrincipalKind.ServiceAccount })
        {
            return ElevateError.NotFound(ErrorCodes.PrincipalNotFound, "id", "No service account has this id.");
        }

        return await CreateAsync(account.Id, account.Name, name, lifetime, actor, ct);
    }

    /// <summary>A principal's tokens, newest first, a page at a time: one's own, or anyone's for directory managers.</summary>
    public async Task<Result<Page<ApiToken>>> ListAsync(Guid principalId, string? cursor, int? limit, Actor actor, CancellationToken ct)
    {
        var size = Cursor.Limit(limit);
        var after = Cursor.DecodeTimeAndId(cursor);
        if (!size.IsSuccess || !after.IsSuccess)
        {
            return size.Error ?? after.Error!;
        }

        if (principalId != actor.PrincipalId)
        {
            if (authorizer.Require(actor, Permission.ManageDirectory) is { } denied)
            {
                return denied;
            }

            // Someone else's credentials are sensitive even as metadata: the read is audited.
            await using var cs = await changes.BeginAsync(actor, ct);
            cs.Audit(new AuditRecord("tokens.read") { PrincipalId = principalId, Details = AuditDetails.Of(new { principalId }) });
            var committed = await cs.CommitAsync(ct);
            if (!committed.IsSuccess)
            {
                return committed.Error;
            }
        }

        var query = changes.Db.Tokens.AsNoTracking().Where(t => t.PrincipalId == principalId);
        if (after.Value is { } position)
        {
            query = query.Where(t => t.CreatedAt < position.At || (t.CreatedAt == position.At && t.Id.CompareTo(position.Id) < 0));
        }

        var items = await query.OrderByDescending(t => t.CreatedAt).ThenByDescending(t => t.Id).Take(size.Value + 1).ToListAsync(ct);
        var next = items.Count > size.Value ? Cursor.Encode(items[size.Value - 1].CreatedAt, items[size.Value - 1].Id) : null;
        return new Page<ApiToken>(items.Take(size.Value).ToList(), next);
    }

    public async Task<Result<ApiToken>> RevokeAsync(Guid tokenId, Actor actor, CancellationToken ct)
    {
        await using var cs = await changes.BeginAsync(actor, ct);
        var token = await cs.Db.Tokens.FirstOrDefaultAsync(t => t.Id == tokenId, ct);
        if (token is null || (token.PrincipalId != actor.PrincipalId && !authorizer.Can(actor, Permission.ManageDirectory)))
        {
            return ElevateError.NotFound(ErrorCodes.TokenNotFound, "id", "No such token.");
        }

        if (token.RevokedAt is null)
        {
            token.RevokedAt = cs.Now;
            token.RevokedById = actor.PrincipalId;
            cs.Audit(new AuditRecord("token.revoked")
            {
                PrincipalId = token.PrincipalId,
                Details = AuditDetails.Of(new { tokenId = token.Id, tokenName = token.Name }),
            });
            var committed = await cs.CommitAsync(ct);
            if (!committed.IsSuccess)
            {
                return committed.Error;
            }
        }

        return token;
    }

    /// <summary>An administrator issues a one-time setup secret for a user who has no way to sign in yet.</summary>
    public async Task<Result<(SetupSecret Secret, string Value)>> IssueSetupSecretAsync(Guid userId, Actor actor, CancellationToken ct)
    {
        if (authorizer.Require(actor, Permission.ManageDirectory) is { } denied)
        {
            return denied;
        }

        await using var cs = await changes.BeginAsync(actor, ct);
        var user = await cs.Db.Principals.AsNoTracking().FirstOrDefaultAsync(p => p.Id == userId, ct);
        if (user is not { Kind: PrincipalKind.User })
        {
            return ElevateError.NotFound(ErrorCodes.PrincipalNotFound, "id", "No user has this id.");
        }

        if (!user.Enabled)
        {
            return ElevateError.Rule(ErrorCodes.PrincipalDisabled, $"{user.Name} is disabled.", "id");
        }

        var (secret, value) = await AddSetupSecretAsync(cs, user, ct);
        var committed = await cs.CommitAsync(ct);
        return committed.IsSuccess ? (secret, value) : committed.Error;
    }

    /// <summary>
    /// Adds a fresh setup secret for <paramref name="user"/> to <paramref name="cs"/>; earlier unredeemed ones stop
    /// working, so only the newest secret handed out is usable.
    /// </summary>
    public static async Task<(SetupSecret Secret, string Value)> AddSetupSecretAsync(ChangeSet cs, Principal user, CancellationToken ct)
    {
        await cs.Db.SetupSecrets
            .Where(s => s.PrincipalId == user.Id && s.RedeemedAt == null && s.ExpiresAt > cs.Now)
            .ExecuteUpdateAsync(s => s.SetProperty(x => x.ExpiresAt, cs.Now), ct);
        var value = Secrets.NewSetupSecret();
        var secret = new SetupSecret
        {
            Id = Ids.New(cs.Now),
            PrincipalId = user.Id,
            SecretHash = Secrets.Hash(value),
            CreatedAt = cs.Now,
            CreatedById = cs.Actor.PrincipalId,
            ExpiresAt = cs.Now + SetupSecretLifetime,
        };
        cs.Db.SetupSecrets.Add(secret);
        cs.Audit(new AuditRecord("setup_secret.issued")
        {
            PrincipalId = user.Id,
            PrincipalName = user.Name,
            Details = AuditDetails.Of(new { secretId = secret.Id, secret.ExpiresAt }),
        });
        return (secret, value);
    }

    /// <summary>Exchanges a setup secret for a personal access token. Works once; a wrong secret says nothing more.</summary>
    public async Task<Result<IssuedToken>> RedeemSetupSecretAsync(string? value, string? tokenName, string? clientAddress, string? correlationId, CancellationToken ct)
    {
        if (TextRules.Check(tokenName, "tokenName", TextRules.NameMaxLength, required: false) is { } nameError)
        {
            return nameError;
        }

        var invalid = new ElevateError(ErrorCodes.SetupSecretInvalid, ErrorKind.Forbidden, "The setup secret is wrong, used or expired.", "secret");
        if (value is null || !value.StartsWith(Secrets.SetupPrefix, StringComparison.Ordinal) || value.Length > 100)
        {
            return invalid;
        }

        var hash = Secrets.Hash(value);
        var secret = await changes.Db.SetupSecrets.AsNoTracking().FirstOrDefaultAsync(s => s.SecretHash == hash, ct);
        var user = secret is null ? null : await changes.Db.Principals.AsNoTracking().FirstOrDefaultAsync(p => p.Id == secret.PrincipalId, ct);
        if (secret is null || user is null)
        {
            return invalid;
        }

        var actor = new Actor(user.Id, user.Name, null, clientAddress, correlationId);
        await using var cs = await changes.BeginAsync(actor, ct);
        var tracked = await cs.Db.SetupSecrets.FirstAsync(s => s.Id == secret.Id, ct);
        if (tracked.RedeemedAt is not null || tracked.ExpiresAt <= cs.Now || !user.Enabled)
        {
            return invalid;
        }

        var issued = AddToken(cs, user.Id, user.Name, tokenName ?? "setup", DefaultLifetime);
        tracked.RedeemedAt = cs.Now;
        tracked.RedeemedTokenId = issued.Token.Id;
        cs.Audit(new AuditRecord("setup_secret.redeemed")
        {
            PrincipalId = user.Id,
            PrincipalName = user.Name,
            Details = AuditDetails.Of(new { secretId = tracked.Id, tokenId = issued.Token.Id }),
        });
        var committed = await cs.CommitAsync(ct);
        return committed.IsSuccess ? issued : committed.Error;
    }

    private async Task<Result<IssuedToken>> CreateAsync(Guid principalId, string principalName, string? name, TimeSpan? lifetime, Actor actor, CancellationToken ct)
    {
        if (TextRules.Check(name, "name", TextRules.NameMaxLength, required: true) is { } nameError)
        {
            return nameError;
        }

        var life = lifetime ?? DefaultLifetime;
        if (life < TimeSpan.FromMinutes(5) || life > MaxLifetime)
        {
            return ElevateError.Validation(ErrorCodes.InvalidDuration, "expiresIn", "Tokens live between PT5M and P366D.");
        }

        await using var cs = await changes.BeginAsync(actor, ct);
        var issued = AddToken(cs, principalId, principalName, name!, life);
        var committed = await cs.CommitAsync(ct);
        return committed.IsSuccess ? issued : committed.Error;
    }

    private static IssuedToken AddToken(ChangeSet cs, Guid principalId, string principalName, string name, TimeSpan lifetime)
    {
        var secret = Secrets.NewToken();
        var token = new ApiToken
        {
            Id = Ids.New(cs.Now),
            PrincipalId = principalId,
            Name = name,
            Prefix = secret[..Secrets.PrefixShown],
            SecretHash = Secrets.Hash(secret),
            CreatedAt = cs.Now,
            CreatedById = cs.Actor.PrincipalId,
            ExpiresAt = cs.Now + lifetime,
        };
        cs.Db.Tokens.Add(token);
        cs.Audit(new AuditRecord("token.created")
        {
            PrincipalId = principalId,
            PrincipalName = principalName,
            Details = AuditDetails.Of(new { tokenId = token.Id, tokenName = token.Name, token.Prefix, token.ExpiresAt }),
        });
        return new IssuedToken(token, secret);
    }
}
