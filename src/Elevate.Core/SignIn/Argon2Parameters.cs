namespace Elevate.Core.SignIn;

/// <summary>The cost of an Argon2id hash: memory in KiB, passes over it, and lanes.</summary>
public sealed record Argon2Parameters(int MemoryKiB, int Iterations, int Parallelism)
{
    /// <summary>OWASP's recommended minimum for Argon2id (19 MiB, 2 passes, 1 lane): about 30 ms on a server core.</summary>
    public static readonly Argon2Parameters Default = new(19456, 2, 1);

    /// <summary>
    /// Whether hashes made with these parameters cost an attacker less than hashes made with <paramref name="other"/>.
    /// Parallelism is left out: more lanes spread the same work, they do not add to it.
    /// </summary>
    public bool IsWeakerThan(Argon2Parameters other) => MemoryKiB < other.MemoryKiB || Iterations < other.Iterations;
}
