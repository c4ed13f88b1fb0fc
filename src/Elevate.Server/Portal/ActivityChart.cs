using System.Globalization;
using System.Net;
using System.Text;

namespace Elevate.Server.Portal;

/// <summary>One role's activations per day (index 0 is the first day of the chart).</summary>
public sealed record ActivitySeries(string Label, string Colour, IReadOnlyList<int> PerDay)
{
    public int Total => PerDay.Sum();
}

/// <summary>Activations per role and UTC day, the largest roles first and the rest folded into "other roles".</summary>
public sealed record ActivityData(DateOnly FirstDay, int Days, IReadOnlyList<ActivitySeries> Series)
{
    public int Total => Series.Sum(s => s.Total);

    public int DayTotal(int day) => Series.Sum(s => s.PerDay[day]);
}

/// <summary>
/// The home page's picture of activations over the last days: stacked bars per UTC day, one colour per role, drawn as
/// inline SVG on the server so that it needs no script and no inline style (the CSP allows neither). Everything here
/// is pure, so what the chart says can be tested without a browser.
/// </summary>
public static class ActivityChart
{
    public const int TopRoles = 8;

    public const string OtherLabel = "other roles";

    /// <summary>Okabe–Ito based colours, told apart with colour-blindness and legible on white; grey is "other".</summary>
    public static readonly IReadOnlyList<string> Palette = ["#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#332288", "#882255"];

    public const string OtherColour = "#8C8C8C";

    private static readonly int[] NiceSteps = [1, 2, 5, 10];

    private const int Width = 640;
    private const int Height = 240;
    private const int Left = 40;
    private const int Right = 8;
    private const int Top = 12;
    private const int Bottom = 30;

    /// <summary>
    /// Folds counted rows (role, day index, count) into at most <see cref="TopRoles"/> series, the roles with the most
    /// activations first (ties by name), and one "other roles" series for the rest.
    /// </summary>
    public static ActivityData Build(DateOnly firstDay, int days, IEnumerable<(string Role, int Day, int Count)> rows)
    {
        var byRole = new Dictionary<string, int[]>(StringComparer.Ordinal);
        foreach (var (role, day, count) in rows)
        {
            if (day < 0 || day >= days)
            {
                continue;
            }

            if (!byRole.TryGetValue(role, out var perDay))
            {
                byRole[role] = perDay = new int[days];
            }

            perDay[day] += count;
        }

        var ranked = byRole.OrderByDescending(r => r.Value.Sum()).ThenBy(r => r.Key, StringComparer.OrdinalIgnoreCase).ToList();
        var series = ranked.Take(TopRoles).Select((r, i) => new ActivitySeries(r.Key, Palette[i], r.Value)).ToList();
        if (ranked.Count > TopRoles)
        {
            var other = new int[days];
            foreach (var (_, perDay) in ranked.Skip(TopRoles))
            {
                for (var d = 0; d < days; d++)
                {
                    other[d] += perDay[d];
                }
            }

            series.Add(new ActivitySeries(OtherLabel, OtherColour, other));
        }

        return new ActivityData(firstDay, days, series);
    }

    /// <summary>One sentence that says what the picture shows, for its label and for screen readers.</summary>
    public static string Summary(ActivityData data)
    {
        var last = data.FirstDay.AddDays(data.Days - 1);
        var range = $"{Day(data.FirstDay)} to {Day(last)} (UTC)";
        if (data.Total == 0)
        {
            return $"No activations from {range}.";
        }

        var parts = data.Series.Select(s => $"{s.Label} {s.Total}");
        return $"{data.Total} {(data.Total == 1 ? "activation" : "activations")} from {range}: {string.Join(", ", parts)}.";
    }

    /// <summary>The chart as an SVG element: bars, axes with labels, a title and a description.</summary>
    public static string Svg(ActivityData data, string id = "activity-chart")
    {
        var plotWidth = Width - Left - Right;
        var plotHeight = Height - Top - Bottom;
        var max = NiceMax(Enumerable.Range(0, data.Days).Select(data.DayTotal).DefaultIfEmpty(0).Max());
        var slot = (double)plotWidth / Math.Max(1, data.Days);
        var barWidth = Math.Max(1, slot - 2);
        var svg = new StringBuilder();
        svg.Append(CultureInfo.InvariantCulture, $"<svg class=\"chart-svg\" xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 {Width} {Height}\" role=\"img\" aria-labelledby=\"{id}-title {id}-desc\" id=\"{id}\">");
        svg.Append(CultureInfo.InvariantCulture, $"<title id=\"{id}-title\">Activations per day, last {data.Days} days</title>");
        svg.Append(CultureInfo.InvariantCulture, $"<desc id=\"{id}-desc\">{Encode(Summary(data))}</desc>");

        foreach (var tick in new[] { 0, max / 2, max }.Distinct())
        {
            var y = Top + plotHeight - (double)tick / max * plotHeight;
            svg.Append(CultureInfo.InvariantCulture, $"<line x1=\"{Left}\" x2=\"{Width - Right}\" y1=\"{N(y)}\" y2=\"{N(y)}\" stroke=\"#d5dbe1\" stroke-width=\"1\"/>");
            svg.Append(CultureInfo.InvariantCulture, $"<text x=\"{Left - 6}\" y=\"{N(y + 4)}\" text-anchor=\"end\" font-size=\"11\" fill=\"#4a5562\">{tick}</text>");
        }

        for (var day = 0; day < data.Days; day++)
        {
            var x = Left + day * slot + 1;
            var stacked = 0;
            foreach (var series in data.Series)
            {
                var count = series.PerDay[day];
                if (count == 0)
                {
                    continue;
                }

                var top = Top + plotHeight - (double)(stacked + count) / max * plotHeight;
                var height = (double)count / max * plotHeight;
                svg.Append(CultureInfo.InvariantCulture,
                    $"<rect x=\"{N(x)}\" y=\"{N(top)}\" width=\"{N(barWidth)}\" height=\"{N(height)}\" fill=\"{series.Colour}\" data-role=\"{Encode(series.Label)}\" data-day=\"{Day(data.FirstDay.AddDays(day))}\" data-count=\"{count}\"><title>{Encode(series.Label)}: {count} on {Day(data.FirstDay.AddDays(day))}</title></rect>");
                stacked += count;
            }

            if ((data.Days - 1 - day) % 7 == 0) // today and every week before it, so no two labels collide
            {
                svg.Append(CultureInfo.InvariantCulture,
                    $"<text x=\"{N(x + barWidth / 2)}\" y=\"{Height - Bottom + 16}\" text-anchor=\"middle\" font-size=\"11\" fill=\"#4a5562\">{data.FirstDay.AddDays(day).ToString("MM-dd", CultureInfo.InvariantCulture)}</text>");
            }
        }

        svg.Append(CultureInfo.InvariantCulture, $"<line x1=\"{Left}\" x2=\"{Width - Right}\" y1=\"{Top + plotHeight}\" y2=\"{Top + plotHeight}\" stroke=\"#4a5562\" stroke-width=\"1\"/>");
        svg.Append(CultureInfo.InvariantCulture, $"<text x=\"{Left + plotWidth / 2}\" y=\"{Height - 2}\" text-anchor=\"middle\" font-size=\"11\" fill=\"#4a5562\">Day (UTC)</text>");
        svg.Append(CultureInfo.InvariantCulture, $"<text x=\"12\" y=\"{Top + plotHeight / 2}\" text-anchor=\"middle\" font-size=\"11\" fill=\"#4a5562\" transform=\"rotate(-90 12 {Top + plotHeight / 2})\">Activations</text>");
        svg.Append("</svg>");
        return svg.ToString();
    }

    /// <summary>A small swatch of a series' colour for the legend (an SVG, since inline styles are not allowed).</summary>
    public static string Swatch(string colour) =>
        $"<svg class=\"chart-swatch\" width=\"12\" height=\"12\" viewBox=\"0 0 12 12\" aria-hidden=\"true\" focusable=\"false\"><rect width=\"12\" height=\"12\" fill=\"{colour}\"/></svg>";

    /// <summary>The top of the scale: at least 1, even, and rounded up to a readable number.</summary>
    public static int NiceMax(int max)
    {
        if (max <= 2)
        {
            return 2;
        }

        var step = (int)Math.Pow(10, Math.Floor(Math.Log10(max)));
        var candidates = NiceSteps.Select(m => m * step);
        var nice = candidates.First(c => c >= max);
        return nice % 2 == 0 ? nice : nice + 1;
    }

    private static string Day(DateOnly day) => day.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);

    private static string N(double value) => Math.Round(value, 1).ToString(CultureInfo.InvariantCulture);

    private static string Encode(string text) => WebUtility.HtmlEncode(text);
}
