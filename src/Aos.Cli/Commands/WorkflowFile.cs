using System.Text.Json;
using System.Text.Json.Nodes;
using Aos.Kernel.Definitions;

namespace Aos.Cli.Commands;

/// <summary>Reads a workflow definition from a JSON or YAML file, as the JSON that <c>POST /v1/workflows</c> takes.</summary>
internal static class WorkflowFile
{
    public static JsonObject Read(FileInfo file)
    {
        string text;
        try
        {
            text = File.ReadAllText(file.FullName);
        }
        catch (Exception ex) when (ex is FileNotFoundException or DirectoryNotFoundException)
        {
            throw new CliException($"file not found: {file.FullName}", ExitCodes.Usage);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new CliException($"cannot read {file.FullName}: {ex.Message}", ExitCodes.Usage);
        }

        var node = IsYaml(file, text) ? FromJson(FromYaml(text, file.Name), file.Name) : FromJson(text, file.Name);
        return node as JsonObject
            ?? throw new CliException($"{file.Name} must hold one workflow: an object with a name and steps, each with an id and a kind.", ExitCodes.Usage);
    }

    private static bool IsYaml(FileInfo file, string text) =>
        file.Extension is ".yaml" or ".yml" || (file.Extension is not ".json" && !text.TrimStart().StartsWith('{'));

    // The one place YAML becomes JSON. It converts without validating: the server validates, knowing the step kinds its extensions add.
    private static string FromYaml(string yaml, string fileName)
    {
        try
        {
            return DefinitionYaml.ToJson(yaml);
        }
        catch (AosValidationException ex)
        {
            throw new CliException($"{fileName}: {ex.Message}", ExitCodes.Usage);
        }
    }

    private static JsonNode? FromJson(string text, string fileName)
    {
        try
        {
            // Comments and trailing commas are accepted, as by the server.
            return JsonNode.Parse(text, documentOptions: new JsonDocumentOptions { AllowDuplicateProperties = false, CommentHandling = JsonCommentHandling.Skip, AllowTrailingCommas = true });
        }
        catch (JsonException ex)
        {
            throw new CliException($"{fileName} is not valid JSON: {ex.Message}", ExitCodes.Usage);
        }
    }
}
