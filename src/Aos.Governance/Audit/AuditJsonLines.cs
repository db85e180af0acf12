using System.Globalization;
using System.Text.Json;

namespace Aos.Governance.Audit;

/// <summary>Writes and reads the JSON Lines form of the audit log: checkpoint lines first, then entry lines in sequence order.</summary>
internal static class AuditJsonLines
{
    private static readonly byte[] NewLine = "\n"u8.ToArray();

    public static void WriteCheckpoint(Utf8JsonWriter writer, AuditCheckpoint checkpoint)
    {
        writer.WriteStartObject();
        writer.WriteString("type"u8, "checkpoint"u8);
        writer.WriteNumber("id"u8, checkpoint.Id);
        writer.WriteString("hash"u8, checkpoint.Hash);
        writer.WriteString("time"u8, AuditHasher.FormatTime(checkpoint.Time));
        writer.WriteNumber("every"u8, checkpoint.Every);
        writer.WriteString("keyId"u8, checkpoint.KeyId);
        writer.WriteString("signature"u8, checkpoint.Signature);
        writer.WriteEndObject();
    }

    public static void WriteEntry(Utf8JsonWriter writer, AuditEntry entry)
    {
        writer.WriteStartObject();
        writer.WriteString("type"u8, "entry"u8);
        writer.WriteNumber("id"u8, entry.Id);
        writer.WriteString("time"u8, AuditHasher.FormatTime(entry.Time));
        writer.WriteString("tenant"u8, entry.Tenant);
        writer.WriteString("actor"u8, entry.Actor);
        writer.WriteString("action"u8, entry.Action);
        writer.WriteString("resource"u8, entry.Resource);
        writer.WriteString("outcome"u8, entry.Outcome);
        writer.WriteString("level"u8, AuditHasher.FormatLevel(entry.Level));
        writer.WritePropertyName("context"u8);
        writer.WriteRawValue(entry.Context, skipInputValidation: true);
        writer.WriteString("previousHash"u8, entry.PreviousHash);
        writer.WriteString("hash"u8, entry.Hash);
        writer.WriteEndObject();
    }

    /// <summary>Writes one line per item through a reused writer.</summary>
    public static async Task WriteAsync(
        Stream destination, IEnumerable<AuditCheckpoint> checkpoints, IAsyncEnumerable<AuditEntry> entries, CancellationToken cancellationToken)
    {
        using var buffer = new MemoryStream();
        await using var writer = new Utf8JsonWriter(buffer);
        foreach (var checkpoint in checkpoints)
        {
            WriteCheckpoint(writer, checkpoint);
            await FlushLineAsync(writer, buffer, destination, cancellationToken);
        }

        await foreach (var entry in entries.WithCancellation(cancellationToken))
        {
            WriteEntry(writer, entry);
            if (buffer.Length > 64 * 1024)
            {
                await FlushLineAsync(writer, buffer, destination, cancellationToken);
            }
            else
            {
                writer.Flush();
                buffer.Write(NewLine);
                writer.Reset(buffer);
            }
        }

        writer.Flush();
        if (buffer.Length > 0)
        {
            await destination.WriteAsync(buffer.GetBuffer().AsMemory(0, (int)buffer.Length), cancellationToken);
        }

        await destination.FlushAsync(cancellationToken);
    }

    public static AuditCheckpoint ReadCheckpoint(JsonElement line) => new(
        line.GetProperty("id").GetInt64(),
        line.GetProperty("hash").GetString()!,
        ParseTime(line.GetProperty("time").GetString()!),
        line.GetProperty("every").GetInt32(),
        line.GetProperty("keyId").GetString()!,
        line.GetProperty("signature").GetString()!);

    public static AuditEntry ReadEntry(JsonElement line) => new(
        line.GetProperty("id").GetInt64(),
        ParseTime(line.GetProperty("time").GetString()!),
        line.GetProperty("tenant").GetString()!,
        line.GetProperty("actor").GetString()!,
        line.GetProperty("action").GetString()!,
        line.GetProperty("resource").GetString()!,
        line.GetProperty("outcome").GetString()!,
        AuditHasher.ParseLevel(line.GetProperty("level").GetString()!),
        line.GetProperty("context").GetRawText(),
        line.GetProperty("previousHash").GetString()!,
        line.GetProperty("hash").GetString()!);

    private static DateTimeOffset ParseTime(string time) =>
        DateTimeOffset.ParseExact(time, "yyyy-MM-dd'T'HH:mm:ss.fffffff'Z'", CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal);

    private static async Task FlushLineAsync(Utf8JsonWriter writer, MemoryStream buffer, Stream destination, CancellationToken cancellationToken)
    {
        writer.Flush();
        buffer.Write(NewLine);
        await destination.WriteAsync(buffer.GetBuffer().AsMemory(0, (int)buffer.Length), cancellationToken);
        buffer.SetLength(0);
        writer.Reset(buffer);
    }
}
