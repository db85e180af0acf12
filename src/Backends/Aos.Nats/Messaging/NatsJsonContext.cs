using System.Text.Json;
using System.Text.Json.Serialization;
using Aos.Messaging;

namespace Aos.Nats.Messaging;

/// <summary>Serializes what the NATS transport stores: ledger entries (each holding its envelope) in the bucket, and reads envelopes earlier versions kept in the stream.</summary>
[JsonSourceGenerationOptions(JsonSerializerDefaults.Web)]
[JsonSerializable(typeof(Envelope))]
[JsonSerializable(typeof(LedgerEntry))]
internal sealed partial class NatsJsonContext : JsonSerializerContext;
