using System.Text.Json;
using System.Text.Json.Serialization;
using Aos.Agents;

namespace Aos.Kernel;

/// <summary>Serializes the kernel's journal entries: web defaults (camelCase), source-generated.</summary>
[JsonSourceGenerationOptions(JsonSerializerDefaults.Web, DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(HistoryEntry))]
[JsonSerializable(typeof(MemoryItem))]
[JsonSerializable(typeof(DecisionRecord))]
[JsonSerializable(typeof(Aos.Messaging.Envelope))]
[JsonSerializable(typeof(Workflows.RunListEntry))]
[JsonSerializable(typeof(Agents.AgentStoreEntry))]
internal sealed partial class KernelJsonContext : JsonSerializerContext;
