namespace Elevate.Core.Mfa;

/// <summary>One second factor as presented at sign-in or for a request: exactly one of the three is set.</summary>
public sealed record FactorProof(string? Totp = null, string? RecoveryCode = null, WebAuthnAnswer? WebAuthn = null)
{
    public static FactorProof From(StepUpProof proof) => new(proof.Totp, null, proof.WebAuthn);
}

/// <summary>A factor that checked out: which kind, and for passkeys which one.</summary>
public sealed record VerifiedFactor(Guid PrincipalId, string Method, Guid? CredentialId = null);
