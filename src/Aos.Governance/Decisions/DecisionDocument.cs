using System.Text.Json;
using System.Text.Json.Serialization;

namespace Aos.Governance.Decisions;

/// <summary>Stores a decision as a JSON document.</summary>
internal static class DecisionDocument
{
    public static JsonElement Serialize(Decision decision) => JsonSerializer.SerializeToElement(decision, DecisionJsonContext.Default.Decision);

    public static Decision? Deserialize(JsonElement document) => document.Deserialize(DecisionJsonContext.Default.Decision);
}

[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase, DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(Decision))]
[JsonSerializable(typeof(AgentDecisionContext))]
internal sealed partial class DecisionJsonContext : JsonSerializerContext;
