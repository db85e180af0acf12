using System.Buffers;
using System.Globalization;
using System.Numerics;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.RegularExpressions;
using System.Text.Unicode;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace Aos.Kernel.Definitions;

/// <summary>Converts definitions written in YAML into the JSON that the definition readers take.</summary>
/// <remarks>
/// Mappings become objects, sequences arrays. A quoted or block scalar (<c>|</c>, <c>&gt;</c>) or one tagged <c>!!str</c> stays a string; a plain
/// scalar that is <c>true</c>, <c>false</c>, <c>null</c>, <c>~</c>, empty, or a decimal number becomes that JSON literal, as in the YAML 1.2 core
/// schema, and any other plain scalar (<c>yes</c>, <c>0x1F</c>, <c>.inf</c>) stays a string. Anchors and aliases are expanded.
/// </remarks>
public static partial class DefinitionYaml
{
    private const int MaxDepth = 64;
    private const int MaxNodes = 100_000;

    private static readonly JsonWriterOptions WriterOptions = new()
    {
        Indented = true,
        Encoder = JavaScriptEncoder.Create(UnicodeRanges.All),
    };

    /// <summary>Converts a YAML document into equivalent JSON text.</summary>
    /// <param name="yaml">The YAML text: one document.</param>
    /// <returns>The JSON text.</returns>
    /// <exception cref="AosValidationException">The YAML is malformed, empty, or holds more than one document; the message gives the line and column.</exception>
    public static string ToJson(string yaml)
    {
        ArgumentNullException.ThrowIfNull(yaml);
        var stream = new YamlStream();
        try
        {
            using var reader = new StringReader(yaml);
            stream.Load(reader);
        }
        catch (YamlException ex)
        {
            throw new AosValidationException($"The definition is not valid YAML at {At(ex.Start)}: {ex.Message}", ex);
        }
        catch (InvalidOperationException ex)
        {
            // YamlDotNet's scanner throws this, without a position, on some malformed input.
            throw new AosValidationException($"The definition is not valid YAML: {ex.Message}", ex);
        }

        if (stream.Documents.Count != 1)
        {
            throw new AosValidationException(stream.Documents.Count == 0
                ? "The YAML definition is empty; write the definition as a mapping, such as 'name: onboard'."
                : $"The YAML holds {stream.Documents.Count} documents (separated by '---'); a definition is one document, so send them one at a time.");
        }

        var buffer = new ArrayBufferWriter<byte>();
        using (var writer = new Utf8JsonWriter(buffer, WriterOptions))
        {
            var nodes = 0;
            Write(writer, stream.Documents[0].RootNode, 0, ref nodes);
        }

        return Encoding.UTF8.GetString(buffer.WrittenSpan);
    }

    private static void Write(Utf8JsonWriter writer, YamlNode node, int depth, ref int nodes)
    {
        if (depth > MaxDepth)
        {
            throw new AosValidationException($"The YAML nests deeper than {MaxDepth} levels at {At(node.Start)} (an alias inside what it names does that); flatten it.");
        }

        if (++nodes > MaxNodes)
        {
            throw new AosValidationException($"The YAML expands to more than {MaxNodes} values by {At(node.Start)} (each alias repeats what it names); write it with fewer aliases.");
        }

        switch (node)
        {
            case YamlMappingNode mapping:
                writer.WriteStartObject();
                foreach (var (key, value) in mapping.Children)
                {
                    writer.WritePropertyName(key is YamlScalarNode { Value: var name }
                        ? name ?? string.Empty
                        : throw new AosValidationException($"The YAML has a list or a mapping as a key at {At(key.Start)}; a mapping key must be plain text."));
                    Write(writer, value, depth + 1, ref nodes);
                }

                writer.WriteEndObject();
                break;
            case YamlSequenceNode sequence:
                writer.WriteStartArray();
                foreach (var item in sequence.Children)
                {
                    Write(writer, item, depth + 1, ref nodes);
                }

                writer.WriteEndArray();
                break;
            case YamlScalarNode scalar:
                WriteScalar(writer, scalar);
                break;
            default:
                throw new AosValidationException($"The YAML has a {node.NodeType} node at {At(node.Start)}, which has no JSON equivalent.");
        }
    }

    private static void WriteScalar(Utf8JsonWriter writer, YamlScalarNode scalar)
    {
        var value = scalar.Value ?? string.Empty;
        if (scalar.Style is not (ScalarStyle.Plain or ScalarStyle.Any) || !scalar.Tag.IsEmpty && scalar.Tag.Value == "tag:yaml.org,2002:str")
        {
            writer.WriteStringValue(value);
            return;
        }

        switch (value)
        {
            case "" or "~" or "null" or "Null" or "NULL":
                writer.WriteNullValue();
                return;
            case "true" or "True" or "TRUE":
                writer.WriteBooleanValue(true);
                return;
            case "false" or "False" or "FALSE":
                writer.WriteBooleanValue(false);
                return;
        }

        if (JsonNumber().IsMatch(value))
        {
            writer.WriteRawValue(value);
        }
        else if (YamlInteger().IsMatch(value))
        {
            // A leading '+' or zeros is a YAML integer but not a JSON number.
            writer.WriteRawValue(BigInteger.Parse(value, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture).ToString(CultureInfo.InvariantCulture));
        }
        else if (YamlFloat().IsMatch(value) && double.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out var number) && double.IsFinite(number))
        {
            writer.WriteNumberValue(number);
        }
        else
        {
            writer.WriteStringValue(value);
        }
    }

    private static string At(Mark mark) => $"line {mark.Line}, column {mark.Column}";

    [GeneratedRegex(@"^-?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][-+]?[0-9]+)?$")]
    private static partial Regex JsonNumber();

    [GeneratedRegex("^[-+]?[0-9]+$")]
    private static partial Regex YamlInteger();

    [GeneratedRegex(@"^[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?$")]
    private static partial Regex YamlFloat();
}
