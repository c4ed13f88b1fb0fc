using System.Security.Cryptography;
using Elevate.Core.Mfa;
using Microsoft.AspNetCore.DataProtection;

namespace Elevate.Server.Auth;

/// <summary>
/// <see cref="ISecretProtector"/> on ASP.NET Core Data Protection. Its keys live in Elevate's database, so every
/// instance decrypts what any other encrypted, and keys rotate on Data Protection's own schedule.
/// </summary>
public sealed class DataProtectionSecretProtector(IDataProtectionProvider provider) : ISecretProtector
{
    public string Protect(string purpose, byte[] plaintext) => Convert.ToBase64String(provider.CreateProtector(purpose).Protect(plaintext))
        .TrimEnd('=').Replace('+', '-').Replace('/', '_');

    public byte[]? Unprotect(string purpose, string protectedText)
    {
        try
        {
            var base64 = protectedText.Replace('-', '+').Replace('_', '/');
            base64 = base64.PadRight(base64.Length + ((4 - (base64.Length % 4)) % 4), '=');
            return provider.CreateProtector(purpose).Unprotect(Convert.FromBase64String(base64));
        }
        catch (Exception e) when (e is CryptographicException or FormatException)
        {
            return null;
        }
    }
}
