using System.Buffers;
using System.Text;
using System.Text.Json;

namespace Aos.Postgres.Storage;

/// <summary>Makes the values every store writes the same way: ETags, timestamps, metadata JSON.</summary>
internal static class PostgresValues
{
    /// <summary>Creates a new opaque ETag.</summary>
    /// <returns>A quoted GUID, new on every call.</returns>
    public static string NewETag() => "\"" + Guid.NewGuid().ToString("N") + "\"";

    /// <summary>Gets the current time at the precision PostgreSQL keeps (microseconds), so a written value equals the one read back.</summary>
    /// <param name="timeProvider">The clock.</param>
    /// <returns>The time, in UTC.</returns>
    public static DateTimeOffset Now(TimeProvider timeProvider)
    {
        var now = timeProvider.GetUtcNow();
        return now.AddTicks(-(now.Ticks % 10));
    }

    /// <summary>Writes metadata as a JSON object of strings.</summary>
    /// <param name="metadata">The metadata; <see langword="null"/> for none.</param>
    /// <returns>The JSON text.</returns>
    public static string WriteMetadata(IDictionary<string, string>? metadata)
    {
        var buffer = new ArrayBufferWriter<byte>(64);
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            foreach (var (name, value) in metadata ?? new Dictionary<string, string>())
            {
                writer.WriteString(name, value);
            }

            writer.WriteEndObject();
        }

        return Encoding.UTF8.GetString(buffer.WrittenSpan);
    }

    /// <summary>Reads metadata written by <see cref="WriteMetadata"/>.</summary>
    /// <param name="json">The JSON text.</param>
    /// <returns>The metadata, with case-insensitive names.</returns>
    public static Dictionary<string, string> ReadMetadata(string json)
    {
        using var document = JsonDocument.Parse(json);
        var metadata = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        foreach (var property in document.RootElement.EnumerateObject())
        {
            metadata[property.Name] = property.Value.GetString() ?? string.Empty;
        }

        return metadata;
    }
}
