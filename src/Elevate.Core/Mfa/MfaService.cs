using System.Security.Cryptography;
using System.Text.Json;
using Elevate.Core.Audit;
using Elevate.Core.Common;
using Elevate.Core.Persistence;
using Elevate.Core.Principals;
using Elevate.Core.SignIn;
using Fido2NetLib;
using Fido2NetLib.Objects;
using Microsoft.EntityFrameworkCore;

namespace Elevate.Core.Mfa;

/// <summary>What a user has enrolled, for the security page and for telling a client which factors it may present.</summary>
public sealed record MfaOverview(bool TotpConfirmed, bool TotpPending, int RecoveryCodesLeft, IReadOnlyList<WebAuthnCredential> Passkeys)
{
    public bool HasAny => TotpConfirmed || Passkeys.Count > 0;
}

/// <summary>A passkey just registered, and the recovery codes issued with it when it was the user's first factor.</summary>
public sealed record PasskeyRegistered(WebAuthnCredential Credential, IReadOnlyList<string>? RecoveryCodes);

/// <summary>A new authenticator-app secret, shown once (as a QR code and as text) until confirmed with a code.</summary>
public sealed record TotpEnrolment(string Secret, string KeyUri);

/// <summary>
/// Second factors: enrolling and removing TOTP and passkeys, recovery codes, and checking a presented factor. Checks
/// run inside the caller's change set, so "this code was used" is written in the same commit as what it allowed, and
/// two instances can never both accept the same code.
/// </summary>
public sealed class MfaService(ChangeSets changes, ISecretProtector protector, IWebAuthnRelyingPartySource relyingParty, Access.Authorizer authorizer, TimeProvider time)
{
    public static readonly TimeSpan ChallengeLifetime = TimeSpan.FromMinutes(5);
    public const int MaxPasskeys = 20;
    private const string TotpPurpose = "Elevate.Mfa.TotpSecret.v1";
    private const string ChallengeSeal = "Elevate.Mfa.Challenge.v1";

    /// <summary>The factors a user can present now (a confirmed authenticator app, any passkey): two existence checks.</summary>
    public async Task<IReadOnlyList<MfaFactor>> EnrolledAsync(Guid principalId, CancellationToken ct)
    {
        var db = changes.Db;
        var totp = await db.TotpFactors.AnyAsync(t => t.PrincipalId == principalId && t.ConfirmedAt != null, ct);
        var passkey = await db.WebAuthnCredentials.AnyAsync(c => c.PrincipalId == principalId, ct);
        return [.. totp ? [MfaFactor.Totp] : Array.Empty<MfaFactor>(), .. passkey ? [MfaFactor.WebAuthn] : Array.Empty<MfaFactor>()];
    }

    public async Task<MfaOverview> OverviewAsync(Guid principalId, CancellationToken ct)
    {
        var db = changes.Db;
        var totp = await db.TotpFactors.AsNoTracking().Where(t => t.PrincipalId == principalId).ToListAsync(ct);
        var codes = await db.RecoveryCodes.AsNoTracking().CountAsync(r => r.PrincipalId == principalId && r.UsedAt == null, ct);
        var passkeys = await db.WebAuthnCredentials.AsNoTracking().Where(c => c.PrincipalId == principalId).OrderBy(c => c.CreatedAt).ToListAsync(ct);
        return new MfaOverview(totp.Any(t => t.ConfirmedAt != null), totp.Any(t => t.ConfirmedAt == null), codes, passkeys);
    }

    /// <summary>Starts (or restarts) enrolling an authenticator app; the secret works only once confirmed.</summary>
    public async Task<Result<TotpEnrolment>> BeginTotpAsync(Actor actor, CancellationToken ct)
    {
        await using var cs = await changes.BeginAsync(actor, ct);
        var user = await UserAsync(cs, actor, ct);
        await cs.Db.TotpFactors.Where(t => t.PrincipalId == user.Id && t.ConfirmedAt == null).ExecuteDeleteAsync(ct);
        var secret = Totp.NewSecret();
        cs.Db.TotpFactors.Add(new TotpFactor
        {
            Id = Ids.New(cs.Now),
            PrincipalId = user.Id,
            ProtectedSecret = protector.Protect(TotpPurpose, secret),
            CreatedAt = cs.Now,
        });
        cs.Audit(Record("mfa.totp_enrolment_started", user));
        var committed = await cs.CommitAsync(ct);
        return committed.IsSuccess ? new TotpEnrolment(Base32.Encode(secret), Totp.KeyUri("Elevate", user.Name, secret)) : committed.Error;
    }

    /// <summary>
    /// Confirms the pending authenticator app with a code from it, replacing any earlier one. Returns fresh recovery
    /// codes when the user had none (shown once), else null.
    /// </summary>
    public async Task<Result<IReadOnlyList<string>?>> ConfirmTotpAsync(Actor actor, string? code, CancellationToken ct)
    {
        await using var cs = await changes.BeginAsync(actor, ct);
        var user = await UserAsync(cs, actor, ct);
        var pending = await cs.Db.TotpFactors.FirstOrDefaultAsync(t => t.PrincipalId == user.Id && t.ConfirmedAt == null, ct);
        if (pending is null)
        {
            return ElevateError.Conflict(ErrorCodes.InvalidTransition, "There is no authenticator app waiting for confirmation; start again.");
        }

        // Unreadable only if the Data Protection keys were lost; the pending secret is then useless, so start again.
        if (protector.Unprotect(TotpPurpose, pending.ProtectedSecret) is not { } secret)
        {
            return ElevateError.Conflict(ErrorCodes.InvalidTransition, "This enrolment can no longer be read; start again.");
        }

        if (code is null || Totp.Verify(secret, code, cs.Now, null) is not { } step)
        {
            return ElevateError.Validation(ErrorCodes.MfaInvalid, "code", "That code does not match; type the code your app shows now.");
        }

        await cs.Db.TotpFactors.Where(t => t.PrincipalId == user.Id && t.ConfirmedAt != null).ExecuteDeleteAsync(ct);
        pending.ConfirmedAt = cs.Now;
        pending.LastUsedStep = step;
        pending.LastUsedAt = cs.Now;
        cs.Audit(Record("mfa.totp_enrolled", user));
        var codes = await cs.Db.RecoveryCodes.AnyAsync(r => r.PrincipalId == user.Id && r.UsedAt == null, ct) ? null : AddRecoveryCodes(cs, user);
        var committed = await cs.CommitAsync(ct);
        return committed.IsSuccess ? Result<IReadOnlyList<string>?>.Success(codes) : committed.Error;
    }

    public async Task<Result<bool>> RemoveTotpAsync(Actor actor, CancellationToken ct)
    {
        await using var cs = await changes.BeginAsync(actor, ct);
        var user = await UserAsync(cs, actor, ct);
        var removed = await cs.Db.TotpFactors.Where(t => t.PrincipalId == user.Id).ExecuteDeleteAsync(ct);
        if (removed == 0)
        {
            return ElevateError.NotFound(ErrorCodes.FactorNotFound, "totp", "No authenticator app is enrolled.");
        }

        cs.Audit(Record("mfa.totp_removed", user));
        var committed = await cs.CommitAsync(ct);
        return committed.IsSuccess ? true : committed.Error;
    }

    /// <summary>
    /// An administrator's reset of another user's second factors (a lost phone and no recovery codes): every factor,
    /// recovery code and session of the user goes, and the user enrols anew after signing in with a setup link. Never
    /// one's own: with a token in hand, that would be removing a factor without presenting one.
    /// </summary>
    public async Task<Result<int>> ResetAsync(Guid userId, Actor actor, CancellationToken ct)
    {
        if (authorizer.Require(actor, Access.Permission.ManageDirectory) is { } denied)
        {
            return denied;
        }

        if (userId == actor.PrincipalId)
        {
            return ElevateError.Forbidden("Administrators do not reset their own factors; remove or replace them on the security page, or ask another administrator.");
        }

        await using var cs = await changes.BeginAsync(actor, ct);
        var user = await cs.Db.Principals.AsNoTracking().FirstOrDefaultAsync(p => p.Id == userId && p.Kind == PrincipalKind.User, ct);
        if (user is null)
        {
            return ElevateError.NotFound(ErrorCodes.PrincipalNotFound, "id", "No user has this id.");
        }

        var removed = await cs.Db.TotpFactors.Where(t => t.PrincipalId == userId).ExecuteDeleteAsync(ct)
            + await cs.Db.WebAuthnCredentials.Where(c => c.PrincipalId == userId).ExecuteDeleteAsync(ct);
        var codes = await cs.Db.RecoveryCodes.Where(r => r.PrincipalId == userId).ExecuteDeleteAsync(ct);
        var sessions = await cs.Db.Sessions.Where(x => x.PrincipalId == userId && x.EndedAt == null)
            .ExecuteUpdateAsync(u => u.SetProperty(x => x.EndedAt, cs.Now).SetProperty(x => x.EndReason, SessionEndReason.FactorsReset), ct);
        cs.Audit(Record("mfa.reset", user, new { factorsRemoved = removed, recoveryCodesRemoved = codes, sessionsEnded = sessions }));
        var committed = await cs.CommitAsync(ct);
        return committed.IsSuccess ? removed : committed.Error;
    }

    /// <summary>Replaces every recovery code with ten new ones, shown once.</summary>
    public async Task<Result<IReadOnlyList<string>>> RegenerateRecoveryCodesAsync(Actor actor, CancellationToken ct)
    {
        await using var cs = await changes.BeginAsync(actor, ct);
        var user = await UserAsync(cs, actor, ct);
        var codes = AddRecoveryCodes(cs, user);
        var committed = await cs.CommitAsync(ct);
        return committed.IsSuccess ? Result<IReadOnlyList<string>>.Success(codes) : committed.Error;
    }

    public async Task<WebAuthnCeremony> BeginRegistrationAsync(Principal user, CancellationToken ct)
    {
        var existing = await changes.Db.WebAuthnCredentials.AsNoTracking().Where(c => c.PrincipalId == user.Id).ToListAsync(ct);
        var handle = existing.Count > 0 ? existing[0].UserHandle : RandomNumberGenerator.GetBytes(32);
        var options = Fido().RequestNewCredential(new RequestNewCredentialParams
        {
            User = new Fido2User { Id = handle, Name = user.Name, DisplayName = user.DisplayName.Length > 0 ? user.DisplayName : user.Name },
            ExcludeCredentials = existing.Select(c => new PublicKeyCredentialDescriptor(c.CredentialId)).ToList(),
            AuthenticatorSelection = new AuthenticatorSelection
            {
                ResidentKey = ResidentKeyRequirement.Preferred,
                UserVerification = UserVerificationRequirement.Required,
            },
            AttestationPreference = AttestationConveyancePreference.None,
        });
        return Seal(ChallengePurpose.Registration, user.Id, options.ToJson(), null);
    }

    /// <summary>Verifies and stores a new passkey; returns fresh recovery codes when the user had none (shown once).</summary>
    public async Task<Result<PasskeyRegistered>> CompleteRegistrationAsync(Actor actor, string? challengeId, JsonElement? credential, string? name, CancellationToken ct)
    {
        if (TextRules.Check(name, "name", TextRules.NameMaxLength, required: true) is { } nameError)
        {
            return nameError;
        }

        await using var cs = await changes.BeginAsync(actor, ct);
        var user = await UserAsync(cs, actor, ct);
        var sealedChallenge = await OpenAsync(cs, challengeId, ChallengePurpose.Registration, user.Id, ct);
        if (!sealedChallenge.IsSuccess)
        {
            return sealedChallenge.Error;
        }

        if (await cs.Db.WebAuthnCredentials.CountAsync(c => c.PrincipalId == user.Id, ct) >= MaxPasskeys)
        {
            return ElevateError.Rule(ErrorCodes.InvalidValue, $"A user has at most {MaxPasskeys} passkeys; remove one first.");
        }

        var options = CredentialCreateOptions.FromJson(sealedChallenge.Value.OptionsJson);
        RegisteredPublicKeyCredential registered;
        try
        {
            var attestation = credential?.Deserialize<AuthenticatorAttestationRawResponse>() ?? throw new JsonException("empty");
            registered = await Fido().MakeNewCredentialAsync(new MakeNewCredentialParams
            {
                AttestationResponse = attestation,
                OriginalOptions = options,
                IsCredentialIdUniqueToUserCallback = async (args, token) => !await cs.Db.WebAuthnCredentials.AnyAsync(c => c.CredentialId == args.CredentialId, token),
            }, ct);
        }
        catch (Exception e) when (e is Fido2VerificationException or JsonException or InvalidOperationException or ArgumentException or FormatException)
        {
            return ElevateError.Validation(ErrorCodes.MfaInvalid, "credential", "The authenticator's answer could not be verified; try again.");
        }

        var stored = new WebAuthnCredential
        {
            Id = Ids.New(cs.Now),
            PrincipalId = user.Id,
            CredentialId = registered.Id,
            PublicKey = registered.PublicKey,
            UserHandle = options.User.Id,
            SignCount = registered.SignCount,
            Name = name!.Trim(),
            AaGuid = registered.AaGuid,
            Transports = registered.Transports is { Length: > 0 } t ? string.Join(',', t.Select(x => x.ToString())) : null,
            IsBackupEligible = registered.IsBackupEligible,
            IsBackedUp = registered.IsBackedUp,
            CreatedAt = cs.Now,
        };
        cs.Db.WebAuthnCredentials.Add(stored);
        cs.Audit(Record("mfa.webauthn_registered", user, new { credential = stored.Id, name = stored.Name, aaguid = stored.AaGuid }));
        var codes = await cs.Db.RecoveryCodes.AnyAsync(r => r.PrincipalId == user.Id && r.UsedAt == null, ct) ? null : AddRecoveryCodes(cs, user);
        var committed = await cs.CommitAsync(ct);
        return committed.IsSuccess ? new PasskeyRegistered(stored, codes) : committed.Error;
    }

    public async Task<Result<bool>> RemovePasskeyAsync(Actor actor, Guid id, CancellationToken ct)
    {
        await using var cs = await changes.BeginAsync(actor, ct);
        var user = await UserAsync(cs, actor, ct);
        var passkey = await cs.Db.WebAuthnCredentials.FirstOrDefaultAsync(c => c.Id == id && c.PrincipalId == user.Id, ct);
        if (passkey is null)
        {
            return ElevateError.NotFound(ErrorCodes.FactorNotFound, "id", "You have no passkey with this id.");
        }

        cs.Db.WebAuthnCredentials.Remove(passkey);
        cs.Audit(Record("mfa.webauthn_removed", user, new { credential = passkey.Id, name = passkey.Name }));
        var committed = await cs.CommitAsync(ct);
        return committed.IsSuccess ? true : committed.Error;
    }

    /// <summary>
    /// A challenge for a passkey answer. For <see cref="ChallengePurpose.Passwordless"/> no user is known yet and any
    /// discoverable credential may answer; for <see cref="ChallengePurpose.StepUp"/> the challenge itself carries the
    /// hash of the request it is for (<see cref="StepUpBinding"/>).
    /// </summary>
    public async Task<Result<WebAuthnCeremony>> BeginAssertionAsync(Guid? principalId, ChallengePurpose purpose, byte[]? binding, CancellationToken ct)
    {
        var allowed = new List<PublicKeyCredentialDescriptor>();
        if (principalId is { } id)
        {
            var credentials = await changes.Db.WebAuthnCredentials.AsNoTracking().Where(c => c.PrincipalId == id).Select(c => c.CredentialId).ToListAsync(ct);
            if (credentials.Count == 0)
            {
                return ElevateError.NotFound(ErrorCodes.FactorNotFound, "webAuthn", "No passkey is registered; register one on the security page first.");
            }

            allowed.AddRange(credentials.Select(c => new PublicKeyCredentialDescriptor(c)));
        }

        var options = Fido().GetAssertionOptions(new GetAssertionOptionsParams
        {
            AllowedCredentials = allowed,
            UserVerification = UserVerificationRequirement.Required,
        });
        byte[]? nonce = null;
        if (purpose == ChallengePurpose.StepUp)
        {
            nonce = RandomNumberGenerator.GetBytes(16);
            options = AssertionOptions.FromJson(ReplaceChallenge(options.ToJson(), StepUpBinding.Challenge(nonce, binding!)));
        }

        return Seal(purpose, principalId, options.ToJson(), nonce);
    }

    /// <summary>
    /// Checks one presented factor for <paramref name="principalId"/> and records its use (or the failure) in
    /// <paramref name="cs"/>; the caller commits either way so failures are audited too.
    /// </summary>
    public async Task<Result<VerifiedFactor>> VerifyAsync(
        ChangeSet cs, Guid principalId, FactorProof proof, ChallengePurpose purpose, byte[]? binding, IReadOnlyCollection<MfaFactor> accepted, CancellationToken ct)
    {
        var user = await cs.Db.Principals.AsNoTracking().FirstAsync(p => p.Id == principalId, ct);

        // Sign-in throttles its own attempts; a step-up comes with a token or session already in hand, so its guesses
        // are counted here, per user, or a stolen token could try every six-digit code.
        var guard = purpose == ChallengePurpose.StepUp ? await StepUpGuardAsync(cs, user.Id, ct) : null;
        if (guard is not null && SignInThrottle.RetryAfter(new ThrottleCounter(guard.Failures, guard.LastFailureAt), ThrottleCounter.None, ThrottleCounter.None, cs.Now) is { } retryAfter
            && retryAfter > cs.Now)
        {
            var seconds = Math.Max(1, (int)Math.Ceiling((retryAfter - cs.Now).TotalSeconds));
            cs.Audit(Record("mfa.throttled", user, new { purpose, retryAfter }) with { Outcome = AuditOutcome.Rejected });
            return new ElevateError(ErrorCodes.SignInThrottled, ErrorKind.Throttled, $"Too many wrong second factors; try again in {seconds} seconds.", "mfa")
            {
                Extensions = new Dictionary<string, object?> { ["retryAfter"] = retryAfter, ["retryAfterSeconds"] = seconds },
            };
        }

        var result = proof switch
        {
            { Totp: { } code } when accepted.Contains(MfaFactor.Totp) => await VerifyTotpAsync(cs, user, code, ct),
            { RecoveryCode: { } code } when purpose == ChallengePurpose.SignIn => await UseRecoveryCodeAsync(cs, user, code, ct),
            { WebAuthn: { } answer } when accepted.Contains(MfaFactor.WebAuthn) => await VerifyAssertionAsync(cs, user, answer, purpose, binding, ct),
            _ => new ElevateError(ErrorCodes.MfaFactorNotAccepted, ErrorKind.Forbidden,
                $"This factor is not accepted here; present one of: {string.Join(", ", accepted.Select(Name))}.", "mfa")
            {
                Extensions = new Dictionary<string, object?> { ["factors"] = accepted.Select(Name).ToArray() },
            },
        };

        if (guard is not null)
        {
            var next = result.IsSuccess ? ThrottleCounter.None : SignInThrottle.AfterFailure(new ThrottleCounter(guard.Failures, guard.LastFailureAt), cs.Now);
            guard.Failures = next.Failures;
            guard.LastFailureAt = next.LastFailureAt;
        }

        var method = proof.Totp is not null ? "totp" : proof.RecoveryCode is not null ? "recovery_code" : "webauthn";
        cs.Audit(Record(result.IsSuccess ? "mfa.used" : "mfa.failed", user, new { method, purpose, credential = result.IsSuccess ? result.Value.CredentialId : null })
            with
        { Outcome = result.IsSuccess ? AuditOutcome.Succeeded : AuditOutcome.Rejected });
        return result;
    }

    /// <summary>A passkey sign-in with no user named: the credential says whose it is; user verification is required.</summary>
    public async Task<Result<VerifiedFactor>> VerifyPasswordlessAsync(ChangeSet cs, WebAuthnAnswer answer, CancellationToken ct)
    {
        var invalid = ElevateError.Validation(ErrorCodes.MfaInvalid, "credential", "The passkey's answer could not be verified; try again.");
        var raw = Parse(answer);
        if (raw is null)
        {
            return invalid;
        }

        var credential = await cs.Db.WebAuthnCredentials.AsNoTracking().FirstOrDefaultAsync(c => c.CredentialId == raw.RawId, ct);
        var user = credential is null ? null : await cs.Db.Principals.AsNoTracking().FirstOrDefaultAsync(p => p.Id == credential.PrincipalId, ct);
        if (user is null)
        {
            return invalid;
        }

        var result = await VerifyAssertionAsync(cs, user, answer, ChallengePurpose.Passwordless, null, ct);
        cs.Audit(Record(result.IsSuccess ? "mfa.used" : "mfa.failed", user, new { method = "webauthn", purpose = ChallengePurpose.Passwordless, credential = credential!.Id })
            with
        { Outcome = result.IsSuccess ? AuditOutcome.Succeeded : AuditOutcome.Rejected });
        return result;
    }

    private static async Task<SignInThrottleEntry> StepUpGuardAsync(ChangeSet cs, Guid principalId, CancellationToken ct)
    {
        var key = $"stepup:{principalId}";
        var entry = await cs.Db.SignInThrottle.FirstOrDefaultAsync(t => t.Key == key, ct);
        if (entry is null)
        {
            entry = new SignInThrottleEntry { Key = key };
            cs.Db.SignInThrottle.Add(entry);
        }

        return entry;
    }

    public static string Name(MfaFactor factor) => factor switch
    {
        MfaFactor.Totp => "totp",
        MfaFactor.WebAuthn => "webAuthn",
    };

    private async Task<Result<VerifiedFactor>> VerifyTotpAsync(ChangeSet cs, Principal user, string code, CancellationToken ct)
    {
        var factor = await cs.Db.TotpFactors.FirstOrDefaultAsync(t => t.PrincipalId == user.Id && t.ConfirmedAt != null, ct);
        if (factor is null)
        {
            return new ElevateError(ErrorCodes.MfaInvalid, ErrorKind.Forbidden, "No authenticator app is enrolled; use a passkey or enrol an app first.", "mfa.totp");
        }

        if (protector.Unprotect(TotpPurpose, factor.ProtectedSecret) is not { } secret)
        {
            // Only if the Data Protection keys were lost (e.g. a database restored without them): say what to do.
            return new ElevateError(ErrorCodes.MfaInvalid, ErrorKind.Forbidden,
                "Your authenticator app's secret can no longer be read; use a passkey or a recovery code, then set the app up again.", "mfa.totp");
        }

        // The last used step is read under the change set's lock, so of two instances given the same code at the same
        // moment, the second sees the first's step and refuses.
        if (Totp.Verify(secret, code, cs.Now, factor.LastUsedStep) is not { } step)
        {
            return new ElevateError(ErrorCodes.MfaInvalid, ErrorKind.Forbidden, "The code is wrong or was already used; wait for the next code.", "mfa.totp");
        }

        factor.LastUsedStep = step;
        factor.LastUsedAt = cs.Now;
        return new VerifiedFactor(user.Id, "totp");
    }

    private static async Task<Result<VerifiedFactor>> UseRecoveryCodeAsync(ChangeSet cs, Principal user, string code, CancellationToken ct)
    {
        var invalid = new ElevateError(ErrorCodes.MfaInvalid, ErrorKind.Forbidden, "That recovery code is wrong or was already used.", "recoveryCode");
        if (RecoveryCodes.Normalize(code) is not { } normalized)
        {
            return invalid;
        }

        var hash = RecoveryCodes.Hash(normalized);
        var stored = await cs.Db.RecoveryCodes.FirstOrDefaultAsync(r => r.PrincipalId == user.Id && r.CodeHash == hash && r.UsedAt == null, ct);
        if (stored is null)
        {
            return invalid;
        }

        stored.UsedAt = cs.Now;
        cs.Audit(Record("mfa.recovery_code_used", user, new { left = await cs.Db.RecoveryCodes.CountAsync(r => r.PrincipalId == user.Id && r.UsedAt == null, ct) - 1 }));
        return new VerifiedFactor(user.Id, "recovery_code");
    }

    private async Task<Result<VerifiedFactor>> VerifyAssertionAsync(ChangeSet cs, Principal user, WebAuthnAnswer answer, ChallengePurpose purpose, byte[]? binding, CancellationToken ct)
    {
        var invalid = new ElevateError(ErrorCodes.MfaInvalid, ErrorKind.Forbidden, "The passkey's answer could not be verified; ask for a new challenge and try again.", "mfa.webAuthn");
        var sealedChallenge = await OpenAsync(cs, answer.ChallengeId, purpose, purpose == ChallengePurpose.Passwordless ? null : user.Id, ct);
        var raw = Parse(answer);
        if (!sealedChallenge.IsSuccess || raw is null)
        {
            return sealedChallenge.IsSuccess ? invalid : sealedChallenge.Error with { Kind = ErrorKind.Forbidden };
        }

        var options = AssertionOptions.FromJson(sealedChallenge.Value.OptionsJson);
        if (purpose == ChallengePurpose.StepUp)
        {
            // The challenge was made from the request it was issued for; recomputing it from the request now submitted
            // must give the same bytes, or the passkey approved something else.
            var expected = StepUpBinding.Challenge(sealedChallenge.Value.Nonce!, binding!);
            if (!CryptographicOperations.FixedTimeEquals(expected, options.Challenge))
            {
                return new ElevateError(ErrorCodes.MfaInvalid, ErrorKind.Forbidden,
                    "The passkey approved a different request (role, scope, duration, justification or ticket changed); ask for a new challenge for this one.", "mfa.webAuthn");
            }
        }

        var credential = await cs.Db.WebAuthnCredentials.FirstOrDefaultAsync(c => c.CredentialId == raw.RawId && c.PrincipalId == user.Id, ct);
        if (credential is null)
        {
            return invalid;
        }

        try
        {
            var verified = await Fido().MakeAssertionAsync(new MakeAssertionParams
            {
                AssertionResponse = raw,
                OriginalOptions = options,
                StoredPublicKey = credential.PublicKey,
                StoredSignatureCounter = (uint)credential.SignCount,
                // Security keys used as a second factor may return no user handle; the credential was already found
                // among this user's own, so only a handle that is present has to match.
                IsUserHandleOwnerOfCredentialIdCallback = (args, _) =>
                    Task.FromResult((args.UserHandle is not { Length: > 0 } || args.UserHandle.AsSpan().SequenceEqual(credential.UserHandle))
                        && args.CredentialId.AsSpan().SequenceEqual(credential.CredentialId)),
            }, ct);
            credential.SignCount = verified.SignCount;
            credential.IsBackedUp = verified.IsBackedUp;
            credential.LastUsedAt = cs.Now;
        }
        catch (Exception e) when (e is Fido2VerificationException or JsonException or InvalidOperationException or ArgumentException or FormatException)
        {
            return invalid;
        }

        return new VerifiedFactor(user.Id, "webauthn", credential.Id);
    }

    private static AuthenticatorAssertionRawResponse? Parse(WebAuthnAnswer answer)
    {
        try
        {
            return answer.Credential?.Deserialize<AuthenticatorAssertionRawResponse>();
        }
        catch (Exception e) when (e is JsonException or InvalidOperationException or FormatException or ArgumentException)
        {
            return null;
        }
    }

    private WebAuthnCeremony Seal(ChallengePurpose purpose, Guid? principalId, string optionsJson, byte[]? nonce)
    {
        var now = time.UtcNow();
        var content = new SealedChallenge(Ids.New(now), purpose, principalId, now + ChallengeLifetime, optionsJson, nonce);
        var id = protector.Protect(ChallengeSeal, JsonSerializer.SerializeToUtf8Bytes(content));
        return new WebAuthnCeremony(id, optionsJson, content.ExpiresAt);
    }

    /// <summary>Opens a sealed challenge and marks it used (in <paramref name="cs"/>), so it can be answered once.</summary>
    private async Task<Result<SealedChallenge>> OpenAsync(ChangeSet cs, string? challengeId, ChallengePurpose purpose, Guid? principalId, CancellationToken ct)
    {
        var invalid = ElevateError.Validation(ErrorCodes.MfaInvalid, "challengeId", "The challenge is unknown, expired or already used; ask for a new one.");
        var bytes = challengeId is { Length: > 0 and < 20_000 } ? protector.Unprotect(ChallengeSeal, challengeId) : null;
        SealedChallenge? content;
        try
        {
            content = bytes is null ? null : JsonSerializer.Deserialize<SealedChallenge>(bytes);
        }
        catch (JsonException)
        {
            content = null;
        }

        if (content is null || content.Purpose != purpose || content.PrincipalId != principalId || content.ExpiresAt <= cs.Now
            || await cs.Db.UsedChallenges.AnyAsync(u => u.Id == content.Id, ct))
        {
            return invalid;
        }

        await cs.Db.UsedChallenges.Where(u => u.ExpiresAt <= cs.Now).ExecuteDeleteAsync(ct);
        cs.Db.UsedChallenges.Add(new UsedChallenge { Id = content.Id, ExpiresAt = content.ExpiresAt });
        return content;
    }

    private static string ReplaceChallenge(string optionsJson, byte[] challenge)
    {
        var node = System.Text.Json.Nodes.JsonNode.Parse(optionsJson)!;
        node["challenge"] = Tokens.Secrets.Base64Url(challenge);
        return node.ToJsonString();
    }

    private static IReadOnlyList<string> AddRecoveryCodes(ChangeSet cs, Principal user)
    {
        cs.Db.RecoveryCodes.RemoveRange(cs.Db.RecoveryCodes.Where(r => r.PrincipalId == user.Id));
        var codes = RecoveryCodes.Generate();
        foreach (var code in codes)
        {
            cs.Db.RecoveryCodes.Add(new RecoveryCode
            {
                Id = Ids.New(cs.Now),
                PrincipalId = user.Id,
                CodeHash = RecoveryCodes.Hash(RecoveryCodes.Normalize(code)!),
                CreatedAt = cs.Now,
            });
        }

        cs.Audit(Record("mfa.recovery_codes_generated", user, new { count = codes.Count }));
        return codes;
    }

    private Fido2 Fido()
    {
        var party = relyingParty.Current;
        return new Fido2(new Fido2Configuration
        {
            RPID = party.Id,
            RPName = party.Name,
            Origins = new HashSet<string>(StringComparer.Ordinal) { party.Origin },
        });
    }

    private static async Task<Principal> UserAsync(ChangeSet cs, Actor actor, CancellationToken ct) =>
        await cs.Db.Principals.AsNoTracking().FirstAsync(p => p.Id == actor.PrincipalId, ct);

    private static AuditRecord Record(string action, Principal user, object? details = null) => new(action)
    {
        PrincipalId = user.Id,
        PrincipalName = user.Name,
        Details = details is null ? null : AuditDetails.Of(details),
    };
}
