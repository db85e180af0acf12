using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Aos.Messaging;
using Azure.Data.Tables;

namespace Aos.Azure.Messaging;

internal sealed partial class TableMessageLedger
{
    /// <summary>Gets the largest envelope a row holds, as UTF-8 JSON: 14 binary properties of 64 KiB, within the 1 MiB of a row.</summary>
    internal const int MaxEnvelopeBytes = MaxEnvelopeChunks * EnvelopeChunkBytes;

    private const int EnvelopeChunkBytes = 64 * 1024;
    private const int MaxEnvelopeChunks = 14;
    private const string MessagePartitionPrefix = "m";
    private const string MessagePartitionEnd = "n";
    private const string DeadLetterPartition = "d";
    private const string SequencePartition = "s";
    private const string SequenceRow = "sequence";
    private const string NextProperty = "Next";
    private const string StatusProperty = "Status";
    private const string UpdatedAtProperty = "UpdatedAt";
    private const string SequenceProperty = "Sequence";
    private const string TargetPartitionProperty = "TargetPartition";
    private const string TargetRowProperty = "TargetRow";
    private const string EnvelopeChunksProperty = "EnvelopeChunks";

    /// <summary>Gets the partition and row key of a message for a recipient; hashed, because ids may hold characters keys do not allow.</summary>
    internal static (string Partition, string Row) KeyOf(string messageId, string recipient) => (PartitionOf(messageId), Hash(recipient, 16));

    private static string PartitionOf(string messageId) => MessagePartitionPrefix + Hash(messageId, 32);

    private static string SequenceKey(long sequence) => sequence.ToString("D19", CultureInfo.InvariantCulture);

    private static string Hash(string value, int bytes) =>
        Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(value)).AsSpan(0, bytes));

    private static TableEntity DeadLetterIndexRow(long sequence, string partition, string row) =>
        new(DeadLetterPartition, SequenceKey(sequence)) { [TargetPartitionProperty] = partition, [TargetRowProperty] = row };

    private static TableEntity ToEntity(LedgerEntry entry)
    {
        var (partition, row) = KeyOf(entry.MessageId, entry.Recipient);
        var envelope = JsonSerializer.SerializeToUtf8Bytes(entry.Envelope, AzureJsonContext.Default.Envelope);
        if (envelope.Length > MaxEnvelopeBytes)
        {
            throw new AosValidationException($"Message '{entry.MessageId}' is {envelope.Length} bytes as JSON; the Table Storage ledger holds messages of at most {MaxEnvelopeBytes} bytes.")
            {
                Field = "payload",
                TooLarge = true,
            };
        }

        var entity = new TableEntity(partition, row)
        {
            ["MessageId"] = entry.MessageId,
            ["Recipient"] = entry.Recipient,
            ["OrderKey"] = entry.OrderKey,
            [StatusProperty] = (int)entry.Status,
            ["Attempts"] = entry.Attempts,
            ["DueAt"] = entry.DueAt,
            ["LastError"] = entry.LastError,
            ["Reason"] = entry.Reason,
            ["AcceptedAt"] = entry.AcceptedAt,
            [UpdatedAtProperty] = entry.UpdatedAt,
            [SequenceProperty] = entry.Sequence,
            ["ServiceBusSequence"] = entry.ServiceBusSequence,
        };
        var chunks = 0;
        for (var offset = 0; offset < envelope.Length || chunks == 0; offset += EnvelopeChunkBytes)
        {
            entity["Envelope" + chunks.ToString(CultureInfo.InvariantCulture)] = envelope.AsSpan(offset, Math.Min(EnvelopeChunkBytes, envelope.Length - offset)).ToArray();
            chunks++;
        }

        entity[EnvelopeChunksProperty] = chunks;
        return entity;
    }

    private static LedgerEntry FromEntity(TableEntity entity)
    {
        var chunks = entity.GetInt32(EnvelopeChunksProperty) ?? 0;
        var envelope = new List<byte>();
        for (var i = 0; i < chunks; i++)
        {
            envelope.AddRange(entity.GetBinary("Envelope" + i.ToString(CultureInfo.InvariantCulture)) ?? []);
        }

        return new LedgerEntry(
            JsonSerializer.Deserialize([.. envelope], AzureJsonContext.Default.Envelope)
                ?? throw new AosException($"The ledger row '{entity.PartitionKey}/{entity.RowKey}' holds no envelope."),
            entity.GetString("Recipient") ?? string.Empty,
            entity.GetString("OrderKey") ?? string.Empty,
            (MessageStatus)(entity.GetInt32(StatusProperty) ?? 0),
            entity.GetInt32("Attempts") ?? 0,
            entity.GetInt64("DueAt") ?? 0,
            entity.GetString("LastError"),
            entity.GetString("Reason"),
            entity.GetInt64("AcceptedAt") ?? 0,
            entity.GetInt64(UpdatedAtProperty) ?? 0,
            entity.GetInt64("Sequence") ?? 0,
            entity.GetInt64("ServiceBusSequence") ?? 0);
    }
}
