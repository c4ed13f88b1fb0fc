namespace Elevate.Core.Mfa;

/// <summary>The HMAC hash a TOTP code is computed with (RFC 6238 section 1.2).</summary>
public enum TotpAlgorithm
{
    /// <summary>HMAC-SHA-1: what every authenticator app supports, and what Elevate issues.</summary>
    Sha1,

    /// <summary>HMAC-SHA-256, allowed by RFC 6238 but ignored by several popular apps.</summary>
    Sha256,

    /// <summary>HMAC-SHA-512, allowed by RFC 6238 but ignored by several popular apps.</summary>
    Sha512,
}
