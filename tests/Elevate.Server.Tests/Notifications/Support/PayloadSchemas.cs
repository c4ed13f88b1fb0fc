using System.Text.Json;
using System.Text.Json.Nodes;
using Json.Schema;

namespace Elevate.Server.Tests.Notifications.Support;

/// <summary>
/// Validates chat payloads against the JSON schemas (draft 2020-12) in <c>Notifications/Support/Schemas</c>, which
/// encode the documented shape and limits of Slack's and Microsoft Teams' incoming webhooks. Each method returns the
/// errors as "&lt;JSON pointer&gt;: &lt;message&gt; [&lt;keyword&gt; at &lt;schema path&gt;]" strings ("(root)" for the whole
/// document), empty when the payload is valid.
/// </summary>
public static class PayloadSchemas
{
    /// <summary>The folder the schema files are copied to, next to the test binaries.</summary>
    public static readonly string Folder = Path.Combine(AppContext.BaseDirectory, "Notifications", "Support", "Schemas");

    private static readonly Lazy<JsonSchema> Slack = new(() => Load("slack-message.schema.json"));
    private static readonly Lazy<JsonSchema> Teams = new(() => Load("teams-message.schema.json"));

    /// <summary>Errors of <paramref name="json"/> as a Slack incoming-webhook message with Block Kit blocks.</summary>
    public static IReadOnlyList<string> ValidateSlack(string json) => Validate(Slack.Value, json);

    /// <summary>Errors of <paramref name="json"/> as a Teams incoming-webhook message carrying Adaptive Cards.</summary>
    public static IReadOnlyList<string> ValidateTeams(string json) => Validate(Teams.Value, json);

    private static JsonSchema Load(string fileName)
    {
        var path = Path.Combine(Folder, fileName);
        if (!File.Exists(path))
        {
            throw new FileNotFoundException(
                $"The schema {fileName} was not copied next to the tests (see the csproj's None items).", path);
        }

        return JsonSchema.FromText(File.ReadAllText(path));
    }

    private static List<string> Validate(JsonSchema schema, string json)
    {
        JsonNode? instance;
        try
        {
            instance = JsonNode.Parse(json);
        }
        catch (JsonException e)
        {
            return [$"(root): not JSON ({e.Message})"];
        }

        var results = schema.Evaluate(instance, new EvaluationOptions
        {
            OutputFormat = OutputFormat.Hierarchical,
            RequireFormatValidation = true,
        });
        if (results.IsValid)
        {
            return [];
        }

        var errors = new List<string>();
        CollectErrors(results, errors);
        return errors.Count > 0 ? [.. errors.Distinct(StringComparer.Ordinal)] : ["(root): invalid (no detail reported)"];
    }

    /// <summary>
    /// Gathers the errors that made <paramref name="node"/> fail. Only failed nodes are descended into, and never
    /// anything under an <c>if</c> (whose failing only selects <c>else</c>), so errors that did not matter are left
    /// out. (The schemas use if/then rather than anyOf or oneOf for the same reason: the condensed output drops the
    /// passing anyOf node and would leave its failed branches looking like errors.)
    /// </summary>
    private static void CollectErrors(EvaluationResults node, List<string> errors)
    {
        if (node.Errors is not null)
        {
            foreach (var (keyword, message) in node.Errors)
            {
                var rule = keyword.Length == 0 ? "false schema" : keyword;
                var at = node.InstanceLocation.ToString();
                errors.Add($"{(at.Length == 0 ? "(root)" : at)}: {message} [{rule} at {node.EvaluationPath}]");
            }
        }

        if (!node.HasDetails)
        {
            return;
        }

        foreach (var child in node.Details)
        {
            if (!child.IsValid && !IsUnderIf(child.EvaluationPath.ToString()))
            {
                CollectErrors(child, errors);
            }
        }
    }

    private static bool IsUnderIf(string evaluationPath)
    {
        var segments = evaluationPath.Split('/');
        for (var i = 1; i < segments.Length; i++)
        {
            if (segments[i] == "if" && segments[i - 1] is not ("properties" or "$defs"))
            {
                return true;
            }
        }

        return false;
    }
}
