using System.Text.Json;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace Aos.Governance.Policies;

/// <summary>Reads and validates policies written in JSON or YAML.</summary>
/// <remarks>
/// A policy that is not valid is refused with an <see cref="AosValidationException"/> whose message names the source, the line and
/// column, and the reason: an unknown effect, operator or property, a bad glob or path, a value of the wrong type, a duplicate rule id,
/// a redact rule without fields, a require-approval rule without approvers, a bad time. Both formats are read through YamlDotNet's
/// representation model (YAML is a superset of JSON), which keeps the position of every node; JSON is first checked by System.Text.Json
/// so that JSON syntax errors read as such.
/// </remarks>
public static class PolicyLoader
{
    /// <summary>Parses and validates a policy.</summary>
    /// <param name="text">The policy text.</param>
    /// <param name="format"><c>json</c> or <c>yaml</c>.</param>
    /// <param name="source">Where the text comes from, such as a file path, named in errors.</param>
    /// <returns>The policy.</returns>
    /// <exception cref="AosValidationException">The policy is not valid; the message names the line, the column and the reason.</exception>
    public static PolicyDocument Parse(string text, string format, string source)
    {
        ArgumentNullException.ThrowIfNull(text);
        ArgumentNullException.ThrowIfNull(format);
        ArgumentNullException.ThrowIfNull(source);
        var isJson = format.ToLowerInvariant() switch
        {
            "json" => true,
            "yaml" or "yml" => false,
            _ => throw new AosValidationException($"'{format}' is not a policy format: use json or yaml.") { Field = nameof(format) },
        };

        if (isJson)
        {
            try
            {
                using var _ = JsonDocument.Parse(text);
            }
            catch (JsonException e)
            {
                throw PolicyReader.Error(source, (e.LineNumber ?? 0) + 1, (e.BytePositionInLine ?? 0) + 1, "this is not valid JSON: " + FirstSentence(e.Message));
            }
        }

        var stream = new YamlStream();
        try
        {
            stream.Load(new StringReader(text));
        }
        catch (YamlException e)
        {
            var reason = e.InnerException?.Message ?? e.Message;
            var cut = reason.IndexOf("): ", StringComparison.Ordinal);
            throw PolicyReader.Error(source, e.Start.Line, e.Start.Column, $"this is not valid {(isJson ? "JSON" : "YAML")}: {(cut >= 0 ? reason[(cut + 3)..] : reason)}");
        }

        if (stream.Documents.Count != 1)
        {
            throw PolicyReader.Error(source, 1, 1, stream.Documents.Count == 0 ? "the policy is empty" : "a file holds one policy, not several YAML documents");
        }

        var document = new PolicyReader(source).Read(stream.Documents[0].RootNode) with { Source = source };

        // The reader has checked everything with its position; compiling once more keeps code-built and loaded policies under one rule set.
        CompiledPolicySet.Compile([document]);
        return document;
    }

    /// <summary>Reads and validates a policy file, <c>*.json</c>, <c>*.yaml</c> or <c>*.yml</c>.</summary>
    /// <param name="path">The file path.</param>
    /// <param name="cancellationToken">A token to cancel the read.</param>
    /// <returns>The policy.</returns>
    /// <exception cref="AosValidationException">The file is not a policy file or the policy is not valid.</exception>
    public static async Task<PolicyDocument> LoadAsync(string path, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(path);
        var format = FormatOf(path) ?? throw new AosValidationException($"'{path}' is not a policy file: name it *.json, *.yaml or *.yml.") { Field = nameof(path) };
        return Parse(await File.ReadAllTextAsync(path, cancellationToken), format, path);
    }

    /// <summary>Returns the policy format of a file from its extension: <c>json</c>, <c>yaml</c>, or <see langword="null"/>.</summary>
    /// <param name="path">The file path.</param>
    /// <returns>The format, or <see langword="null"/> when the file is not a policy file.</returns>
    public static string? FormatOf(string path) => Path.GetExtension(path).ToLowerInvariant() switch
    {
        ".json" => "json",
        ".yaml" or ".yml" => "yaml",
        _ => null,
    };

    private static string FirstSentence(string message)
    {
        var end = message.IndexOf(". ", StringComparison.Ordinal);
        return end >= 0 ? message[..end] : message.TrimEnd('.');
    }
}
