using Elevate.Core.SignIn;

namespace Elevate.Core.Tests.SignIn;

public sealed class SignInThrottleTests
{
    private static readonly DateTimeOffset Now = new(2026, 3, 2, 9, 0, 0, TimeSpan.Zero);
    private static readonly ThrottleCounter None = ThrottleCounter.None;

    [Fact]
    public void No_failures_means_no_wait()
    {
        Assert.Null(SignInThrottle.RetryAfter(None, None, None, Now));
    }

    [Fact]
    public void The_first_five_failures_from_one_address_on_one_account_are_free()
    {
        Assert.Null(SignInThrottle.RetryAfter(Failed(5), None, None, Now));
    }

    [Theory]
    [InlineData(6, 2)]
    [InlineData(7, 4)]
    [InlineData(10, 32)]
    [InlineData(14, 512)]
    public void Past_five_failures_the_pair_waits_a_doubling_delay(int failures, int seconds)
    {
        Assert.Equal(Now.AddSeconds(seconds), SignInThrottle.RetryAfter(Failed(failures), None, None, Now));
    }

    [Theory]
    [InlineData(15)]
    [InlineData(100)]
    [InlineData(int.MaxValue)]
    public void The_pair_waits_at_most_fifteen_minutes(int failures)
    {
        Assert.Equal(Now.AddMinutes(15), SignInThrottle.RetryAfter(Failed(failures), None, None, Now));
    }

    [Fact]
    public void The_first_twenty_failures_on_an_account_are_free_then_it_waits_a_doubling_delay()
    {
        Assert.Null(SignInThrottle.RetryAfter(None, Failed(20), None, Now));
        Assert.Equal(Now.AddSeconds(2), SignInThrottle.RetryAfter(None, Failed(21), None, Now));
        Assert.Equal(Now.AddSeconds(32), SignInThrottle.RetryAfter(None, Failed(25), None, Now));
    }

    [Theory]
    [InlineData(26)]
    [InlineData(1000)]
    public void The_account_waits_at_most_a_minute(int failures)
    {
        Assert.Equal(Now.AddMinutes(1), SignInThrottle.RetryAfter(None, Failed(failures), None, Now));
    }

    [Fact]
    public void The_first_fifty_failures_from_an_address_are_free_then_it_waits_a_doubling_delay_of_at_most_fifteen_minutes()
    {
        Assert.Null(SignInThrottle.RetryAfter(None, None, Failed(50), Now));
        Assert.Equal(Now.AddSeconds(2), SignInThrottle.RetryAfter(None, None, Failed(51), Now));
        Assert.Equal(Now.AddMinutes(15), SignInThrottle.RetryAfter(None, None, Failed(60), Now));
    }

    [Fact]
    public void The_wait_counts_from_the_last_failure_and_ends_when_it_has_passed()
    {
        var pair = Failed(8, Now.AddSeconds(-3));

        Assert.Equal(Now.AddSeconds(5), SignInThrottle.RetryAfter(pair, None, None, Now));
        Assert.Null(SignInThrottle.RetryAfter(pair, None, None, Now.AddSeconds(5)));
    }

    [Fact]
    public void The_latest_of_the_three_waits_applies()
    {
        var retry = SignInThrottle.RetryAfter(Failed(7), Failed(30, Now.AddSeconds(-10)), Failed(52), Now);

        Assert.Equal(Now.AddSeconds(50), retry);
    }

    [Fact]
    public void A_failure_adds_one_and_records_when()
    {
        var counter = SignInThrottle.AfterFailure(Failed(3, Now.AddMinutes(-5)), Now);

        Assert.Equal(new ThrottleCounter(4, Now), counter);
    }

    [Fact]
    public void A_counter_whose_last_failure_is_older_than_a_day_counts_as_zero()
    {
        var old = Failed(40, Now - TimeSpan.FromHours(24) - TimeSpan.FromSeconds(1));

        Assert.Null(SignInThrottle.RetryAfter(old, old, old, Now));
        Assert.Equal(new ThrottleCounter(1, Now), SignInThrottle.AfterFailure(old, Now));
    }

    [Fact]
    public void A_counter_whose_last_failure_is_within_a_day_still_counts()
    {
        var recent = Failed(40, Now - TimeSpan.FromHours(23));

        Assert.Equal(new ThrottleCounter(41, Now), SignInThrottle.AfterFailure(recent, Now));
    }

    [Fact]
    public void A_stranger_failing_many_times_delays_the_account_by_at_most_a_minute()
    {
        var account = None;
        var time = Now;
        var longestWait = TimeSpan.Zero;

        for (var attempt = 0; attempt < 5000; attempt++)
        {
            // Each guess comes from a fresh address, as fast as the throttle allows: only the account counter holds the
            // stranger back, and it is the one counter the real user shares with them.
            time = SignInThrottle.RetryAfter(None, account, None, time) ?? time;
            account = SignInThrottle.AfterFailure(account, time);

            // The real user signs in from their own address, whose pair and address counters are clean.
            var userWait = (SignInThrottle.RetryAfter(None, account, None, time) ?? time) - time;
            longestWait = userWait > longestWait ? userWait : longestWait;
        }

        Assert.Equal(5000, account.Failures);
        Assert.Equal(TimeSpan.FromMinutes(1), longestWait);
    }

    [Fact]
    public void A_stranger_guessing_from_one_address_waits_fifteen_minutes_a_guess_while_the_user_waits_a_minute()
    {
        var stranger = Failed(100);
        var account = Failed(100);

        Assert.Equal(Now.AddMinutes(15), SignInThrottle.RetryAfter(stranger, account, Failed(100), Now));
        Assert.Equal(Now.AddMinutes(1), SignInThrottle.RetryAfter(None, account, None, Now));
    }

    [Fact]
    public void A_stranger_cannot_guess_more_than_once_a_minute_from_many_addresses()
    {
        var account = Failed(500);

        Assert.Equal(Now.AddMinutes(1), SignInThrottle.RetryAfter(None, account, None, Now));
    }

    [Fact]
    public void Keys_are_stable()
    {
        var id = Guid.NewGuid();

        Assert.Equal(SignInThrottle.PairKey(id, "alice", "192.0.2.1"), SignInThrottle.PairKey(id, "alice", "192.0.2.1"));
        Assert.Equal(SignInThrottle.AccountKey(null, "alice"), SignInThrottle.AccountKey(null, "alice"));
        Assert.Equal(SignInThrottle.AddressKey("192.0.2.1"), SignInThrottle.AddressKey(" 192.0.2.1 "));
    }

    [Fact]
    public void A_known_account_is_keyed_by_its_id_whatever_name_was_typed()
    {
        var id = Guid.NewGuid();

        Assert.Equal(SignInThrottle.AccountKey(id, "alice"), SignInThrottle.AccountKey(id, "alice.renamed"));
        Assert.NotEqual(SignInThrottle.AccountKey(id, "alice"), SignInThrottle.AccountKey(Guid.NewGuid(), "alice"));
    }

    [Fact]
    public void An_unknown_name_is_throttled_under_a_hash_that_does_not_reveal_it()
    {
        var key = SignInThrottle.AccountKey(null, "my-secret-password-in-the-wrong-box");

        Assert.DoesNotContain("secret", key, StringComparison.Ordinal);
        Assert.NotEqual(key, SignInThrottle.AccountKey(null, "another-name"));
        Assert.DoesNotContain("secret", SignInThrottle.PairKey(null, "my-secret-password-in-the-wrong-box", null), StringComparison.Ordinal);
    }

    [Fact]
    public void The_pair_key_differs_per_address_and_per_account()
    {
        var id = Guid.NewGuid();

        Assert.NotEqual(SignInThrottle.PairKey(id, "alice", "192.0.2.1"), SignInThrottle.PairKey(id, "alice", "192.0.2.2"));
        Assert.NotEqual(SignInThrottle.PairKey(id, "alice", "192.0.2.1"), SignInThrottle.PairKey(Guid.NewGuid(), "alice", "192.0.2.1"));
        Assert.NotEqual(SignInThrottle.PairKey(id, "alice", "192.0.2.1"), SignInThrottle.AccountKey(id, "alice"));
    }

    [Fact]
    public void Ipv6_addresses_in_one_64_bit_network_share_a_counter()
    {
        Assert.Equal(SignInThrottle.AddressKey("2001:db8:1:2::1"), SignInThrottle.AddressKey("2001:db8:1:2:ffff:ffff:ffff:ffff"));
        Assert.NotEqual(SignInThrottle.AddressKey("2001:db8:1:2::1"), SignInThrottle.AddressKey("2001:db8:1:3::1"));
    }

    [Fact]
    public void An_ipv4_address_mapped_into_ipv6_is_the_ipv4_address()
    {
        Assert.Equal(SignInThrottle.AddressKey("192.0.2.1"), SignInThrottle.AddressKey("::ffff:192.0.2.1"));
        Assert.NotEqual(SignInThrottle.AddressKey("192.0.2.1"), SignInThrottle.AddressKey("192.0.2.2"));
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("192.0.2.1")]
    [InlineData("2001:db8:ffff:ffff:ffff:ffff:ffff:ffff")]
    [InlineData("not an address at all, repeated until it is far longer than any key column could hold ....................................................................................................")]
    public void Keys_fit_in_200_characters(string? address)
    {
        var longName = new string('n', 1000);

        Assert.True(SignInThrottle.PairKey(null, longName, address).Length <= 200);
        Assert.True(SignInThrottle.PairKey(Guid.NewGuid(), longName, address).Length <= 200);
        Assert.True(SignInThrottle.AccountKey(null, longName).Length <= 200);
        Assert.True(SignInThrottle.AddressKey(address).Length <= 200);
    }

    private static ThrottleCounter Failed(int failures) => new(failures, Now);

    private static ThrottleCounter Failed(int failures, DateTimeOffset last) => new(failures, last);
}
