namespace Elevate.Core.Mfa;

/// <summary>
/// Encrypts and authenticates small secrets (TOTP secrets, sealed challenges) with keys every instance shares. The
/// host implements it with ASP.NET Core Data Protection, keys kept in the database.
/// </summary>
public interface ISecretProtector
{
    string Protect(string purpose, byte[] plaintext);

    /// <summary>The plaintext, or null when the input was not produced by <see cref="Protect"/> for this purpose.</summary>
    byte[]? Unprotect(string purpose, string protectedText);
}
