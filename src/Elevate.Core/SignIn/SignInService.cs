using Elevate.Core.Audit;
using Elevate.Core.Common;
using Elevate.Core.Mfa;
using Elevate.Core.Persistence;
using Elevate.Core.Principals;
using Elevate.Core.Tokens;
using Microsoft.EntityFrameworkCore;

namespace Elevate.Core.SignIn;

/// <summary>Where an interactive sign-in comes from; recorded on its audit events and its session.</summary>
public sealed record ClientInfo(string? Address, string? UserAgent, string? CorrelationId);

/// <summary>The password was right; <see cref="Factors"/> says which second factors the user may now present.</summary>
public sealed record PasswordVerified(Guid PrincipalId, string Name, IReadOnlyList<MfaFactor> Factors);

/// <summary>A password set with a setup secret: a session, or (for a user with factors) the factors to ask for next.</summary>
public sealed record SetupOutcome(UserSession? Session, PasswordVerified User);

/// <summary>A session that is still good, with who it belongs to.</summary>
public sealed record ValidSession(UserSession Session, Guid PrincipalId, string Name, string DisplayName);

/// <summary>
/// Interactive sign-in: passwords, the second factor, passkeys alone, sessions and password changes. Every success
/// and failure is audited. Failures feed <see cref="SignInThrottle"/>, which slows guessing without ever locking the
/// real user out. Expensive hashing happens before the write lock is taken, so guessing cannot stall other writes.
/// </summary>
public sealed class SignInService(ChangeSets changes, PasswordHasher hasher, MfaService mfa, Access.Authorizer authorizer, SignInPolicy policy, TimeProvider time)
{
    public static readonly TimeSpan TouchInterval = TimeSpan.FromMinutes(1);

    /// <summary>One turn at a time per account (striped: a bounded set of gates, shared by accounts that hash alike).</summary>
    private static readonly KeyedTurns AccountTurns = new(256);

    public SignInPolicy Policy => policy;

    /// <summary>The first step: user name and password. Returns the factors to ask for next, or a session when the user has none.</summary>
    public async Task<Result<PasswordVerified>> CheckPasswordAsync(string? userName, string? password, ClientInfo client, CancellationToken ct)
    {
        var name = (userName ?? "").Trim();
        if (!policy.LocalAccounts)
        {
            return ElevateError.Forbidden("Sign-in with a password is turned off here; use single sign-on.");
        }

        if (name.Length == 0 || name.Length > 254 || string.IsNullOrEmpty(password) || password.Length > 1024)
        {
            return ElevateError.Validation(ErrorCodes.Required, name.Length == 0 ? "userName" : "password", "Enter your user name and password.");
        }

        var normalized = Principal.Normalize(name);
        var user = await changes.Db.Principals.AsNoTracking().FirstOrDefaultAsync(p => p.NormalizedName == normalized && p.Kind == PrincipalKind.User, ct);
        var keys = Keys(user?.Id, normalized, client.Address);

        // Guesses at one account take turns here, from the throttle check to the recorded failure, so a burst of
        // simultaneous guesses is slowed like the same guesses one after another. (Several instances can each let one
        // through at a time; the counters they share still catch up at once.)
        using var turn = await AccountTurns.EnterAsync(keys.Account, ct);
        if (await ThrottledUntilAsync(keys, ct) is { } retryAfter)
        {
            return await ThrottledAsync(user, name, retryAfter, client, ct);
        }

        var credential = user is null ? null : await changes.Db.LocalCredentials.AsNoTracking().FirstOrDefaultAsync(c => c.PrincipalId == user.Id, ct);
        var check = PasswordCheck.Invalid;
        if (credential is null)
        {
            // Unknown users cost the same time as known ones, so response times do not reveal who has an account.
            hasher.SpendEqualTime(password);
        }
        else
        {
            check = hasher.Verify(credential.PasswordHash, password);
        }

        if (check == PasswordCheck.Invalid || user is null || !user.Enabled)
        {
            var reason = user is null ? "unknown_user" : credential is null ? "no_password" : check == PasswordCheck.Invalid ? "wrong_password" : "disabled";
            return await FailAsync(user, name, keys, reason, client, ct);
        }

        if (check == PasswordCheck.ValidButNeedsRehash)
        {
            await using var cs = await changes.BeginAsync(ActorOf(user, client), ct);
            var tracked = await cs.Db.LocalCredentials.FirstAsync(c => c.PrincipalId == user.Id, ct);
            tracked.PasswordHash = hasher.Hash(password);
            cs.Audit(new AuditRecord("password.rehashed") { PrincipalId = user.Id, PrincipalName = user.Name, Details = AuditDetails.Of(new { parameters = hasher.Parameters }) });
            await cs.CommitAsync(ct);
        }

        var factors = await mfa.EnrolledAsync(user.Id, ct);
        return new PasswordVerified(user.Id, user.Name, factors);
    }

    /// <summary>Signs in a user whose password checked out and who has no second factor yet (they must enrol one next).</summary>
    public async Task<Result<UserSession>> CompleteWithoutFactorAsync(PasswordVerified verified, ClientInfo client, CancellationToken ct)
    {
        if (verified.Factors.Count > 0)
        {
            throw new InvalidOperationException("A user with a second factor must present it.");
        }

        return await StartSessionAsync(verified.PrincipalId, "password", Keys(verified.PrincipalId, Principal.Normalize(verified.Name), client.Address), client, ct);
    }

    /// <summary>The second step: a TOTP code, a recovery code or a passkey answer, within a few minutes of the password.</summary>
    public async Task<Result<UserSession>> CompleteWithFactorAsync(Guid principalId, FactorProof proof, ClientInfo client, CancellationToken ct)
    {
        var user = await changes.Db.Principals.AsNoTracking().FirstOrDefaultAsync(p => p.Id == principalId, ct);
        if (user is null || !user.Enabled)
        {
            return ElevateError.Forbidden("This account cannot sign in.");
        }

        var keys = Keys(user.Id, user.NormalizedName, client.Address);
        using var turn = await AccountTurns.EnterAsync(keys.Account, ct);
        if (await ThrottledUntilAsync(keys, ct) is { } retryAfter)
        {
            return await ThrottledAsync(user, user.Name, retryAfter, client, ct);
        }

        await using var cs = await changes.BeginAsync(ActorOf(user, client), ct);
        var verified = await mfa.VerifyAsync(cs, user.Id, proof, ChallengePurpose.SignIn, null, [MfaFactor.Totp, MfaFactor.WebAuthn], ct);
        if (!verified.IsSuccess)
        {
            await CountFailureAsync(cs, keys, ct);
            cs.Audit(Failed(user, user.Name, "wrong_second_factor"));
            var committed = await cs.CommitAsync(ct);
            return committed.IsSuccess ? verified.Error with { Kind = ErrorKind.Forbidden } : committed.Error;
        }

        return await FinishAsync(cs, user, "password+" + verified.Value.Method, keys, client, ct);
    }

    /// <summary>Signs in with a passkey alone (it is both factors: possession, and user verification on the device).</summary>
    public async Task<Result<UserSession>> PasskeySignInAsync(WebAuthnAnswer answer, ClientInfo client, CancellationToken ct)
    {
        await using var cs = await changes.BeginAsync(new Actor(null, "anonymous", null, client.Address, client.CorrelationId), ct);
        var verified = await mfa.VerifyPasswordlessAsync(cs, answer, ct);
        if (!verified.IsSuccess)
        {
            cs.Audit(new AuditRecord("signin.failed") { Outcome = AuditOutcome.Rejected, Details = AuditDetails.Of(new { reason = "passkey_not_verified", method = "passkey" }) });
            var committed = await cs.CommitAsync(ct);
            return committed.IsSuccess ? verified.Error with { Kind = ErrorKind.Forbidden } : committed.Error;
        }

        var user = await cs.Db.Principals.AsNoTracking().FirstAsync(p => p.Id == verified.Value.PrincipalId, ct);
        if (!user.Enabled)
        {
            cs.Audit(Failed(user, user.Name, "disabled"));
            await cs.CommitAsync(ct);
            return ElevateError.Forbidden("This account cannot sign in.");
        }

        return await FinishAsync(cs, user, "passkey", Keys(user.Id, user.NormalizedName, client.Address), client, ct);
    }

    /// <summary>Starts a session for a user an external identity provider vouched for (see <see cref="ExternalSignIn"/>).</summary>
    public async Task<Result<UserSession>> StartExternalSessionAsync(Guid principalId, string provider, ClientInfo client, CancellationToken ct) =>
        await StartSessionAsync(principalId, $"oidc:{provider}", null, client, ct);

    /// <summary>The session if it is still good: not ended, not idle too long, not past its lifetime, its user enabled.</summary>
    public async Task<ValidSession?> ValidateAsync(Guid sessionId, CancellationToken ct)
    {
        var now = time.UtcNow();
        var found = await (from s in changes.Db.Sessions.AsNoTracking()
                           join p in changes.Db.Principals on s.PrincipalId equals p.Id
                           where s.Id == sessionId
                           select new { Session = s, p.Name, p.DisplayName, p.Enabled }).FirstOrDefaultAsync(ct);
        if (found is null || !found.Enabled || found.Session.EndedAt is not null || now >= found.Session.ExpiresAt
            || now >= found.Session.LastSeenAt + policy.IdleTimeout)
        {
            return null;
        }

        if (now - found.Session.LastSeenAt >= TouchInterval)
        {
            // Housekeeping, not a change anyone decided: kept out of the audit trail like a token's last use.
            await changes.Db.Sessions.Where(s => s.Id == sessionId && s.LastSeenAt < now).ExecuteUpdateAsync(u => u.SetProperty(s => s.LastSeenAt, now), ct);
            found.Session.LastSeenAt = now;
        }

        return new ValidSession(found.Session, found.Session.PrincipalId, found.Name, found.DisplayName);
    }

    public async Task<IReadOnlyList<UserSession>> ActiveSessionsAsync(Guid principalId, CancellationToken ct)
    {
        var now = time.UtcNow();
        var idleSince = now - policy.IdleTimeout;
        return await changes.Db.Sessions.AsNoTracking()
            .Where(s => s.PrincipalId == principalId && s.EndedAt == null && s.ExpiresAt > now && s.LastSeenAt > idleSince)
            .OrderByDescending(s => s.CreatedAt).Take(100).ToListAsync(ct);
    }

    public async Task SignOutAsync(Guid sessionId, Actor actor, CancellationToken ct)
    {
        await using var cs = await changes.BeginAsync(actor, ct);
        var ended = await cs.Db.Sessions.Where(s => s.Id == sessionId && s.EndedAt == null)
            .ExecuteUpdateAsync(u => u.SetProperty(s => s.EndedAt, cs.Now).SetProperty(s => s.EndReason, SessionEndReason.SignedOut), ct);
        if (ended > 0)
        {
            cs.Audit(new AuditRecord("signout") { PrincipalId = actor.PrincipalId, PrincipalName = actor.Name, Details = AuditDetails.Of(new { session = sessionId }) });
            await cs.CommitAsync(ct);
        }
    }

    /// <summary>
    /// An administrator ends every portal session of a user (a stolen laptop, a suspected takeover): at once, on every
    /// instance. Tokens are revoked separately; the user signs in again as usual.
    /// </summary>
    public async Task<Result<int>> EndSessionsOfAsync(Guid userId, Actor actor, CancellationToken ct)
    {
        if (authorizer.Require(actor, Access.Permission.ManageDirectory) is { } denied)
        {
            return denied;
        }

        if (!await changes.Db.Principals.AnyAsync(p => p.Id == userId && p.Kind == PrincipalKind.User, ct))
        {
            return ElevateError.NotFound(ErrorCodes.PrincipalNotFound, "id", "No user has this id.");
        }

        return await SignOutEverywhereAsync(userId, actor, ct);
    }

    /// <summary>Ends every session of the user, on every instance at once (each request re-reads its session).</summary>
    public async Task<int> SignOutEverywhereAsync(Guid principalId, Actor actor, CancellationToken ct)
    {
        await using var cs = await changes.BeginAsync(actor, ct);
        var user = await cs.Db.Principals.AsNoTracking().FirstAsync(p => p.Id == principalId, ct);
        var ended = await EndSessionsAsync(cs, principalId, SessionEndReason.SignedOutEverywhere, null, ct);
        cs.Audit(new AuditRecord("signout.everywhere") { PrincipalId = user.Id, PrincipalName = user.Name, Details = AuditDetails.Of(new { sessions = ended }) });
        await cs.CommitAsync(ct);
        return ended;
    }

    /// <summary>Changes a password; the current one is required, and every other session ends.</summary>
    public async Task<Result<bool>> ChangePasswordAsync(Actor actor, Guid currentSessionId, string? current, string? replacement, CancellationToken ct)
    {
        var user = await changes.Db.Principals.AsNoTracking().FirstAsync(p => p.Id == actor.PrincipalId, ct);
        if (PasswordPolicy.Check(replacement, user.Name, user.Email, "newPassword") is { } weak)
        {
            return weak;
        }

        // The current password is a guess like any sign-in: the same counters slow it down, so a session left open is
        // no way to find out the password.
        var keys = Keys(user.Id, user.NormalizedName, actor.ClientAddress);
        using var turn = await AccountTurns.EnterAsync(keys.Account, ct);
        if (await ThrottledUntilAsync(keys, ct) is { } retryAfter)
        {
            return await ThrottledAsync(user, user.Name, retryAfter, new ClientInfo(actor.ClientAddress, null, actor.CorrelationId), ct);
        }

        var credential = await changes.Db.LocalCredentials.AsNoTracking().FirstOrDefaultAsync(c => c.PrincipalId == user.Id, ct);
        if (credential is not null && (current is null || hasher.Verify(credential.PasswordHash, current) == PasswordCheck.Invalid))
        {
            await using var failed = await changes.BeginAsync(actor, ct);
            await CountFailureAsync(failed, keys, ct);
            failed.Audit(new AuditRecord("password.change_failed") { Outcome = AuditOutcome.Rejected, PrincipalId = user.Id, PrincipalName = user.Name });
            await failed.CommitAsync(ct);
            return new ElevateError(ErrorCodes.InvalidCredentials, ErrorKind.Forbidden, "The current password is not right.", "currentPassword");
        }

        var hash = hasher.Hash(replacement!);
        await using var cs = await changes.BeginAsync(actor, ct);
        await SetPasswordAsync(cs, user, hash, ct);
        var ended = await EndSessionsAsync(cs, user.Id, SessionEndReason.PasswordChanged, currentSessionId, ct);
        cs.Audit(new AuditRecord(credential is null ? "password.set" : "password.changed") { PrincipalId = user.Id, PrincipalName = user.Name, Details = AuditDetails.Of(new { otherSessionsEnded = ended }) });
        var committed = await cs.CommitAsync(ct);
        return committed.IsSuccess ? true : committed.Error;
    }

    /// <summary>
    /// Sets a password with a one-time setup secret: the first administrator's, or a link an administrator issued (for
    /// a new user, or as a password reset), and ends the user's other sessions. A user without a second factor is
    /// signed in (to enrol one); a user with one must still present it (<see cref="SetupOutcome.Session"/> is null),
    /// so a reset link alone, in an administrator's hands, does not open someone's account.
    /// </summary>
    public async Task<Result<SetupOutcome>> SetPasswordWithSecretAsync(string? secretValue, string? password, ClientInfo client, CancellationToken ct)
    {
        if (!policy.LocalAccounts)
        {
            return ElevateError.Forbidden("Passwords are turned off here; sign in with single sign-on.");
        }

        var invalid = new ElevateError(ErrorCodes.SetupSecretInvalid, ErrorKind.Forbidden, "This link is wrong, used or expired; ask an administrator for a new one.", "secret");
        if (secretValue is null || !secretValue.StartsWith(Secrets.SetupPrefix, StringComparison.Ordinal) || secretValue.Length > 100)
        {
            return invalid;
        }

        var hash = Secrets.Hash(secretValue);
        var secret = await changes.Db.SetupSecrets.AsNoTracking().FirstOrDefaultAsync(s => s.SecretHash == hash, ct);
        var user = secret is null ? null : await changes.Db.Principals.AsNoTracking().FirstOrDefaultAsync(p => p.Id == secret.PrincipalId, ct);
        if (secret is null || user is null || secret.RedeemedAt is not null || secret.ExpiresAt <= time.UtcNow() || !user.Enabled)
        {
            return invalid;
        }

        if (PasswordPolicy.Check(password, user.Name, user.Email) is { } weak)
        {
            return weak;
        }

        var passwordHash = hasher.Hash(password!);
        await using var cs = await changes.BeginAsync(ActorOf(user, client), ct);
        var tracked = await cs.Db.SetupSecrets.FirstAsync(s => s.Id == secret.Id, ct);
        if (tracked.RedeemedAt is not null || tracked.ExpiresAt <= cs.Now)
        {
            return invalid;
        }

        tracked.RedeemedAt = cs.Now;
        var hadPassword = await SetPasswordAsync(cs, user, passwordHash, ct);
        var ended = await EndSessionsAsync(cs, user.Id, SessionEndReason.PasswordChanged, null, ct);
        cs.Audit(new AuditRecord("setup_secret.redeemed") { PrincipalId = user.Id, PrincipalName = user.Name, Details = AuditDetails.Of(new { secretId = tracked.Id, use = "password" }) });
        cs.Audit(new AuditRecord(hadPassword ? "password.reset" : "password.set") { PrincipalId = user.Id, PrincipalName = user.Name, Details = AuditDetails.Of(new { otherSessionsEnded = ended }) });
        var verified = new PasswordVerified(user.Id, user.Name, await mfa.EnrolledAsync(user.Id, ct));
        if (verified.Factors.Count > 0)
        {
            var committed = await cs.CommitAsync(ct);
            return committed.IsSuccess ? new SetupOutcome(null, verified) : committed.Error;
        }

        var session = await FinishAsync(cs, user, "setup_secret", null, client, ct);
        return session.IsSuccess ? new SetupOutcome(session.Value, verified) : session.Error;
    }

    /// <summary>The three throttle counters an attempt at this account from this address counts against.</summary>
    internal static (string Pair, string Account, string Address) Keys(Guid? principalId, string normalizedName, string? address) =>
        (SignInThrottle.PairKey(principalId, normalizedName, address), SignInThrottle.AccountKey(principalId, normalizedName), SignInThrottle.AddressKey(address));

    private async Task<DateTimeOffset?> ThrottledUntilAsync((string Pair, string Account, string Address) keys, CancellationToken ct)
    {
        var wanted = new[] { keys.Pair, keys.Account, keys.Address };
        var entries = await changes.Db.SignInThrottle.AsNoTracking().Where(t => wanted.Contains(t.Key)).ToDictionaryAsync(t => t.Key, ct);
        ThrottleCounter Of(string key) => entries.TryGetValue(key, out var e) ? new ThrottleCounter(e.Failures, e.LastFailureAt) : new ThrottleCounter(0, null);
        var retry = SignInThrottle.RetryAfter(Of(keys.Pair), Of(keys.Account), Of(keys.Address), time.UtcNow());
        return retry is { } at && at > time.UtcNow() ? at : null;
    }

    private async Task<ElevateError> ThrottledAsync(Principal? user, string typedName, DateTimeOffset retryAfter, ClientInfo client, CancellationToken ct)
    {
        await using var cs = await changes.BeginAsync(user is null ? Anonymous(client) : ActorOf(user, client), ct);
        cs.Audit(new AuditRecord("signin.throttled")
        {
            Outcome = AuditOutcome.Rejected,
            PrincipalId = user?.Id,
            PrincipalName = user?.Name,
            Details = AuditDetails.Of(new { userNameHash = user is null ? NameHash(typedName) : null, retryAfter }),
        });
        await cs.CommitAsync(ct);
        var seconds = Math.Max(1, (int)Math.Ceiling((retryAfter - time.UtcNow()).TotalSeconds));
        return new ElevateError(ErrorCodes.SignInThrottled, ErrorKind.Throttled, $"Too many failed attempts; try again in {seconds} seconds.")
        {
            Extensions = new Dictionary<string, object?> { ["retryAfter"] = retryAfter, ["retryAfterSeconds"] = seconds },
        };
    }

    private async Task<Result<PasswordVerified>> FailAsync(
        Principal? user, string typedName, (string Pair, string Account, string Address) keys, string reason, ClientInfo client, CancellationToken ct)
    {
        await using var cs = await changes.BeginAsync(user is null ? Anonymous(client) : ActorOf(user, client), ct);
        await CountFailureAsync(cs, keys, ct);
        cs.Audit(Failed(user, typedName, reason));
        var committed = await cs.CommitAsync(ct);

        // One message for every reason, so the page does not tell a stranger which accounts exist.
        return committed.IsSuccess
            ? new ElevateError(ErrorCodes.InvalidCredentials, ErrorKind.Forbidden, "The user name or password is not right.")
            : committed.Error;
    }

    private static AuditRecord Failed(Principal? user, string typedName, string reason) => new("signin.failed")
    {
        Outcome = AuditOutcome.Rejected,
        PrincipalId = user?.Id,
        PrincipalName = user?.Name,
        Details = AuditDetails.Of(new { reason, userNameHash = user is null ? NameHash(typedName) : null }),
    };

    /// <summary>
    /// For a name that matches no user, a short hash instead of the text: enough to see one name tried again and again
    /// (spraying), without keeping what people type into the box, which is now and then their password.
    /// </summary>
    private static string NameHash(string typed) =>
        Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(Principal.Normalize(typed))))[..16];

    private static async Task CountFailureAsync(ChangeSet cs, (string Pair, string Account, string Address) keys, CancellationToken ct)
    {
        foreach (var key in new[] { keys.Pair, keys.Account, keys.Address })
        {
            var entry = await cs.Db.SignInThrottle.FirstOrDefaultAsync(t => t.Key == key, ct);
            if (entry is null)
            {
                entry = new SignInThrottleEntry { Key = key };
                cs.Db.SignInThrottle.Add(entry);
            }

            var next = SignInThrottle.AfterFailure(new ThrottleCounter(entry.Failures, entry.LastFailureAt), cs.Now);
            entry.Failures = next.Failures;
            entry.LastFailureAt = next.LastFailureAt;
        }
    }

    private async Task<Result<UserSession>> StartSessionAsync(
        Guid principalId, string methods, (string Pair, string Account, string Address)? keys, ClientInfo client, CancellationToken ct)
    {
        var user = await changes.Db.Principals.AsNoTracking().FirstAsync(p => p.Id == principalId, ct);
        await using var cs = await changes.BeginAsync(ActorOf(user, client), ct);
        return await FinishAsync(cs, user, methods, keys, client, ct);
    }

    private async Task<Result<UserSession>> FinishAsync(
        ChangeSet cs, Principal user, string methods, (string Pair, string Account, string Address)? keys, ClientInfo client, CancellationToken ct)
    {
        if (keys is { } k)
        {
            // A success clears the user's own counters; the address counter stays, or one good account would let an
            // address keep guessing at others.
            await cs.Db.SignInThrottle.Where(t => t.Key == k.Pair || t.Key == k.Account).ExecuteDeleteAsync(ct);
        }

        var session = new UserSession
        {
            Id = Ids.New(cs.Now),
            PrincipalId = user.Id,
            Methods = methods,
            CreatedAt = cs.Now,
            LastSeenAt = cs.Now,
            ExpiresAt = cs.Now + policy.AbsoluteLifetime,
            ClientAddress = client.Address,
            UserAgent = client.UserAgent is { } agent ? agent[..Math.Min(agent.Length, 200)] : null,
        };
        cs.Db.Sessions.Add(session);
        await cs.Db.Principals.Where(p => p.Id == user.Id).ExecuteUpdateAsync(u => u.SetProperty(p => p.LastSignInAt, cs.Now), ct);
        cs.Audit(new AuditRecord("signin.succeeded")
        {
            PrincipalId = user.Id,
            PrincipalName = user.Name,
            Details = AuditDetails.Of(new { methods, session = session.Id }),
        });
        var committed = await cs.CommitAsync(ct);
        return committed.IsSuccess ? session : committed.Error;
    }

    private static async Task<bool> SetPasswordAsync(ChangeSet cs, Principal user, string hash, CancellationToken ct)
    {
        var credential = await cs.Db.LocalCredentials.FirstOrDefaultAsync(c => c.PrincipalId == user.Id, ct);
        if (credential is null)
        {
            cs.Db.LocalCredentials.Add(new LocalCredential { PrincipalId = user.Id, PasswordHash = hash, CreatedAt = cs.Now, ChangedAt = cs.Now });
            return false;
        }

        credential.PasswordHash = hash;
        credential.ChangedAt = cs.Now;
        return true;
    }

    private static async Task<int> EndSessionsAsync(ChangeSet cs, Guid principalId, SessionEndReason reason, Guid? except, CancellationToken ct) =>
        await cs.Db.Sessions.Where(s => s.PrincipalId == principalId && s.EndedAt == null && s.Id != except)
            .ExecuteUpdateAsync(u => u.SetProperty(s => s.EndedAt, cs.Now).SetProperty(s => s.EndReason, reason), ct);

    private static Actor ActorOf(Principal user, ClientInfo client) => new(user.Id, user.Name, null, client.Address, client.CorrelationId);

    private static Actor Anonymous(ClientInfo client) => new(null, "anonymous", null, client.Address, client.CorrelationId);
}
