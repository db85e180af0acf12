using System.Buffers;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Aos.Governance.SystemCalls;

/// <summary>Turns the JSON nodes the stages build or redact back into the elements a <see cref="Aos.SystemCalls.SystemCall"/> carries.</summary>
internal static class JsonNodeElements
{
    public static JsonElement ToElement(JsonNode node)
    {
        var buffer = new ArrayBufferWriter<byte>(256);
        using (var writer = new Utf8JsonWriter(buffer))
        {
            node.WriteTo(writer);
        }

        var reader = new Utf8JsonReader(buffer.WrittenSpan);
        return JsonElement.ParseValue(ref reader);
    }
}
