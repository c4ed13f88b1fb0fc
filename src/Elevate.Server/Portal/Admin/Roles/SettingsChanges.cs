using System.Text.RegularExpressions;
using Elevate.Core.Settings;

namespace Elevate.Server.Portal.Admin.Roles;

/// <summary>One rule that a save would change: its form key, its label, and its value before and after, in words.</summary>
public sealed record SettingChange(string Key, string Label, string Before, string After);

/// <summary>
/// What changes between two settings documents, rule by rule, in the words the form uses, so an administrator sees
/// exactly what a save would do before doing it. Lists of approvers compare as sets: their order means nothing.
/// A stage that is added or removed reads as one line rather than seven.
/// </summary>
public static partial class SettingsChanges
{
    public static IReadOnlyList<SettingChange> Describe(RoleSettings before, RoleSettings after, Func<Guid, string>? nameOf = null)
    {
        nameOf ??= id => id.ToString();
        var changes = new List<SettingChange>();
        foreach (var entry in SettingsCatalogue.Entries)
        {
            if (entry.Key == "Stages")
            {
                continue;
            }

            if (StageField().Match(entry.Key) is { Success: true } m)
            {
                var index = int.Parse(m.Groups["i"].Value, System.Globalization.CultureInfo.InvariantCulture);
                var was = StageAt(before, index);
                var now = StageAt(after, index);
                if (was is null || now is null)
                {
                    if (m.Groups["field"].Value == "Approvers" && (was is not null || now is not null))
                    {
                        changes.Add(new($"Stages[{index}]", $"{SettingsCatalogue.Approval}: stage {index + 1}",
                            SettingsCatalogue.Stage(was, nameOf), SettingsCatalogue.Stage(now, nameOf)));
                    }

                    continue;
                }
            }

            var shownBefore = entry.Show(before, nameOf);
            var shownAfter = entry.Show(after, nameOf);
            if (!string.Equals(shownBefore, shownAfter, StringComparison.Ordinal))
            {
                changes.Add(new(entry.Key, $"{entry.Group}: {entry.Label}", shownBefore, shownAfter));
            }
        }

        return changes;
    }

    private static ApprovalStage? StageAt(RoleSettings settings, int index) =>
        index < settings.Activation.Approval.Stages.Count ? settings.Activation.Approval.Stages[index] : null;

    [GeneratedRegex(@"^Stages\[(?<i>\d+)\]\.(?<field>[A-Za-z]+)$")]
    private static partial Regex StageField();
}
