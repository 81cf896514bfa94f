using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Jasper.Infra.Tests;

/// <summary>Walks a compiled ARM template, nested module deployments included.</summary>
internal static class ArmTemplate
{
    /// <summary>Every resource of the template and of the templates of its nested deployments.</summary>
    public static List<JsonObject> Resources(JsonObject template)
    {
        var all = new List<JsonObject>();
        var resources = template["resources"] switch
        {
            JsonArray array => array.Select(r => r!.AsObject()),
            JsonObject symbolic => symbolic.Select(p => p.Value!.AsObject()),
            _ => [],
        };
        foreach (var resource in resources)
        {
            all.Add(resource);
            if (resource["type"]?.GetValue<string>() == "Microsoft.Resources/deployments" && resource["properties"]?["template"] is JsonObject nested)
            {
                all.AddRange(Resources(nested));
            }
        }

        return all;
    }

    /// <summary>Resources of one type.</summary>
    public static List<JsonObject> OfType(JsonObject template, string type) =>
        Resources(template).Where(r => string.Equals(r["type"]?.GetValue<string>(), type, StringComparison.OrdinalIgnoreCase)).ToList();

    private static readonly JsonSerializerOptions Readable = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    /// <summary>JSON text with ARM expressions as written (<c>'</c> not escaped), for searching.</summary>
    public static string Text(JsonNode node) => node.ToJsonString(Readable);

    /// <summary>The one resource of a type.</summary>
    public static JsonObject Single(JsonObject template, string type)
    {
        var matches = OfType(template, type);
        return matches.Count == 1 ? matches[0] : throw new InvalidOperationException($"{matches.Count} resources of type {type}");
    }
}
