using System.Text.Json;
using System.Text.Json.Nodes;

namespace Aos.Cli.Commands;

/// <summary>Reads an option that holds a JSON object, refusing anything else before a request is sent.</summary>
internal static class JsonObjectOption
{
    public static JsonObject? Parse(string? text, string option)
    {
        if (text is null)
        {
            return null;
        }

        JsonNode? node;
        try
        {
            node = JsonNode.Parse(text, documentOptions: new JsonDocumentOptions { AllowDuplicateProperties = false });
        }
        catch (JsonException ex)
        {
            throw new CliException($"{option} is not valid JSON: {ex.Message}", ExitCodes.Usage);
        }

        return node as JsonObject
            ?? throw new CliException($"{option} must be a JSON object, for instance {option} '{{\"amount\": 900}}'.", ExitCodes.Usage);
    }
}
