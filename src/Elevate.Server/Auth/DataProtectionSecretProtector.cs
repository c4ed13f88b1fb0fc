using System.Security.Cryptography;
using Elevate.Core.Mfa;
using Elevate.Core.Tokens;
using Microsoft.AspNetCore.DataProtection;

namespace Elevate.Server.Auth;

/// <summary>
/// <see cref="ISecretProtector"/> on ASP.NET Core Data Protection. Its keys live in Elevate's database, so every
/// instance decrypts what any other encrypted, and keys rotate on Data Protection's own schedule.
/// </summary>
public sealed class DataProtectionSecretProtector(IDataProtectionProvider provider) : ISecretProtector
{
    public string Protect(string purpose, byte[] plaintext) => Secrets.Base64Url(provider.CreateProtector(purpose).Protect(plaintext));

    public byte[]? Unprotect(string purpose, string protectedText)
    {
        try
        {
            return provider.CreateProtector(purpose).Unprotect(System.Buffers.Text.Base64Url.DecodeFromChars(protectedText));
        }
        catch (Exception e) when (e is CryptographicException or FormatException)
        {
            return null;
        }
    }
}
