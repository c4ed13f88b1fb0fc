using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Text;

namespace Elevate.Core.SignIn;

/// <summary>
/// Slows password guessing without letting a stranger lock the real user out. Failures are counted under three keys:
/// the account from one client address (<see cref="PairKey"/>), the account from anywhere (<see cref="AccountKey"/>),
/// and the client address against any account (<see cref="AddressKey"/>). Each counter allows some failures for free,
/// then makes the next attempt wait a delay that doubles per failure up to a cap. Nothing here locks an account.
/// <para>
/// The caller records a failure on all three counters with <see cref="AfterFailure"/>. After a successful sign-in it
/// resets the pair and account counters to <see cref="ThrottleCounter.None"/>, but not the address counter: otherwise
/// an attacker could sign in to an account of their own between guesses and start again from zero.
/// </para>
/// </summary>
public static class SignInThrottle
{
    /// <summary>
    /// Failures of one account from one address before it slows down. Enough for a person trying their usual
    /// passwords; past it the guesser's own address waits, up to <see cref="PairMaxDelay"/>, while the real user
    /// elsewhere is not slowed by this counter at all.
    /// </summary>
    public const int PairFreeFailures = 5;

    /// <summary>The longest wait one address can earn against one account.</summary>
    public static readonly TimeSpan PairMaxDelay = TimeSpan.FromMinutes(15);

    /// <summary>
    /// Failures of one account, from any addresses, before it slows down: catches guessing spread over many
    /// addresses. Higher than <see cref="PairFreeFailures"/>, since other people's failures land on it too.
    /// </summary>
    public const int AccountFreeFailures = 20;

    /// <summary>
    /// The longest wait on an account as a whole. It is short on purpose: anyone who knows a user name can fill this
    /// counter, so its cap is all a stranger can cost the real user, who at worst waits a minute. A distributed guesser
    /// is still held to one guess a minute, about 1,440 a day.
    /// </summary>
    public static readonly TimeSpan AccountMaxDelay = TimeSpan.FromMinutes(1);

    /// <summary>
    /// Failures from one address, against any accounts, before it slows down: catches one address trying a common
    /// password against many user names. High, because many people can share one address behind a NAT or proxy.
    /// </summary>
    public const int AddressFreeFailures = 50;

    /// <summary>The longest wait one address can earn across all accounts.</summary>
    public static readonly TimeSpan AddressMaxDelay = TimeSpan.FromMinutes(15);

    /// <summary>
    /// A counter whose last failure is older than this counts as zero, so yesterday's typos and last week's attack
    /// leave no trace; a patient guesser gets a fresh allowance only once a day.
    /// </summary>
    public static readonly TimeSpan DecayAfter = TimeSpan.FromHours(24);

    // Past 2^20 seconds (12 days) every cap has long been reached; stopping there keeps the shift from overflowing.
    private const int MaxExponent = 20;

    /// <summary>
    /// When the next attempt may be made, or null if it may be made now: the latest of each counter's last failure
    /// plus the delay it has earned.
    /// </summary>
    public static DateTimeOffset? RetryAfter(ThrottleCounter pair, ThrottleCounter account, ThrottleCounter address, DateTimeOffset now)
    {
        DateTimeOffset? latest = null;
        foreach (var until in new[]
                 {
                     WaitUntil(pair, PairFreeFailures, PairMaxDelay, now),
                     WaitUntil(account, AccountFreeFailures, AccountMaxDelay, now),
                     WaitUntil(address, AddressFreeFailures, AddressMaxDelay, now),
                 })
        {
            if (until > now && (latest is null || until > latest))
            {
                latest = until;
            }
        }

        return latest;
    }

    /// <summary>The counter after one more failure at <paramref name="now"/>, counting from zero if it had decayed.</summary>
    public static ThrottleCounter AfterFailure(ThrottleCounter counter, DateTimeOffset now)
    {
        var failures = Current(counter, now);
        return new ThrottleCounter(failures == int.MaxValue ? failures : failures + 1, now);
    }

    /// <summary>
    /// The wait earned by <paramref name="failures"/> failures: none for the first <paramref name="freeFailures"/>,
    /// then 2, 4, 8 ... seconds, never more than <paramref name="cap"/>.
    /// </summary>
    public static TimeSpan Delay(int failures, int freeFailures, TimeSpan cap)
    {
        if (failures <= freeFailures)
        {
            return TimeSpan.Zero;
        }

        var exponent = failures - freeFailures;
        return exponent >= MaxExponent ? cap : TimeSpan.FromSeconds(Math.Min(1L << exponent, (long)cap.TotalSeconds));
    }

    /// <summary>The key of one account's failures from one client address.</summary>
    public static string PairKey(Guid? principalId, string normalizedUserName, string? address) =>
        $"pair:{AccountPart(principalId, normalizedUserName)}|{AddressPart(address)}";

    /// <summary>The key of one account's failures from any address.</summary>
    public static string AccountKey(Guid? principalId, string normalizedUserName) =>
        $"account:{AccountPart(principalId, normalizedUserName)}";

    /// <summary>The key of one client address's failures against any account.</summary>
    public static string AddressKey(string? address) => $"address:{AddressPart(address)}";

    private static DateTimeOffset? WaitUntil(ThrottleCounter counter, int freeFailures, TimeSpan cap, DateTimeOffset now) =>
        counter.LastFailureAt + Delay(Current(counter, now), freeFailures, cap);

    private static int Current(ThrottleCounter counter, DateTimeOffset now) =>
        counter.LastFailureAt is { } last && now - last <= DecayAfter ? Math.Max(counter.Failures, 0) : 0;

    /// <summary>
    /// A known account by its id, so renaming it does not reset its counters. A name that matches no account is
    /// counted too, or trying unknown names would be free and would reveal which names exist; it is stored as a
    /// SHA-256 hash, so the table does not collect what people typed (often a password in the wrong box).
    /// </summary>
    private static string AccountPart(Guid? principalId, string normalizedUserName) =>
        principalId is { } id ? $"id:{id:N}" : $"name:{Sha256(normalizedUserName)}";

    /// <summary>
    /// IPv4 addresses as they are. IPv6 addresses by their /64 network, the usual size given to one home or server:
    /// counting single IPv6 addresses would give an attacker 2^64 fresh counters. Text that is no address (a proxy
    /// passing on garbage) is hashed so it cannot make the key long.
    /// </summary>
    private static string AddressPart(string? address)
    {
        if (string.IsNullOrWhiteSpace(address))
        {
            return "none";
        }

        if (!IPAddress.TryParse(address.Trim(), out var ip))
        {
            return $"text:{Sha256(address)}";
        }

        if (ip.IsIPv4MappedToIPv6)
        {
            ip = ip.MapToIPv4();
        }

        if (ip.AddressFamily != AddressFamily.InterNetworkV6)
        {
            return ip.ToString();
        }

        var bytes = ip.GetAddressBytes();
        Array.Clear(bytes, 8, 8);
        return $"{new IPAddress(bytes)}/64";
    }

    private static string Sha256(string text) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text)));
}
