using System.Text.Json;
using System.Text.Json.Nodes;

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

        var node = RegistrationFile.IsYaml(file, text) ? FromYaml(text, file.Name) : FromJson(text, file.Name);
        return node as JsonObject
            ?? throw new CliException($"{file.Name} must hold one workflow: an object with a name and steps, each with an id and a kind.", ExitCodes.Usage);
    }

    // The one place YAML becomes JSON, so that it can move to the kernel's workflow YAML reader as a unit.
    private static JsonNode? FromYaml(string yaml, string fileName) => RegistrationFile.FromYaml(yaml, fileName);

    private static JsonNode? FromJson(string text, string fileName)
    {
        try
        {
            // Comments and trailing commas are dropped here, so the server receives plain JSON whichever reader it runs.
            return JsonNode.Parse(text, documentOptions: new JsonDocumentOptions { AllowDuplicateProperties = false, CommentHandling = JsonCommentHandling.Skip, AllowTrailingCommas = true });
        }
        catch (JsonException ex)
        {
            throw new CliException($"{fileName} is not valid JSON: {ex.Message}", ExitCodes.Usage);
        }
    }
}
