using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Unicode;
using Aos.Kernel.Definitions;
using Aos.Workflows;

namespace Aos.Kernel.Workflows;

/// <summary>Reads and writes workflow definitions as JSON, or reads them from YAML.</summary>
/// <remarks>
/// <code language="json">
/// {
///   "name": "checkout",
///   "steps": [
///     { "id": "reserve", "kind": "agent-request", "input": { "agent": "stock", "type": "reserve" },
///       "compensation": { "kind": "agent-request", "input": { "agent": "stock", "type": "release" } } },
///     { "id": "charge", "kind": "agent-request", "dependsOn": [ "reserve" ], "input": { "agent": "payments" },
///       "maxAttempts": 3, "retryDelay": "2s", "timeout": "5m" }
///   ]
/// }
/// </code>
/// <para>
/// Durations are written <c>90s</c>, <c>30m</c>, <c>24h</c>, <c>3d</c> (also <c>500ms</c>), as an ISO 8601 duration (<c>PT24H</c>), or as
/// <c>d.hh:mm:ss</c>. A step's input is any JSON object, kept as JSON text. Property names are matched ignoring case; unknown properties are
/// refused, so a misspelt one is not silently ignored; comments and trailing commas are accepted.
/// </para>
/// </remarks>
public static partial class WorkflowJson
{
    private static readonly JsonDocumentOptions DocumentOptions = new()
    {
        AllowTrailingCommas = true,
        CommentHandling = JsonCommentHandling.Skip,
        AllowDuplicateProperties = false,
    };

    // Non-ASCII text (prompts in any language) stays readable; HTML-sensitive characters are still escaped.
    private static readonly JavaScriptEncoder Encoder = JavaScriptEncoder.Create(UnicodeRanges.All);

    /// <summary>Reads a definition and validates it.</summary>
    /// <param name="json">The JSON text.</param>
    /// <param name="extensionKinds">Step kinds registered as extensions, besides the built-in ones.</param>
    /// <returns>The definition.</returns>
    /// <exception cref="AosValidationException">
    /// The JSON is malformed, has the wrong shape, or describes an invalid workflow; <see cref="AosValidationException.Field"/> names the part
    /// (such as <c>steps[2].timeout</c>) and the message the step.
    /// </exception>
    public static WorkflowDefinition Parse(string json, IReadOnlySet<string>? extensionKinds = null)
    {
        ArgumentNullException.ThrowIfNull(json);
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(json, DocumentOptions);
        }
        catch (JsonException ex)
        {
            var at = ex.LineNumber is { } line ? $" at line {line + 1}, position {ex.BytePositionInLine + 1}" : string.Empty;
            throw new AosValidationException($"The workflow definition is not valid JSON{at}: {FirstSentence(ex.Message)}", ex);
        }

        using (document)
        {
            var definition = ReadDefinition(document.RootElement);
            WorkflowValidator.Validate(definition, extensionKinds);
            return definition;
        }
    }

    /// <summary>Reads a definition written in YAML and validates it.</summary>
    /// <param name="yaml">The YAML text, shaped as the JSON that <see cref="Parse"/> reads.</param>
    /// <param name="extensionKinds">Step kinds registered as extensions, besides the built-in ones.</param>
    /// <returns>The definition.</returns>
    /// <exception cref="AosValidationException">The YAML is malformed (the message gives the line and column) or the definition is invalid.</exception>
    public static WorkflowDefinition ParseYaml(string yaml, IReadOnlySet<string>? extensionKinds = null) =>
        Parse(DefinitionYaml.ToJson(yaml), extensionKinds);

    /// <summary>Keeps a step input as compact JSON text, the same whichever way it was written.</summary>
    internal static string Compact(JsonElement element)
    {
        using var stream = new MemoryStream();
        using (var writer = new Utf8JsonWriter(stream, new JsonWriterOptions { Encoder = Encoder }))
        {
            element.WriteTo(writer);
        }

        return System.Text.Encoding.UTF8.GetString(stream.GetBuffer(), 0, (int)stream.Length);
    }

    private static string FirstSentence(string message) => message.Split(". ", 2)[0].TrimEnd('.') + ".";
}
