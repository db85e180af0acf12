using System.Text.Json;
using System.Text.Json.Serialization;
using Aos.Messaging;

namespace Aos.Nats.Messaging;

/// <summary>Serializes what the NATS transport stores: envelopes in the stream and ledger entries in the bucket.</summary>
[JsonSourceGenerationOptions(JsonSerializerDefaults.Web)]
[JsonSerializable(typeof(Envelope))]
[JsonSerializable(typeof(LedgerEntry))]
internal sealed partial class NatsJsonContext : JsonSerializerContext;
