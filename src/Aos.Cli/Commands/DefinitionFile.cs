using System.Text.Json;
using System.Text.Json.Nodes;
using Aos.Kernel.Definitions;

namespace Aos.Cli.Commands;

/// <summary>Reads a definition (a workflow, a state machine) from a JSON or YAML file, as the JSON object the server takes.</summary>
internal static class DefinitionFile
{
    /// <summary>Reads the file.</summary>
    /// <param name="file">The file: <c>.yaml</c>/<c>.yml</c> or text not starting with <c>{</c> is YAML, the rest JSON.</param>
    /// <param name="what">What the file must hold, for the error when it holds something else.</param>
    /// <returns>The definition as a JSON object.</returns>
    public static JsonObject Read(FileInfo file, string what)
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
            ?? throw new CliException($"{file.Name} must hold one {what}.", ExitCodes.Usage);
    }

    private static bool IsYaml(FileInfo file, string text) =>
        file.Extension is ".yaml" or ".yml" || (file.Extension is not ".json" && !text.TrimStart().StartsWith('{'));

    // The one place YAML becomes JSON. It converts without validating: the server validates, knowing the kinds and hooks its extensions add.
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
