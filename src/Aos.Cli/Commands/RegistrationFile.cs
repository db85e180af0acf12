using System.Text.Json;
using System.Text.Json.Nodes;
using Aos.Kernel.Definitions;

namespace Aos.Cli.Commands;

/// <summary>Reads agent registrations from a JSON or YAML file: one agent, a list, or <c>{agents: [...]}</c>.</summary>
internal static class RegistrationFile
{
    public static JsonNode Read(FileInfo file)
    {
        if (!file.Exists)
        {
            throw new CliException($"file not found: {file.FullName}", ExitCodes.Usage);
        }

        var text = File.ReadAllText(file.FullName);
        var node = IsYaml(file, text) ? FromYaml(text, file.Name) : FromJson(text, file.Name);
        if (node is JsonObject obj && obj["agents"] is JsonArray agents)
        {
            node = agents.DeepClone();
        }

        return node switch
        {
            JsonObject or JsonArray => node,
            _ => throw new CliException($"{file.Name} must hold an agent object, a list of agents, or {{agents: [...]}}.", ExitCodes.Usage),
        };
    }

    private static bool IsYaml(FileInfo file, string text) =>
        file.Extension is ".yaml" or ".yml" || (file.Extension is not ".json" && !text.TrimStart().StartsWith('{') && !text.TrimStart().StartsWith('['));

    private static JsonNode? FromJson(string text, string name)
    {
        try
        {
            // Duplicate properties would otherwise surface later as an ArgumentException from JsonObject.
            return JsonNode.Parse(text, documentOptions: new JsonDocumentOptions { AllowDuplicateProperties = false });
        }
        catch (JsonException ex)
        {
            throw new CliException($"{name} is not valid JSON: {ex.Message}", ExitCodes.Usage);
        }
    }

    private static JsonNode? FromYaml(string text, string name)
    {
        if (string.IsNullOrWhiteSpace(text))
        {
            return null; // Holds nothing: refused below as not an agent or a list.
        }

        try
        {
            return FromJson(DefinitionYaml.ToJson(text), name);
        }
        catch (AosValidationException ex)
        {
            throw new CliException($"{name} is not valid YAML: {ex.Message}", ExitCodes.Usage);
        }
    }
}
