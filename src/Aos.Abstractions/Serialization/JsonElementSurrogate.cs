using System.Text.Json;

namespace Aos.Serialization;

/// <summary>Carries a <see cref="JsonElement"/> across Orleans grain calls and grain storage as its JSON text.</summary>
[GenerateSerializer, Immutable, Alias("aos.json")]
public readonly struct JsonElementSurrogate
{
    /// <summary>Gets or initializes the JSON text.</summary>
    [Id(0)] public string Json { get; init; }
}

/// <summary>Converts between <see cref="JsonElement"/> and <see cref="JsonElementSurrogate"/>.</summary>
[RegisterConverter]
public sealed class JsonElementSurrogateConverter : IConverter<JsonElement, JsonElementSurrogate>
{
    /// <inheritdoc />
    public JsonElement ConvertFromSurrogate(in JsonElementSurrogate surrogate) =>
        surrogate.Json is null ? default : JsonElement.Parse(surrogate.Json);

    /// <inheritdoc />
    public JsonElementSurrogate ConvertToSurrogate(in JsonElement value) =>
        new() { Json = value.ValueKind == JsonValueKind.Undefined ? null! : value.GetRawText() };
}
