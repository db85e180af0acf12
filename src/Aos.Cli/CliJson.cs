using System.Text.Encodings.Web;
using System.Text.Json;

namespace Aos.Cli;

/// <summary>Holds the JSON options the CLI prints with: readable characters, not escapes.</summary>
internal static class CliJson
{
    public static JsonSerializerOptions Options { get; } = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    public static JsonSerializerOptions Indented { get; } = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping, WriteIndented = true };
}
