using Elevate.Core.SignIn;

namespace Elevate.Core.Tests.SignIn;

public sealed class PasswordHasherTests
{
    private const string Password = "correct horse battery staple";

    // Cheap parameters keep the tests quick; the default ones are checked where the shape of a hash matters.
    private static readonly Argon2Parameters Cheap = new(1024, 1, 1);

    private readonly PasswordHasher _hasher = new(Cheap);

    [Fact]
    public void A_hash_verifies_with_its_password()
    {
        Assert.Equal(PasswordCheck.Valid, _hasher.Verify(_hasher.Hash(Password), Password));
    }

    [Fact]
    public void A_hash_does_not_verify_with_another_password()
    {
        var hash = _hasher.Hash(Password);

        Assert.Equal(PasswordCheck.Invalid, _hasher.Verify(hash, "correct horse battery stapler"));
    }

    [Fact]
    public void Two_hashes_of_one_password_differ_by_their_salt()
    {
        Assert.NotEqual(_hasher.Hash(Password), _hasher.Hash(Password));
    }

    [Fact]
    public void A_hash_with_the_default_parameters_is_a_phc_string_with_a_16_byte_salt_and_32_byte_hash()
    {
        var hash = new PasswordHasher(Argon2Parameters.Default).Hash(Password);

        Assert.Matches(@"^\$argon2id\$v=19\$m=19456,t=2,p=1\$[A-Za-z0-9+/]{22}\$[A-Za-z0-9+/]{43}$", hash);
    }

    [Theory]
    [InlineData("$argon2id$v=19$m=1024,t=2,p=1$ZWxldmF0ZS1zYWx0LTE2Yg$4w7TbIDhQjroXZUy8Liz7oeWIbT7d61VAsqXP6ttzwU")]
    [InlineData("$argon2id$v=19$m=19456,t=2,p=1$ZWxldmF0ZS1zYWx0LTE2Yg$dYWIUGlG6y/4f0Z25MdZpSd0uZ2pDvaHAxpZU2h5IfE")]
    [InlineData("$argon2id$v=19$m=2048,t=3,p=4$ZWxldmF0ZS1zYWx0LTE2Yg$YMMJrsnLRBD1oxsu3eERB7ivJf6KqY2PoQokO+AnBoE")]
    public void Hashes_made_by_the_reference_implementation_verify(string phc)
    {
        // Made with the argon2 command of the reference implementation (phc-winner-argon2) from the password above.
        Assert.Equal(PasswordCheck.Valid, _hasher.Verify(phc, Password));
        Assert.Equal(PasswordCheck.Invalid, _hasher.Verify(phc, "Correct horse battery staple"));
    }

    [Fact]
    public void A_hash_made_with_weaker_parameters_verifies_but_asks_for_a_rehash()
    {
        var stored = new PasswordHasher(new Argon2Parameters(1024, 1, 1)).Hash(Password);

        Assert.Equal(PasswordCheck.ValidButNeedsRehash, new PasswordHasher(new Argon2Parameters(2048, 1, 1)).Verify(stored, Password));
        Assert.Equal(PasswordCheck.ValidButNeedsRehash, new PasswordHasher(new Argon2Parameters(1024, 2, 1)).Verify(stored, Password));
    }

    [Fact]
    public void A_hash_made_with_stronger_parameters_needs_no_rehash()
    {
        var stored = new PasswordHasher(new Argon2Parameters(2048, 2, 1)).Hash(Password);

        Assert.Equal(PasswordCheck.Valid, _hasher.Verify(stored, Password));
    }

    [Fact]
    public void A_wrong_password_against_a_weak_hash_is_invalid_not_a_rehash()
    {
        var stored = _hasher.Hash(Password);

        Assert.Equal(PasswordCheck.Invalid, new PasswordHasher(Argon2Parameters.Default).Verify(stored, "wrong"));
    }

    [Fact]
    public void A_tampered_hash_is_invalid()
    {
        var stored = _hasher.Hash(Password);
        var at = stored.Length - 10;
        var tampered = stored[..at] + (stored[at] == 'A' ? 'B' : 'A') + stored[(at + 1)..];

        Assert.Equal(PasswordCheck.Invalid, _hasher.Verify(tampered, Password));
    }

    [Theory]
    [InlineData("")]
    [InlineData("not a hash")]
    [InlineData("$argon2id$")]
    [InlineData("$argon2i$v=19$m=1024,t=2,p=1$ZWxldmF0ZS1zYWx0LTE2Yg$4w7TbIDhQjroXZUy8Liz7oeWIbT7d61VAsqXP6ttzwU")]
    [InlineData("$argon2id$v=16$m=1024,t=2,p=1$ZWxldmF0ZS1zYWx0LTE2Yg$4w7TbIDhQjroXZUy8Liz7oeWIbT7d61VAsqXP6ttzwU")]
    [InlineData("$argon2id$v=19$t=2,m=1024,p=1$ZWxldmF0ZS1zYWx0LTE2Yg$4w7TbIDhQjroXZUy8Liz7oeWIbT7d61VAsqXP6ttzwU")]
    [InlineData("$argon2id$v=19$m=1024,t=2$ZWxldmF0ZS1zYWx0LTE2Yg$4w7TbIDhQjroXZUy8Liz7oeWIbT7d61VAsqXP6ttzwU")]
    [InlineData("$argon2id$v=19$m=0,t=2,p=1$ZWxldmF0ZS1zYWx0LTE2Yg$4w7TbIDhQjroXZUy8Liz7oeWIbT7d61VAsqXP6ttzwU")]
    [InlineData("$argon2id$v=19$m=-1024,t=2,p=1$ZWxldmF0ZS1zYWx0LTE2Yg$4w7TbIDhQjroXZUy8Liz7oeWIbT7d61VAsqXP6ttzwU")]
    [InlineData("$argon2id$v=19$m=99999999999,t=2,p=1$ZWxldmF0ZS1zYWx0LTE2Yg$4w7TbIDhQjroXZUy8Liz7oeWIbT7d61VAsqXP6ttzwU")]
    [InlineData("$argon2id$v=19$m=1024,t=1000000,p=1$ZWxldmF0ZS1zYWx0LTE2Yg$4w7TbIDhQjroXZUy8Liz7oeWIbT7d61VAsqXP6ttzwU")]
    [InlineData("$argon2id$v=19$m=1024,t=2,p=1$$4w7TbIDhQjroXZUy8Liz7oeWIbT7d61VAsqXP6ttzwU")]
    [InlineData("$argon2id$v=19$m=1024,t=2,p=1$ZWxldmF0ZS1zYWx0LTE2Yg$")]
    [InlineData("$argon2id$v=19$m=1024,t=2,p=1$ZWxldmF0ZS1zYWx0LTE2Yg$4w7TbIDhQjroXZUy8Liz7oeWIbT7d61VAsqXP6ttzwU=")]
    [InlineData("$argon2id$v=19$m=1024,t=2,p=1$ZWxldmF0ZS1zYWx0LTE2Yg$4w7TbIDhQjroXZUy8Liz7oeWIbT7d61VAsqXP6ttzwV")]
    [InlineData("$argon2id$v=19$m=1024,t=2,p=1$ZWxl!!!!ZS1zYWx0LTE2Yg$4w7TbIDhQjroXZUy8Liz7oeWIbT7d61VAsqXP6ttzwU")]
    [InlineData("$argon2id$v=19$m=1024,t=2,p=1$ZWxldmF0ZS1zYWx0LTE2Yg$4w7TbIDhQjroXZUy8Liz7oeWIbT7d61VAsqXP6ttzwU$extra")]
    public void A_malformed_stored_hash_is_invalid_and_never_throws(string phc)
    {
        Assert.Equal(PasswordCheck.Invalid, _hasher.Verify(phc, Password));
    }

    [Fact]
    public void A_password_is_hashed_as_typed_so_a_hash_never_depends_on_the_runtime()
    {
        // Precomposed "é" (U+00E9) and "e" with a combining accent. string.Normalize does nothing under
        // InvariantGlobalization and something with ICU, so normalising here would let a configuration change break
        // stored hashes; the password is hashed exactly as given.
        var stored = _hasher.Hash("caf\u00e9 au lait tous les jours");

        Assert.Equal(PasswordCheck.Valid, _hasher.Verify(stored, "caf\u00e9 au lait tous les jours"));
        Assert.Equal(PasswordCheck.Invalid, _hasher.Verify(stored, "cafe\u0301 au lait tous les jours"));
    }

    [Fact]
    public void An_empty_password_is_invalid_and_cannot_be_hashed()
    {
        Assert.Equal(PasswordCheck.Invalid, _hasher.Verify(_hasher.Hash(Password), ""));
        Assert.Throws<ArgumentException>(() => _hasher.Hash(""));
    }

    [Fact]
    public void Spending_equal_time_works_for_any_password()
    {
        _hasher.SpendEqualTime(Password);
        _hasher.SpendEqualTime("");
        _hasher.SpendEqualTime("broken \ud800 surrogate");
    }

    [Fact]
    public void Parameters_that_argon2_cannot_use_are_refused()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new PasswordHasher(new Argon2Parameters(19456, 0, 1)));
        Assert.Throws<ArgumentOutOfRangeException>(() => new PasswordHasher(new Argon2Parameters(19456, 2, 0)));
        Assert.Throws<ArgumentOutOfRangeException>(() => new PasswordHasher(new Argon2Parameters(4, 2, 1)));
    }
}
