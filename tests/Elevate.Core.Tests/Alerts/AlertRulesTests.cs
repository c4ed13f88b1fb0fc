using System.Text.Json;
using Elevate.Core.Alerts;
using Elevate.Core.Common;
using Elevate.Core.Common.Json;
using Microsoft.Extensions.Time.Testing;

namespace Elevate.Core.Tests.Alerts;

public sealed class AlertRulesTests
{
    private static readonly FakeTimeProvider Clock = new(new DateTimeOffset(2026, 11, 27, 9, 0, 0, TimeSpan.Zero));

    private static readonly AlertSettings TwoAndTen = new() { MaxPermanentAdministrators = 2, MaxPermanentAdministratorPercent = 10 };

    [Theory]
    [InlineData(3, 4, true)] // 3 > 2 and 75% > 10%
    [InlineData(2, 4, false)] // the count is not exceeded (equal is allowed)
    [InlineData(3, 30, false)] // 3 of 30 is exactly 10%: the share is not exceeded
    [InlineData(3, 29, true)] // 3 of 29 is just over 10%
    [InlineData(4, 100, false)] // count exceeded, share (4%) not: both must be exceeded
    [InlineData(0, 0, false)]
    [InlineData(3, 0, true)] // nobody counted as "everyone": the count alone decides
    public void Too_many_permanent_needs_both_the_count_and_the_share_exceeded(int permanent, int everyone, bool expected)
    {
        Assert.Equal(expected, AlertRules.TooManyPermanent(permanent, everyone, TwoAndTen));
    }

    [Fact]
    public void Too_many_permanent_with_a_zero_count_and_zero_share_flags_any_permanent_administrator()
    {
        var strict = new AlertSettings { MaxPermanentAdministrators = 0, MaxPermanentAdministratorPercent = 0 };
        Assert.True(AlertRules.TooManyPermanent(1, 50, strict));
        Assert.False(AlertRules.TooManyPermanent(0, 50, strict));
    }

    [Fact]
    public void Too_many_permanent_with_a_share_of_100_percent_is_never_raised()
    {
        var lenient = new AlertSettings { MaxPermanentAdministrators = 0, MaxPermanentAdministratorPercent = 100 };
        Assert.False(AlertRules.TooManyPermanent(5, 5, lenient));
    }

    [Fact]
    public void Nothing_found_and_no_alert_changes_nothing()
    {
        Assert.Equal(AlertChange.None, AlertRules.Reconcile(null, Finding.None(AlertType.StaleAccounts), []));
    }

    [Fact]
    public void A_finding_without_an_alert_raises_one()
    {
        Assert.Equal(AlertChange.Raise, AlertRules.Reconcile(null, Found("a"), []));
    }

    [Fact]
    public void The_same_items_and_count_change_nothing()
    {
        Assert.Equal(AlertChange.None, AlertRules.Reconcile(Alert(AlertStatus.Open, "a", "b"), Found("a", "b"), []));
    }

    [Fact]
    public void Other_items_update_an_open_alert()
    {
        Assert.Equal(AlertChange.Update, AlertRules.Reconcile(Alert(AlertStatus.Open, "a"), Found("a", "b"), []));
        Assert.Equal(AlertChange.Update, AlertRules.Reconcile(Alert(AlertStatus.Open, "a", "b"), Found("a"), []));
    }

    [Fact]
    public void The_same_items_with_another_count_update_an_open_alert()
    {
        var alert = Alert(AlertStatus.Open, "a");
        Assert.Equal(AlertChange.Update, AlertRules.Reconcile(alert, new Finding(AlertType.StaleAccounts, [Item("a")], 700), []));
    }

    [Fact]
    public void An_item_whose_detail_changed_updates_the_alert()
    {
        var alert = Alert(AlertStatus.Open, "a");
        var found = new Finding(AlertType.StaleAccounts, [Item("a") with { Detail = "something else" }], 1);
        Assert.Equal(AlertChange.Update, AlertRules.Reconcile(alert, found, []));
    }

    [Theory]
    [InlineData(AlertStatus.Open)]
    [InlineData(AlertStatus.Dismissed)]
    public void Nothing_found_resolves_an_open_or_dismissed_alert(AlertStatus status)
    {
        Assert.Equal(AlertChange.Resolve, AlertRules.Reconcile(Alert(status, "a"), Finding.None(AlertType.StaleAccounts), ["a"]));
    }

    [Fact]
    public void A_dismissed_alert_stays_dismissed_with_the_same_items()
    {
        Assert.Equal(AlertChange.None, AlertRules.Reconcile(Alert(AlertStatus.Dismissed, "a", "b"), Found("a", "b"), ["a", "b"]));
    }

    [Fact]
    public void A_dismissed_alert_with_fewer_items_is_updated_but_not_reopened()
    {
        Assert.Equal(AlertChange.Update, AlertRules.Reconcile(Alert(AlertStatus.Dismissed, "a", "b"), Found("a"), ["a", "b"]));
    }

    [Fact]
    public void A_new_item_reopens_a_dismissed_alert()
    {
        Assert.Equal(AlertChange.Reopen, AlertRules.Reconcile(Alert(AlertStatus.Dismissed, "a"), Found("a", "c"), ["a"]));
        Assert.Equal(AlertChange.Reopen, AlertRules.Reconcile(Alert(AlertStatus.Dismissed, "a"), Found("c"), ["a"]));
    }

    [Fact]
    public void A_resolved_alert_with_new_findings_raises_a_new_one()
    {
        Assert.Equal(AlertChange.Raise, AlertRules.Reconcile(Alert(AlertStatus.Resolved, "a"), Found("a"), ["a"]));
        Assert.Equal(AlertChange.None, AlertRules.Reconcile(Alert(AlertStatus.Resolved, "a"), Finding.None(AlertType.StaleAccounts), []));
    }

    [Fact]
    public void The_default_settings_are_valid_and_follow_entra()
    {
        var d = AlertSettings.Default;
        Assert.Empty(d.Validate());
        Assert.Equal(2, d.MaxPermanentAdministrators);
        Assert.Equal(10, d.MaxPermanentAdministratorPercent);
        Assert.Equal(5, d.FrequentActivationCount);
        Assert.Equal(TimeSpan.FromDays(1), d.FrequentActivationWindow);
        Assert.Equal(TimeSpan.FromDays(90), d.StaleEligibilityAfter);
        Assert.Equal(TimeSpan.FromDays(90), d.StaleAccountAfter);
    }

    public static TheoryData<string, AlertSettings> OutOfRange => new()
    {
        { "maxPermanentAdministrators", new AlertSettings { MaxPermanentAdministrators = -1 } },
        { "maxPermanentAdministrators", new AlertSettings { MaxPermanentAdministrators = 1001 } },
        { "maxPermanentAdministratorPercent", new AlertSettings { MaxPermanentAdministratorPercent = -1 } },
        { "maxPermanentAdministratorPercent", new AlertSettings { MaxPermanentAdministratorPercent = 101 } },
        { "frequentActivationCount", new AlertSettings { FrequentActivationCount = 1 } },
        { "frequentActivationCount", new AlertSettings { FrequentActivationCount = 1001 } },
        { "frequentActivationWindow", new AlertSettings { FrequentActivationWindow = TimeSpan.FromMinutes(5) - TimeSpan.FromSeconds(1) } },
        { "frequentActivationWindow", new AlertSettings { FrequentActivationWindow = TimeSpan.FromDays(30) + TimeSpan.FromSeconds(1) } },
        { "staleEligibilityAfter", new AlertSettings { StaleEligibilityAfter = TimeSpan.FromHours(23) } },
        { "staleEligibilityAfter", new AlertSettings { StaleEligibilityAfter = TimeSpan.FromDays(3651) } },
        { "staleAccountAfter", new AlertSettings { StaleAccountAfter = TimeSpan.FromHours(23) } },
        { "staleAccountAfter", new AlertSettings { StaleAccountAfter = TimeSpan.FromDays(3651) } },
        { "disabled", new AlertSettings { Disabled = [(AlertType)99] } },
    };

    [Theory]
    [MemberData(nameof(OutOfRange))]
    public void A_value_out_of_range_is_refused_naming_its_field(string field, AlertSettings settings)
    {
        var error = Assert.Single(settings.Validate());
        Assert.Equal(field, error.Field);
        Assert.Equal(ErrorCodes.InvalidValue, error.Code);
        Assert.Equal(ErrorKind.Validation, error.Kind);
    }

    [Fact]
    public void The_edge_values_are_allowed()
    {
        var low = new AlertSettings
        {
            MaxPermanentAdministrators = 0,
            MaxPermanentAdministratorPercent = 0,
            FrequentActivationCount = 2,
            FrequentActivationWindow = TimeSpan.FromMinutes(5),
            StaleEligibilityAfter = TimeSpan.FromDays(1),
            StaleAccountAfter = TimeSpan.FromDays(1),
            Disabled = [AlertType.GrantsOutsideElevate],
        };
        var high = new AlertSettings
        {
            MaxPermanentAdministrators = 1000,
            MaxPermanentAdministratorPercent = 100,
            FrequentActivationCount = 1000,
            FrequentActivationWindow = TimeSpan.FromDays(30),
            StaleEligibilityAfter = TimeSpan.FromDays(3650),
            StaleAccountAfter = TimeSpan.FromDays(3650),
        };
        Assert.Empty(low.Validate());
        Assert.Empty(high.Validate());
    }

    [Fact]
    public void Every_wrong_field_is_reported_at_once()
    {
        var bad = new AlertSettings { MaxPermanentAdministrators = -1, FrequentActivationCount = 0, StaleAccountAfter = TimeSpan.Zero };
        Assert.Equal(["maxPermanentAdministrators", "frequentActivationCount", "staleAccountAfter"], bad.Validate().Select(e => e.Field));
    }

    [Fact]
    public void The_catalogue_has_one_definition_per_type_with_fixes_only_where_the_service_applies_one()
    {
        Assert.Equal(Enum.GetValues<AlertType>(), AlertCatalogue.All.Select(d => d.Type));
        var withFix = AlertCatalogue.All.Where(d => d.Fix is not null).Select(d => d.Type).ToHashSet();
        Assert.Equal(
            new HashSet<AlertType> { AlertType.TooManyPermanentAdministrators, AlertType.RolesWithoutMfa, AlertType.StaleEligibility, AlertType.StandingAdministratorAssignments },
            withFix);
        Assert.Equal(AlertSeverity.High, AlertCatalogue.Of(AlertType.GrantsOutsideElevate).Severity);
    }

    [Fact]
    public void Items_round_trip_and_are_capped_at_the_kept_number()
    {
        var many = Enumerable.Range(0, SecurityAlert.MaxItemsKept + 10).Select(i => Item($"k{i}")).ToList();
        var alert = new SecurityAlert { Items = SecurityAlert.WriteItems(many), RaisedAt = Clock.GetUtcNow() };
        var read = alert.ReadItems();
        Assert.Equal(SecurityAlert.MaxItemsKept, read.Count);
        Assert.Equal(many.Take(SecurityAlert.MaxItemsKept), read);
        Assert.Equal("k0", JsonSerializer.Deserialize<List<AlertItem>>(alert.Items, ElevateJson.Options)![0].Key);
    }

    private static AlertItem Item(string key) => new(key, Guid.Empty, "alice", Detail: "detail");

    private static Finding Found(params string[] keys) => new(AlertType.StaleAccounts, [.. keys.Select(Item)], keys.Length);

    private static SecurityAlert Alert(AlertStatus status, params string[] keys) => new()
    {
        Type = AlertType.StaleAccounts,
        Status = status,
        Items = SecurityAlert.WriteItems(keys.Select(Item)),
        ItemCount = keys.Length,
        DismissedItemCount = status == AlertStatus.Dismissed ? keys.Length : 0,
        RaisedAt = Clock.GetUtcNow(),
    };

    [Fact]
    public void Past_the_kept_items_a_dismissal_reopens_on_more_items_not_on_items_sliding_into_view()
    {
        var kept = Enumerable.Range(0, SecurityAlert.MaxItemsKept).Select(i => $"k{i:D4}").ToArray();
        var dismissed = Alert(AlertStatus.Dismissed, kept);
        dismissed.ItemCount = dismissed.DismissedItemCount = 600;

        // One kept item was fixed and item 501 slid into view: the same 599 + nothing new.
        var slid = new Finding(AlertType.StaleAccounts, [.. kept.Skip(1).Append("k0500").Select(Item)], 599);
        Assert.Equal(AlertChange.Update, AlertRules.Reconcile(dismissed, slid, kept));

        var more = new Finding(AlertType.StaleAccounts, [.. kept.Select(Item)], 601);
        Assert.Equal(AlertChange.Reopen, AlertRules.Reconcile(dismissed, more, kept));
    }
}
