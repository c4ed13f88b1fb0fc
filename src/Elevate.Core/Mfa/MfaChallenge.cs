namespace Elevate.Core.Mfa;

/// <summary>What a WebAuthn challenge was issued for; an answer is only accepted for the purpose it was issued for.</summary>
public enum ChallengePurpose
{
    /// <summary>Registering a new passkey or security key.</summary>
    Registration,

    /// <summary>The second step of a sign-in that began with a password.</summary>
    SignIn,

    /// <summary>A sign-in with a passkey alone (discoverable credential, user verification required).</summary>
    Passwordless,

    /// <summary>A fresh factor for one request; the challenge carries a hash of that request's content.</summary>
    StepUp,
}

/// <summary>
/// A challenge as handed to the client: the options for <c>navigator.credentials</c> and an opaque id that seals the
/// options, purpose, user and expiry (nothing is stored until the answer comes back).
/// </summary>
public sealed record WebAuthnCeremony(string ChallengeId, string OptionsJson, DateTimeOffset ExpiresAt);

/// <summary>The sealed content of a challenge id.</summary>
internal sealed record SealedChallenge(Guid Id, ChallengePurpose Purpose, Guid? PrincipalId, DateTimeOffset ExpiresAt, string OptionsJson, byte[]? Nonce);
