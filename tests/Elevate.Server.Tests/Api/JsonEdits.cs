using System.Text.Json.Nodes;

namespace Elevate.Server.Tests.Api;

/// <summary>Spoiling a JSON body one member at a time, by dotted path ("schedule.duration").</summary>
public static class JsonEdits
{
    public static JsonObject With(this JsonObject body, string path, JsonNode? value)
    {
        var (parent, name) = Walk(body, path);
        parent[name] = value;
        return body;
    }

    public static JsonObject Without(this JsonObject body, string path)
    {
        var (parent, name) = Walk(body, path);
        parent.Remove(name);
        return body;
    }

    private static (JsonObject Parent, string Name) Walk(JsonObject body, string path)
    {
        var names = path.Split('.');
        var parent = body;
        foreach (var name in names[..^1])
        {
            parent = parent[name] as JsonObject ?? throw new ArgumentException($"'{name}' is not an object in the body.", nameof(path));
        }

        return (parent, names[^1]);
    }
}
