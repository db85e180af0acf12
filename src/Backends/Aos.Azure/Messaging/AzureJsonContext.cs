using System.Text.Json;
using System.Text.Json.Serialization;
using Aos.Messaging;

namespace Aos.Azure.Messaging;

/// <summary>Serializes what the Azure transport stores: envelopes, in the queue and in the ledger table.</summary>
[JsonSourceGenerationOptions(JsonSerializerDefaults.Web)]
[JsonSerializable(typeof(Envelope))]
internal sealed partial class AzureJsonContext : JsonSerializerContext;
