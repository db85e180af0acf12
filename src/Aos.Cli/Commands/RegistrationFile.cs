using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

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
        try
        {
            var stream = new YamlStream();
            using var reader = new StringReader(text);
            stream.Load(reader);
            return stream.Documents.Count == 0 ? null : Convert(stream.Documents[0].RootNode);
        }
        catch (Exception ex) when (ex is YamlException or InvalidOperationException)
        {
            // YamlDotNet's scanner throws InvalidOperationException on some malformed input (an unclosed flow sequence).
            throw new CliException($"{name} is not valid YAML: {ex.Message}", ExitCodes.Usage);
        }
    }

    private static JsonNode? Convert(YamlNode node) => node switch
    {
        YamlMappingNode map => new JsonObject(map.Children.Select(kv => KeyValuePair.Create(Key(kv.Key), Convert(kv.Value)))),
        YamlSequenceNode seq => new JsonArray([.. seq.Children.Select(Convert)]),
        YamlScalarNode scalar => Scalar(scalar),
        _ => null,
    };

    private static string Key(YamlNode key) =>
        key is YamlScalarNode scalar
            ? scalar.Value ?? string.Empty
            : throw new YamlException(key.Start, key.End, "A mapping key must be plain text, not a list or a mapping.");

    private static JsonValue? Scalar(YamlScalarNode scalar)
    {
        var value = scalar.Value;
        if (scalar.Style is ScalarStyle.SingleQuoted or ScalarStyle.DoubleQuoted or ScalarStyle.Literal or ScalarStyle.Folded)
        {
            return JsonValue.Create(value);
        }

        return value switch
        {
            null or "" or "~" or "null" => null,
            "true" => JsonValue.Create(true),
            "false" => JsonValue.Create(false),
            _ when long.TryParse(value, NumberStyles.Integer, CultureInfo.InvariantCulture, out var l) => JsonValue.Create(l),
            _ when double.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out var d) => JsonValue.Create(d),
            _ => JsonValue.Create(value),
        };
    }
}
