using System.Text.Json;
using Elevate.Core.Common;
using Elevate.Core.Common.Json;
using Elevate.Core.Requests;

namespace Elevate.Core.Tests.Common;

public sealed class JsonConvertersTests
{
    private static readonly JsonSerializerOptions Options = ElevateJson.Options;

    [Theory]
    [InlineData("2026-11-27T10:00:00Z")]
    [InlineData("2026-11-27t10:00:00z")]
    [InlineData("2026-11-27T11:00:00+01:00")]
    [InlineData("2026-11-27T05:30:00-04:30")]
    public void A_time_with_an_offset_is_read_as_the_same_instant_in_utc(string text)
    {
        var value = Read<DateTimeOffset>(text);

        Assert.Equal(new DateTimeOffset(2026, 11, 27, 10, 0, 0, TimeSpan.Zero), value);
        Assert.Equal(TimeSpan.Zero, value.Offset);
    }

    [Theory]
    [InlineData("2026-11-27T10:00:00")]
    [InlineData("2026-11-27T10:00:00.123")]
    [InlineData("2026-11-27")]
    [InlineData("2026-11-27 10:00:00Z")]
    [InlineData("2026-11-27T10:00Z")]
    [InlineData("2026-02-30T10:00:00Z")]
    [InlineData("27/11/2026 10:00:00 +00:00")]
    [InlineData("2026-11-27T10:00:00+0100")]
    [InlineData("")]
    public void A_time_without_an_offset_or_not_in_rfc_3339_form_is_an_invalid_time(string text)
    {
        var error = Assert.Throws<InputException>(() => Read<DateTimeOffset>(text));

        Assert.Equal(ErrorCodes.InvalidTime, error.Code);
    }

    [Fact]
    public void A_time_that_is_not_a_string_is_an_invalid_type()
    {
        var error = Assert.Throws<InputException>(() => JsonSerializer.Deserialize<DateTimeOffset>("1764237600", Options));

        Assert.Equal(ErrorCodes.InvalidType, error.Code);
    }

    [Fact]
    public void A_time_is_truncated_to_microseconds()
    {
        var value = Read<DateTimeOffset>("2026-11-27T10:00:00.1234567Z");

        Assert.Equal(new DateTimeOffset(2026, 11, 27, 10, 0, 0, TimeSpan.Zero).AddTicks(1234560), value);
    }

    [Fact]
    public void A_time_with_nanoseconds_is_read_and_truncated_to_microseconds()
    {
        var value = Read<DateTimeOffset>("2026-11-27T10:00:00.123456789Z");

        Assert.Equal(new DateTimeOffset(2026, 11, 27, 10, 0, 0, TimeSpan.Zero).AddTicks(1234560), value);
    }

    [Fact]
    public void A_time_is_written_in_utc_with_a_z()
    {
        var value = new DateTimeOffset(2026, 11, 27, 11, 0, 0, TimeSpan.FromHours(1));

        Assert.Equal("\"2026-11-27T10:00:00Z\"", JsonSerializer.Serialize(value, Options));
        Assert.Equal("\"2026-11-27T10:00:00.12345Z\"", JsonSerializer.Serialize(value.AddTicks(1234500), Options));
    }

    [Fact]
    public void A_time_without_offset_inside_a_request_names_its_path()
    {
        const string json = """{"startsAt":"2026-11-27T10:00:00","expiration":"afterDuration","endsAt":null,"duration":"PT2H"}""";

        var error = Assert.Throws<InputException>(() => JsonSerializer.Deserialize<ScheduleInput>(json, Options));

        Assert.Equal(ErrorCodes.InvalidTime, error.Code);
        Assert.Equal("$.startsAt", error.Path);
    }

    [Fact]
    public void A_schedule_is_read_with_its_times_and_duration()
    {
        const string json = """{"startsAt":"2026-11-27T11:00:00+01:00","expiration":"afterDuration","endsAt":null,"duration":"PT2H"}""";

        var input = JsonSerializer.Deserialize<ScheduleInput>(json, Options);

        Assert.Equal(
            new ScheduleInput(new DateTimeOffset(2026, 11, 27, 10, 0, 0, TimeSpan.Zero), ExpirationType.AfterDuration, null, TimeSpan.FromHours(2)),
            input);
    }

    [Theory]
    [InlineData("PT2H", 2 * 3600)]
    [InlineData("P1DT12H", 36 * 3600)]
    public void A_duration_is_read_from_iso_8601(string text, int seconds)
    {
        Assert.Equal(TimeSpan.FromSeconds(seconds), Read<TimeSpan>(text));
    }

    [Theory]
    [InlineData("P1Y")]
    [InlineData("2h")]
    [InlineData("02:00:00")]
    [InlineData("P3661D")]
    public void A_duration_not_in_exact_iso_units_is_an_invalid_duration(string text)
    {
        var error = Assert.Throws<InputException>(() => Read<TimeSpan>(text));

        Assert.Equal(ErrorCodes.InvalidDuration, error.Code);
    }

    [Fact]
    public void A_duration_that_is_not_a_string_is_an_invalid_type()
    {
        var error = Assert.Throws<InputException>(() => JsonSerializer.Deserialize<TimeSpan>("7200", Options));

        Assert.Equal(ErrorCodes.InvalidType, error.Code);
    }

    [Fact]
    public void A_duration_is_written_in_iso_8601()
    {
        Assert.Equal("\"P1DT2H30M\"", JsonSerializer.Serialize(new TimeSpan(1, 2, 30, 0), Options));
    }

    [Fact]
    public void Unknown_members_are_rejected()
    {
        const string json = """{"action":"selfActivate","roleId":null,"bogus":1}""";

        Assert.ThrowsAny<JsonException>(() => JsonSerializer.Deserialize<SubmitRequest>(json, Options));
    }

    [Fact]
    public void Enums_are_written_as_camel_case_names()
    {
        Assert.Equal("\"selfActivate\"", JsonSerializer.Serialize(RequestAction.SelfActivate, Options));
        Assert.Equal("\"pendingApproval\"", JsonSerializer.Serialize(RequestStatus.PendingApproval, Options));
    }

    [Fact]
    public void Enums_are_read_from_camel_case_names()
    {
        Assert.Equal(RequestAction.AdminAssign, JsonSerializer.Deserialize<RequestAction>("\"adminAssign\"", Options));
    }

    [Theory]
    [InlineData("5")]
    [InlineData("0")]
    [InlineData("\"5\"")]
    public void Enums_given_as_integers_are_rejected(string json)
    {
        Assert.ThrowsAny<JsonException>(() => JsonSerializer.Deserialize<RequestAction>(json, Options));
    }

    [Fact]
    public void Members_are_written_in_camel_case()
    {
        Assert.Equal("""{"system":"jira","number":"INC-1"}""", JsonSerializer.Serialize(new TicketInput("jira", "INC-1"), Options));
    }

    [Theory]
    [InlineData("""{"system":"jira","number":"INC-1",}""")]
    [InlineData("""{"system":"jira", /* why */ "number":"INC-1"}""")]
    public void Trailing_commas_and_comments_are_rejected(string json)
    {
        Assert.ThrowsAny<JsonException>(() => JsonSerializer.Deserialize<TicketInput>(json, Options));
    }

    private static T Read<T>(string text) => JsonSerializer.Deserialize<T>(JsonSerializer.Serialize(text), Options)!;
}
