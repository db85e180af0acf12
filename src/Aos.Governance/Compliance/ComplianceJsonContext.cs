using System.Text.Json.Nodes;
using System.Text.Json.Serialization;

namespace Aos.Governance.Compliance;

/// <summary>Reads and writes frameworks as JSON: the built-in resources and the custom frameworks' stored documents.</summary>
[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase, DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull, ReadCommentHandling = System.Text.Json.JsonCommentHandling.Skip)]
[JsonSerializable(typeof(ComplianceFramework))]
[JsonSerializable(typeof(JsonObject))]
internal sealed partial class ComplianceJsonContext : JsonSerializerContext;
