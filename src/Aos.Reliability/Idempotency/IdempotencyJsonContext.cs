using System.Text.Json;
using System.Text.Json.Serialization;

namespace Aos.Reliability;

/// <summary>Serializes idempotency entries.</summary>
[JsonSerializable(typeof(Dictionary<string, object?>))]
[JsonSerializable(typeof(JsonElement))]
[JsonSerializable(typeof(string))]
internal sealed partial class IdempotencyJsonContext : JsonSerializerContext;
