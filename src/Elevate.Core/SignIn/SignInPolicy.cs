namespace Elevate.Core.SignIn;

/// <summary>How interactive sign-in behaves; the host fills it from configuration (Elevate:SignIn).</summary>
public sealed record SignInPolicy
{
    /// <summary>A session unused for this long ends.</summary>
    public TimeSpan IdleTimeout { get; init; } = TimeSpan.FromMinutes(30);

    /// <summary>A session ends this long after sign-in, however active.</summary>
    public TimeSpan AbsoluteLifetime { get; init; } = TimeSpan.FromHours(12);

    /// <summary>Whether users may sign in with a password (off when only single sign-on is wanted).</summary>
    public bool LocalAccounts { get; init; } = true;

    /// <summary>
    /// Users without a second factor are sent to enrol one before they can do anything else. On by default: a PIM
    /// whose administrators sign in with a password alone protects little.
    /// </summary>
    public bool RequireSecondFactor { get; init; } = true;

    /// <summary>Managing factors and tokens needs a sign-in at most this old (a stolen session alone cannot add a factor).</summary>
    public TimeSpan RecentSignIn { get; init; } = TimeSpan.FromMinutes(15);
}
