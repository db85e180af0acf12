using System.Text.Json;
using System.Text.Json.Serialization;
using Aos.Agents;

namespace Aos.Storage.Serialization;

/// <summary>Serializes what the storage layer keeps as JSON: web defaults (camelCase), agent ids as strings.</summary>
[JsonSourceGenerationOptions(JsonSerializerDefaults.Web)]
[JsonSerializable(typeof(AgentDescriptor))]
[JsonSerializable(typeof(IReadOnlyCollection<string>))]
[JsonSerializable(typeof(Aos.Messaging.Envelope))]
[JsonSerializable(typeof(List<Aos.Conversations.SignOff>))]
[JsonSerializable(typeof(List<string>))]
[JsonSerializable(typeof(string[]))]
[JsonSerializable(typeof(Dictionary<string, string>))]
[JsonSerializable(typeof(Aos.Storage.Sqlite.BackupManifest))]
internal sealed partial class AosStorageJsonContext : JsonSerializerContext;
