using System.Text.Json;
using System.Text.Json.Serialization;
using Aos.Agents;
using Aos.Conversations;

namespace Aos.Postgres.Kernel;

/// <summary>Serializes what the kernel stores keep as JSON, as the embedded store does: web defaults (camelCase), agent ids as strings.</summary>
[JsonSourceGenerationOptions(JsonSerializerDefaults.Web)]
[JsonSerializable(typeof(AgentDescriptor))]
[JsonSerializable(typeof(List<SignOff>))]
[JsonSerializable(typeof(List<string>))]
[JsonSerializable(typeof(string[]))]
internal sealed partial class PostgresKernelJsonContext : JsonSerializerContext;
