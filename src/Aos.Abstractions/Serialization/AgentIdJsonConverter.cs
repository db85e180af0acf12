using System.Text.Json;
using System.Text.Json.Serialization;

namespace Aos.Serialization;

/// <summary>Reads and writes an <see cref="AgentId"/> as a JSON string, refusing invalid ids with the reason.</summary>
public sealed class AgentIdJsonConverter : JsonConverter<AgentId>
{
    /// <inheritdoc />
    public override AgentId Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        var text = reader.TokenType == JsonTokenType.String ? reader.GetString() : throw new JsonException("An agent id must be a JSON string.");
        return AgentId.TryParse(text, out var id, out var error) ? id : throw new JsonException(error);
    }

    /// <inheritdoc />
    public override void Write(Utf8JsonWriter writer, AgentId value, JsonSerializerOptions options)
    {
        ArgumentNullException.ThrowIfNull(writer);
        writer.WriteStringValue(value.Value);
    }
}
