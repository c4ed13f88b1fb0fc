namespace Elevate.Core.Mfa;

/// <summary>A kind of second factor a request or sign-in may present.</summary>
public enum MfaFactor
{
    /// <summary>A six-digit code from an authenticator app (RFC 6238).</summary>
    Totp,

    /// <summary>A passkey or security key (WebAuthn), with user verification; phishing-resistant.</summary>
    WebAuthn,
}
