using System.Xml.Linq;
using Elevate.Server.Portal;

namespace Elevate.Server.Tests.Requests;

/// <summary>The activity chart's folding of counts into series and what its SVG says, without a browser or a database.</summary>
public sealed class ActivityChartTests
{
    private static readonly DateOnly First = new(2026, 11, 1);

    [Fact]
    public void The_eight_largest_roles_keep_their_own_colour_and_the_rest_are_other_roles()
    {
        var rows = Enumerable.Range(0, 10).Select(i => ($"role-{i}", i, 10 - i)).Append(("role-0", 29, 1)).Append(("ignored", 30, 5));

        var data = ActivityChart.Build(First, 30, rows);

        Assert.Equal(9, data.Series.Count);
        Assert.Equal([.. Enumerable.Range(0, 8).Select(i => $"role-{i}"), ActivityChart.OtherLabel], data.Series.Select(s => s.Label));
        Assert.Equal(11, data.Series[0].Total);
        Assert.Equal(1, data.Series[0].PerDay[29]);
        Assert.Equal(2 + 1, data.Series[^1].Total);
        Assert.Equal(ActivityChart.OtherColour, data.Series[^1].Colour);
        Assert.Equal(8, data.Series.Take(8).Select(s => s.Colour).Distinct().Count());
        Assert.Equal(56, data.Total);
    }

    [Fact]
    public void The_svg_is_an_image_with_a_title_a_description_and_one_bar_per_role_and_day()
    {
        var data = ActivityChart.Build(First, 30, [("db-admin", 0, 2), ("web & <admin>", 0, 1), ("db-admin", 29, 3)]);

        var svg = ActivityChart.Svg(data);

        var root = XElement.Parse(svg);
        Assert.Equal("img", root.Attribute("role")?.Value);
        XNamespace ns = "http://www.w3.org/2000/svg";
        Assert.Equal("Activations per day, last 30 days", root.Element(ns + "title")?.Value);
        Assert.Equal("6 activations from 2026-11-01 to 2026-11-30 (UTC): db-admin 5, web & <admin> 1.", root.Element(ns + "desc")?.Value);
        var bars = root.Elements(ns + "rect").Select(r => (r.Attribute("data-role")!.Value, r.Attribute("data-day")!.Value, int.Parse(r.Attribute("data-count")!.Value, System.Globalization.CultureInfo.InvariantCulture))).ToList();
        Assert.Equal([("db-admin", "2026-11-01", 2), ("web & <admin>", "2026-11-01", 1), ("db-admin", "2026-11-30", 3)], bars);
        Assert.DoesNotContain("style=", svg);
        Assert.Contains("11-30", svg);
    }

    [Fact]
    public void Stacked_bars_never_overflow_the_plot_and_an_empty_chart_says_so()
    {
        var data = ActivityChart.Build(First, 30, [("a", 3, 7), ("b", 3, 6)]);
        var root = XElement.Parse(ActivityChart.Svg(data));
        XNamespace ns = "http://www.w3.org/2000/svg";
        var tops = root.Elements(ns + "rect").Select(r => double.Parse(r.Attribute("y")!.Value, System.Globalization.CultureInfo.InvariantCulture));
        Assert.All(tops, y => Assert.True(y >= 0, $"A bar starts above the chart at y={y}."));

        var empty = ActivityChart.Build(First, 30, []);
        Assert.Empty(empty.Series);
        Assert.Equal("No activations from 2026-11-01 to 2026-11-30 (UTC).", ActivityChart.Summary(empty));
        Assert.Empty(XElement.Parse(ActivityChart.Svg(empty)).Elements(ns + "rect"));
    }

    [Theory]
    [InlineData(0, 2)]
    [InlineData(3, 6)]
    [InlineData(13, 20)]
    [InlineData(20, 20)]
    [InlineData(120, 200)]
    public void The_scale_rounds_up_to_a_readable_even_number(int max, int nice) => Assert.Equal(nice, ActivityChart.NiceMax(max));
}
